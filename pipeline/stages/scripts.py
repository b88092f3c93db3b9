"""script stage: lectures/<id>.md → slides/<id>.md.

With an LLM configured the script is written for speaking; without one it is derived
from the lecture by the rules in pipeline/derive.py (docs/formats.md), keeping it whole.
"""

from __future__ import annotations

from pipeline import log, protect, review, slides, stages
from pipeline.course import Course
from pipeline.derive import derive
from pipeline.fsutil import read_text

STAGE = stages.stage("scripts")


def run(course: Course, only: list[str] | None = None, force: bool = False) -> None:
    """Write the slide script of every lecture whose draft changed."""
    review.checkpoint(course, "drafts")
    for lecture_id in course.lecture_ids(only):
        STAGE.require(course, lecture_id)
        k, path = STAGE.key(course, lecture_id), STAGE.target(course, lecture_id)
        if protect.deleted_by_hand(course.dir, path, force):
            log.outcome(course, path, protect.DELETED)
            continue
        if not force and protect.is_current(course.dir, path, k):
            continue
        text = _generate(course, lecture_id)
        outcome = protect.write(course.dir, path, text, k, force)
        log.outcome(course, path, outcome)
    # A person's own slide script (or an LLM's) may hold placeholders too.
    STAGE.refuse_placeholders(course, [STAGE.target(course, i) for i in course.lecture_ids(only)])


def _generate(course: Course, lecture_id: str) -> str:
    if course.topic.uses_llm:
        from pipeline.stages import scripts_llm

        return scripts_llm.generate(course, lecture_id)
    md = read_text(course.lecture_path(lecture_id))
    title, section = course.lecture(lecture_id).title, course.outline.section_of(lecture_id)
    return slides.render_text(derive(md, title, section.title)) + "\n"

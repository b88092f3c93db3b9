"""quiz stage: a section's lecture drafts → quizzes/<section>.yaml (LLM), or checks the
quizzes a person wrote by hand in manual mode."""

from __future__ import annotations

from pipeline import log, protect, review, stages
from pipeline.course import Course

STAGE = stages.stage("quizzes")


def run(course: Course, only: list[str] | None = None, force: bool = False) -> None:
    """Make or check the quiz of every (or the given) section."""
    review.checkpoint(course, "drafts")
    for section in course.outline.sections:
        if only and section.id not in only:
            continue
        STAGE.require(course, section.id)
        path, k = STAGE.target(course, section.id), STAGE.key(course, section.id)
        if protect.deleted_by_hand(course.dir, path, force):
            log.outcome(course, path, protect.DELETED)
            continue
        if path.exists():
            course.quiz(section.id)  # validate now: a broken quiz is reported at its stage
        if not force and protect.is_current(course.dir, path, k):
            continue
        if course.topic.uses_llm:
            from pipeline.stages import quizzes_llm

            outcome = protect.write(
                course.dir, path, quizzes_llm.generate(course, section.id), k, force
            )
            log.outcome(course, path, outcome)
        elif not path.exists():
            log.warn(
                f"courses/{course.slug}/quizzes/{section.id}.yaml is missing: with no LLM "
                "configured, write it by hand (format: docs/formats.md). The book and the "
                "Udemy bundle leave this section's quiz out until then."
            )
        else:
            protect.set_source(course.dir, path, k)

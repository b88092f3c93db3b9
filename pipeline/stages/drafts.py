"""draft stage: outline.yaml → lectures/<id>.md (an LLM writes them; in manual mode a
scaffold the person fills in)."""

from __future__ import annotations

from pipeline import log, placeholders, protect, review, stages
from pipeline.course import Course
from pipeline.models import Lecture

STAGE = stages.stage("drafts")


def run(course: Course, only: list[str] | None = None, force: bool = False) -> None:
    """Write every (or the given) lecture draft that is not current."""
    review.checkpoint(course, "outline")
    todo = _todo(course, course.lecture_ids(only), force)
    if not todo:
        return
    if course.topic.uses_llm:
        from pipeline.stages import drafts_llm

        drafts_llm.write_drafts(course, todo, force)
    else:
        _scaffolds(course, todo, force)


def _todo(course: Course, ids: list[str], force: bool) -> list[str]:
    """Lectures to write: not current, and not deleted by hand (which is reported)."""
    todo = []
    for lecture_id in ids:
        path = STAGE.target(course, lecture_id)
        if protect.deleted_by_hand(course.dir, path, force):
            log.outcome(course, path, protect.DELETED)
        elif force or not protect.is_current(course.dir, path, STAGE.key(course, lecture_id)):
            todo.append(lecture_id)
    return todo


def _scaffolds(course: Course, ids: list[str], force: bool) -> None:
    """Manual mode: a starting file for each lecture the person has not written yet."""
    for lecture_id in ids:
        path = STAGE.target(course, lecture_id)
        if path.exists() and protect.state(course.dir, path) != "generated":
            # the person's lecture is the draft: a scaffold never replaces it, FORCE or not
            protect.set_source(course.dir, path, STAGE.key(course, lecture_id))
            continue
        save(course, lecture_id, scaffold(course.lecture(lecture_id)), force)
    log.info(
        "manual mode: write the lectures above, then approve them with "
        f"`make approve TOPIC={course.slug} STAGE=drafts`"
    )


def save(course: Course, lecture_id: str, text: str, force: bool) -> str:
    """Write one draft through edit protection and report it."""
    path = STAGE.target(course, lecture_id)
    outcome = protect.write(course.dir, path, text, STAGE.key(course, lecture_id), force)
    log.outcome(course, path, outcome)
    return outcome


def scaffold(lecture: Lecture) -> str:
    """A starting file for a person writing the lecture by hand."""
    lines = [
        f"# {lecture.title}",
        "",
        placeholders.SCAFFOLD_NOTE,
        "",
    ]
    if lecture.objectives:
        lines += ["<!-- Objectives: " + "; ".join(lecture.objectives) + " -->", ""]
    for point in lecture.key_points or ["Introduction"]:
        lines += [f"## {point}", "", placeholders.TODO_LINE, ""]
    return "\n".join(lines)

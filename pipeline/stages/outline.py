"""outline stage: topic.yaml → outline.yaml (from the topic's own outline, or an LLM)."""

from __future__ import annotations

import yaml

from pipeline import log, protect, stages
from pipeline.config import Topic
from pipeline.course import Course
from pipeline.errors import ConfigError
from pipeline.keys import Key
from pipeline.models import Lecture, Outline, Section
from pipeline.textutil import slugify

HEADER = (
    "# Course outline. Edit freely: titles, order, objectives. Keep each `id` as it\n"
    "# is when you reword a title: ids name every file made for a lecture.\n"
)


STAGE = stages.stage("outline")


def run(course: Course, only=None, force: bool = False) -> None:
    """Write outline.yaml unless it is current or the person's own."""
    path, k = course.outline_path, STAGE.key(course)
    if course.written_topic.llm.provider == "auto":
        log.info(f"llm.provider auto: using {course.llm_choice}")
    if protect.deleted_by_hand(course.dir, path, force):
        log.outcome(course, path, protect.DELETED)
        return
    if not force and protect.is_current(course.dir, path, k):
        return
    if course.topic.outline is None and not course.topic.uses_llm:
        if path.exists():  # manual mode: the person's outline.yaml is the outline
            protect.set_source(course.dir, path, k)
            return
        auto = course.written_topic.llm.provider == "auto"
        llm = (
            "set OPENAI_API_KEY (environment or .env), or OPENAI_BASE_URL / llm.base_url "
            "for a server of your own, and `llm.provider: auto` uses it"
            if auto
            else "set `llm.provider: openai` (or auto) so an LLM drafts it"
        )
        raise ConfigError(
            f"{course.topic_path}: no outline to start from. Either write your "
            f"sections under `outline:` in topic.yaml (manual mode), or {llm}"
        )
    outline = _generate(course)
    save(course, outline, k, force)


def _generate(course: Course) -> Outline:
    """Manual mode: the outline written in topic.yaml; else ask the LLM."""
    if course.topic.outline is not None:
        return from_topic(course.topic, _previous(course))
    from pipeline.stages import outline_llm

    return outline_llm.generate(course, _previous(course))


def _previous(course: Course) -> Outline | None:
    try:
        return course.outline if course.outline_path.exists() else None
    except Exception:  # noqa: BLE001 - a broken old outline just means no ids to keep
        return None


def from_topic(topic: Topic, previous: Outline | None) -> Outline:
    """Build the outline from topic.yaml's `outline:` with stable ids."""
    sections = []
    for si, spec in enumerate(topic.outline or [], 1):
        sid = spec.id or _old_id(previous, si, None) or f"{si:02d}-{slugify(spec.title, 'section')}"
        lectures = [
            Lecture(
                id=lec.id
                or _old_id(previous, si, li)
                or f"{si:02d}-{li:02d}-{slugify(lec.title, 'lecture')}",
                title=lec.title,
                minutes=lec.minutes or topic.minutes_per_lecture,
                objectives=lec.objectives,
                key_points=lec.key_points,
                key_terms=lec.key_terms,
            )
            for li, lec in enumerate(spec.lectures, 1)
        ]
        sections.append(Section(id=sid, title=spec.title, lectures=lectures))
    return Outline(sections=sections)


def _old_id(previous: Outline | None, si: int, li: int | None) -> str | None:
    """Keep the id already at this position, so rewording a title keeps file names."""
    if previous is None or si > len(previous.sections):
        return None
    section = previous.sections[si - 1]
    if li is None:
        return section.id
    return section.lectures[li - 1].id if li <= len(section.lectures) else None


def save(course: Course, outline: Outline, k: Key, force: bool) -> None:
    """Write outline.yaml through edit protection and tell the person what happened."""
    text = HEADER + yaml.safe_dump(
        outline.model_dump(), sort_keys=False, allow_unicode=True, width=88
    )
    outcome = protect.write(course.dir, course.outline_path, text, k, force)
    log.outcome(course, course.outline_path, outcome)

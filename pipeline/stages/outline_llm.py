"""outline with an LLM: topic.yaml → an Outline, with ids kept stable across reruns."""

from __future__ import annotations

import json

from pydantic import BaseModel

from pipeline import estimate, stages
from pipeline.course import Course
from pipeline.models import Lecture, Outline, Section
from pipeline.providers.llm import calls
from pipeline.stages.outline import _old_id
from pipeline.textutil import slugify


class LecturePlan(BaseModel):
    """One lecture as the model plans it (ids are Lectern's job, not the model's)."""

    title: str
    minutes: float
    objectives: list[str]
    key_points: list[str]
    key_terms: list[str]


class SectionPlan(BaseModel):
    """One section as the model plans it."""

    title: str
    lectures: list[LecturePlan]


class OutlinePlan(BaseModel):
    """The structured answer of the outline call."""

    sections: list[SectionPlan]


def messages(course: Course, previous: Outline | None) -> list[dict]:
    """The outline prompt for this topic."""
    t = course.topic
    return calls.prompt(
        "outline",
        title=t.title,
        subtitle=t.subtitle or "-",
        audience=t.audience or "-",
        level=t.level,
        language=t.language,
        goals=_bullets(t.goals) or "- (not given)",
        sections=t.sections,
        lectures_per_section=t.lectures_per_section,
        minutes=f"{t.minutes_per_lecture:g}",
        previous=_previous_text(previous),
    )


def generate(course: Course, previous: Outline | None) -> Outline:
    """Ask for an outline plan and give it ids (the previous ones where positions match)."""
    t = course.topic
    return calls.session(course).ask(
        "outline",
        course.slug,
        messages(course, previous),
        parse=lambda text: to_outline(course, text, previous),
        schema=calls.json_schema(
            OutlinePlan,
            "outline",
            counts={
                "sections": (t.sections, t.sections),
                "sections.lectures": (t.lectures_per_section, t.lectures_per_section),
            },
        ),
        expect_out=estimate.outline_out(t.sections, t.lectures_per_section),
    )


def planned_calls(course: Course) -> list[estimate.Planned]:
    """The one outline call, for `make estimate`."""
    t = course.topic
    if estimate.is_done(course, course.outline_path, stages.stage("outline").key(course)):
        return [estimate.Planned("outline", True)]
    return [
        estimate.Planned(
            "outline",
            False,
            estimate.message_tokens(messages(course, None)),
            estimate.outline_out(t.sections, t.lectures_per_section),
        )
    ]


def to_outline(course: Course, text: str, previous: Outline | None) -> Outline:
    """Validate the model's JSON and turn it into outline.yaml's model."""
    plan = OutlinePlan.model_validate(json.loads(text))
    t = course.topic
    if len(plan.sections) != t.sections:
        raise calls.Unusable(
            f"the outline has {len(plan.sections)} sections; write exactly {t.sections}"
        )
    for si, sec in enumerate(plan.sections, 1):
        if len(sec.lectures) != t.lectures_per_section:
            raise calls.Unusable(
                f"section {si} has {len(sec.lectures)} lectures; write "
                f"exactly {t.lectures_per_section} in every section"
            )
    return Outline(
        sections=[_section(course, si, sec, previous) for si, sec in enumerate(plan.sections, 1)]
    )


def _section(course: Course, si: int, sec: SectionPlan, previous: Outline | None) -> Section:
    sid = _old_id(previous, si, None) or f"{si:02d}-{slugify(sec.title, 'section')}"
    lectures = [
        Lecture(
            id=_old_id(previous, si, li) or f"{si:02d}-{li:02d}-{slugify(lec.title, 'lecture')}",
            title=lec.title.strip(),
            minutes=_minutes(lec.minutes, course),
            objectives=lec.objectives,
            key_points=lec.key_points,
            key_terms=lec.key_terms,
        )
        for li, lec in enumerate(sec.lectures, 1)
    ]
    return Section(id=sid, title=sec.title.strip(), lectures=lectures)


def _minutes(value: float, course: Course) -> float:
    """The model's estimate, kept within what the outline format allows."""
    if not 0.5 <= value <= 120:
        return course.topic.minutes_per_lecture
    return round(value, 1)


def _previous_text(previous: Outline | None) -> str:
    """The earlier outline, so a rerun changes little (ids are kept by position)."""
    if previous is None:
        return ""
    lines = [
        f"- {s.title}: " + "; ".join(lec.title for lec in s.lectures) for s in previous.sections
    ]
    return "\nAn earlier version of the outline, to improve rather than replace:\n" + "\n".join(
        lines
    )


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {x}" for x in items)

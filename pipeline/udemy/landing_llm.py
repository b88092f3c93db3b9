"""The landing page drafted by the course's LLM from the outline (when one is configured).

The model's draft is checked against Udemy's limits and sent back when it breaks one;
the AI-use disclosure is added by code, never left to the model.
"""

from __future__ import annotations

import json

from pydantic import BaseModel

from pipeline.course import Course
from pipeline.providers.llm import calls
from pipeline.udemy import landing


class LandingPlan(BaseModel):
    """What the model writes: the fields of Udemy's landing and intended-learners pages."""

    title: str
    subtitle: str
    description_paragraphs: list[str]
    objectives: list[str]
    requirements: list[str]
    learners: list[str]
    category: str


def messages(course: Course) -> list[dict]:
    """The landing prompt: the topic and every section with its lectures' objectives."""
    t = course.topic
    outline = "\n".join(
        f"- {s.title}: "
        + "; ".join(
            f"{lec.title} ({', '.join(lec.objectives) or 'no objectives listed'})"
            for lec in s.lectures
        )
        for s in course.outline.sections
    )
    return calls.prompt(
        "landing",
        language=t.language,
        title=t.title,
        subtitle=t.subtitle,
        audience=t.audience or "not stated",
        level=t.level,
        goals="; ".join(t.goals) or "not stated",
        requirements="; ".join(t.udemy.requirements) or "none given",
        minutes=landing.video_minutes(course),
        outline=outline,
    )


def parse(answer: str) -> LandingPlan:
    """Validate the draft against Udemy's limits; a broken rule goes back to the model."""
    plan = LandingPlan.model_validate(json.loads(answer))
    problems = []
    if not 0 < len(plan.title) <= 60:
        problems.append(f"the title has {len(plan.title)} characters; at most 60")
    if not 0 < len(plan.subtitle) <= 120:
        problems.append(f"the subtitle has {len(plan.subtitle)} characters; at most 120")
    if landing.words(" ".join(plan.description_paragraphs)) < 200:
        problems.append("the description must have at least 200 words")
    if len(plan.objectives) < 4:
        problems.append("give at least 4 learning objectives")
    if problems:
        raise calls.Unusable("; ".join(problems))
    return plan


def draft(course: Course) -> landing.Landing:
    """The landing page from the LLM (cached: asked once per outline and settings)."""
    t = course.topic
    plan = calls.session(course).ask(
        "udemy",
        "landing",
        messages(course),
        parse=parse,
        schema=calls.json_schema(LandingPlan, "landing", counts={"objectives": (4, None)}),
        expect_out=900,
    )
    body = "\n\n".join(p.strip() for p in plan.description_paragraphs if p.strip())
    return landing.Landing(
        title=plan.title,
        subtitle=plan.subtitle,
        description=f"{landing.DISCLOSURE}\n\n{body.removeprefix(landing.DISCLOSURE).strip()}",
        objectives=plan.objectives,
        requirements=plan.requirements or list(t.udemy.requirements),
        learners=plan.learners or ([t.audience] if t.audience else []),
        category=t.udemy.category or plan.category,
        level=landing.LEVELS[t.level],
    )

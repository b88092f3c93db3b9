"""The course landing page: drafted by the LLM when one is configured, else from
topic.yaml and the outline (no LLM needed)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.course import Course
from pipeline.textutil import md_literal
from pipeline.udemy import probe

DISCLOSURE = "This course contains the use of artificial intelligence."
LEVELS = {
    "beginner": "Beginner Level",
    "intermediate": "Intermediate Level",
    "advanced": "Expert Level",
    "all": "All Levels",
}
HEADINGS = {
    "title": "Course title",
    "subtitle": "Course subtitle",
    "description": "Course description",
    "objectives": "What students will learn",
    "requirements": "Requirements",
    "learners": "Who this course is for",
    "category": "Category",
    "level": "Level",
}
LISTS = ("objectives", "requirements", "learners")


@dataclass
class Landing:
    """The fields of Udemy's course landing and intended-learners pages."""

    title: str = ""
    subtitle: str = ""
    description: str = ""
    objectives: list[str] = field(default_factory=list)
    requirements: list[str] = field(default_factory=list)
    learners: list[str] = field(default_factory=list)
    category: str = ""
    level: str = ""


def build(course: Course) -> Landing:
    """The landing page: the LLM's draft when one is configured, else the outline's."""
    if course.topic.uses_llm:
        from pipeline.udemy import landing_llm

        return landing_llm.draft(course)
    return from_outline(course)


def from_outline(course: Course) -> Landing:
    """The landing page from topic.yaml and the outline."""
    t = course.topic
    return Landing(
        title=t.title,
        subtitle=t.subtitle or (t.goals[0] if t.goals else ""),
        description=description(course),
        objectives=objectives(course),
        requirements=list(t.udemy.requirements),
        learners=[t.audience] if t.audience else [],
        category=t.udemy.category or "",
        level=LEVELS[t.level],
    )


def objectives(course: Course) -> list[str]:
    """The topic's goals, topped up with lecture objectives to reach Udemy's minimum of 4."""
    out = list(course.topic.goals)
    for lec in course.outline.lectures:
        out += [o for o in lec.objectives if len(out) < 4 and o not in out]
    return out


def description(course: Course) -> str:
    """Paragraphs about the course, its audience and each section's lectures."""
    t, sections = course.topic, course.outline.sections
    minutes = video_minutes(course)
    intro = [DISCLOSURE] if t.uses_llm else []
    intro += [_sentence(t.subtitle), _sentence(t.book.description or "")]
    paras = [" ".join(x for x in intro if x)]
    if t.audience:
        paras.append(f"Who it is for: {_sentence(t.audience)}")
    paras.append(
        f"The course has {len(sections)} sections and {len(course.outline.lectures)} "
        f"lectures, about {minutes} minutes of video. Every lecture comes with its "
        "slides to download, as PowerPoint and as PDF, and captions."
    )
    paras += [_section_paragraph(i, s) for i, s in enumerate(sections, 1)]
    if t.goals:
        paras.append(
            "By the end of the course you will be able to: "
            + "; ".join(_lower_first(g.rstrip(".")) for g in t.goals)
            + "."
        )
    return "\n\n".join(p for p in paras if p)


def video_minutes(course: Course) -> int:
    """Minutes of video: measured when every video exists, else the outline's estimate."""
    paths = [course.video_path(lec.id) for lec in course.outline.lectures]
    if all(p.exists() for p in paths):
        return round(sum(probe.probe(p).duration for p in paths) / 60)
    return round(sum(lec.minutes for lec in course.outline.lectures))


def _section_paragraph(number: int, section) -> str:
    titles = _join([f"“{lec.title}”" for lec in section.lectures])
    text = f"Section {number}, {section.title}, has the lectures {titles}."
    goals = [_lower_first(o.rstrip(".")) for lec in section.lectures for o in lec.objectives]
    if goals:
        text += " You learn to " + _join(goals) + "."
    points = [p.rstrip(".") for lec in section.lectures for p in lec.key_points]
    if points:
        text += " Key ideas: " + "; ".join(points) + "."
    return text


def _sentence(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if not text or text[-1] in ".!?" else text + "."


def _lower_first(text: str) -> str:
    word = text.split(" ", 1)[0]
    # Lower a leading verb ("Explain"), never an acronym or name with inner capitals ("API").
    return text[0].lower() + text[1:] if word[:1].isupper() and word[1:].islower() else text


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def render(page: Landing) -> str:
    """landing-page.md: one heading per field, in the order Udemy's pages ask for them.
    Every field is plain text on Udemy, so none is left for a Markdown viewer to read as
    HTML (md_literal)."""
    lines = [
        f"# Landing page: {md_literal(page.title)}",
        "",
        "Copy each part into the matching field on Udemy (Course landing page and "
        "Intended learners).",
        "",
    ]
    for key, heading in HEADINGS.items():
        value = getattr(page, key)
        if key in LISTS:
            body = "\n".join(f"- {md_literal(v)}" for v in value)
        else:
            body = "\n\n".join(md_literal(p) for p in value.split("\n\n") if p)
        lines += [f"## {heading}", "", body or "(to fill in)", ""]
    return "\n".join(lines).rstrip() + "\n"


def words(text: str) -> int:
    """Word count as a person would count it."""
    return len(re.findall(r"\w[\w'’-]*", text))

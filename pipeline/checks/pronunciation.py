"""Udemy, for TTS courses: "the program correctly pronounces the acronyms and technical
terms used in the course". No program can hear that; a person listens to each term on
the preview's terms page and records the verdict in topic.yaml, which this rule reads."""

from __future__ import annotations

from pipeline.checks.rule import Rule
from pipeline.course import Course
from pipeline.errors import LecternError
from pipeline.providers.tts import for_course
from pipeline.speech.terms import Term, find_terms

NAME = "technical terms pronounced right"
SHOWN = 3  # unreviewed terms named in the detail


def pronunciation_rule(course: Course) -> Rule:
    """Every term the narration speaks is in the lexicon or reviewed."""
    fix = (
        f"listen to each on the preview's terms page (`make preview TOPIC={course.slug}`, "
        "terms.html), then add it to `narration.lexicon` with how it should be said, or to "
        f"`narration.reviewed_terms` when it sounds right, in courses/{course.slug}/topic.yaml"
    )
    try:
        terms = find_terms(course, for_course(course))
    except LecternError as e:  # a broken script or voice: say so, do not crash the check
        return Rule(NAME, False, f"the notes could not be read: {e.message}", fix)
    todo = unreviewed(course, terms)
    if not todo:
        return Rule(NAME, True, f"{len(terms)} terms, all in the lexicon or reviewed", fix)
    shown = "; ".join(f"{t.text} {t.says} at {t.places[0]}" for t in todo[:SHOWN])
    more = f" and {len(todo) - SHOWN} more" if len(todo) > SHOWN else ""
    return Rule(NAME, False, f"{len(todo)} of {len(terms)} terms unreviewed: {shown}{more}", fix)


def unreviewed(course: Course, terms: list[Term]) -> list[Term]:
    """The terms nobody has listened to yet (lexicon terms are never found)."""
    reviewed = set(course.topic.narration.reviewed_terms)
    return [t for t in terms if t.text not in reviewed]

"""`lectern check-script`: per lecture, what of the lecture is on no slide, what the voice
says twice, and which slides hold the picture too long (rules: pipeline/coverage.py)."""

from __future__ import annotations

from pipeline import coverage, slides
from pipeline.course import Course
from pipeline.formats import jsonfile
from pipeline.formats.frames import DeckMap
from pipeline.fsutil import read_text

KIND = {"repeated": "said twice", "long": "too long"}


def report(course: Course, lecture: str | None = None) -> str:
    """The findings of every (or one) lecture's slide script, as text."""
    lines = []
    for lecture_id in course.lecture_ids([lecture] if lecture else None):
        lines += _lecture(course, lecture_id)
    return "\n".join(lines)


def _lecture(course: Course, lecture_id: str) -> list[str]:
    script_path = course.slides_path(lecture_id)
    name = f"courses/{course.slug}/slides/{lecture_id}.md"
    if not course.lecture_path(lecture_id).exists() or not script_path.exists():
        return [f"{name}: not written yet (run `make scripts TOPIC={course.slug}`)"]
    script = slides.parse_file(script_path, course.image_dirs)
    found = coverage.check(
        read_text(course.lecture_path(lecture_id)), script, _pages(course, lecture_id)
    )
    if not found:
        return [f"{name}: keeps the lecture whole ({len(script)} slides)"]
    out = [f"{name}: {len(found)} finding(s)"]
    out += [f"  {KIND.get(f.kind, 'left out'):<10} {f}" for f in found]
    return out


def _pages(course: Course, lecture_id: str) -> list[int] | None:
    """The deck's page-to-slide map, when the deck is built (long slides span pages)."""
    path = course.deck_path(lecture_id).with_suffix(".json")
    return jsonfile.read(DeckMap, path, "decks").slides if path.exists() else None

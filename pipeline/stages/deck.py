"""deck stage: courses/T/slides/ID.md → output/T/decks/ID.pptx (+ ID.json).

ID.json is `{"slides": [script slide index (1-based) of each deck slide]}`. It is the
identity [1, 2, …, n] unless a slide was too long to fit even at the theme's minimum
readable size and continues on an extra deck slide.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from pipeline import log, slides, stamps
from pipeline.course import Course
from pipeline.deck.build import RENDERER_VERSION, build
from pipeline.deck.draw import Info
from pipeline.errors import InputError
from pipeline.estimate import speaking_seconds
from pipeline.fsutil import atomic_write_bytes, atomic_write_text, hash_json, sha256_file


def target(course: Course, lecture_id: str) -> Path:
    """The deck this stage writes for a lecture."""
    return course.deck_path(lecture_id)


def mapping_path(course: Course, lecture_id: str) -> Path:
    """Which script slide each deck slide shows."""
    return course.out / "decks" / f"{lecture_id}.json"


def parse(course: Course, lecture_id: str) -> list[slides.Slide]:
    """The lecture's slide script, strictly parsed."""
    allow_empty = course.topic.narration.empty_note == "pause"
    return slides.parse_file(course.slides_path(lecture_id), course.image_dirs,
                             allow_empty_notes=allow_empty)


def key(course: Course, lecture_id: str) -> str:
    """Hash of the script, its images, the theme, the titles shown and the renderer."""
    src = course.slides_path(lecture_id)
    if not src.exists():
        raise InputError(f"{src}: slide script missing; run `make scripts TOPIC={course.slug}`")
    theme = course.theme
    images = sorted({str(s.image) for s in parse(course, lecture_id) if s.image})
    t = course.topic
    return hash_json({
        "script": sha256_file(src),
        "images": [sha256_file(Path(p)) for p in images],
        "theme": theme.file_hashes(),
        "fonts": [theme.family(r) for r in ("heading", "body", "code")],
        "course": t.title, "language": t.language, **_titles(course, lecture_id),
        "version": RENDERER_VERSION,
    })


def _titles(course: Course, lecture_id: str) -> dict[str, str]:
    return {"section": course.outline.section_of(lecture_id).title,
            "lecture": course.lecture(lecture_id).title}


def run(course: Course, only: list[str] | None = None, force: bool = False) -> None:
    """Build the deck of every lecture whose script, theme or titles changed."""
    ids = course.lecture_ids(only)
    progress = log.Progress("decks", len(ids))
    for lecture_id in ids:
        k, out = key(course, lecture_id), target(course, lecture_id)
        if not force and mapping_path(course, lecture_id).exists() \
                and stamps.fresh(course.out, out, k):
            progress.step(f"{lecture_id} (up to date)")
            continue
        n = make_deck(course, lecture_id)
        stamps.record(course.out, out, k)
        progress.step(f"{lecture_id} ({n} slides)")


def make_deck(course: Course, lecture_id: str) -> int:
    """Write one deck and its slide mapping; return the deck's slide count."""
    t = course.topic
    titles = _titles(course, lecture_id)
    info = Info(t.title, titles["section"], titles["lecture"], t.language)
    script = parse(course, lecture_id)
    data, mapping = build(script, course.theme, info)
    atomic_write_text(mapping_path(course, lecture_id), json.dumps({"slides": mapping}) + "\n")
    atomic_write_bytes(target(course, lecture_id), data)
    _warn_thin_parts(course, lecture_id, script, mapping)
    return len(mapping)


def _warn_thin_parts(course: Course, lecture_id: str, script: list[slides.Slide],
                     mapping: list[int]) -> None:
    """Warn about a slide split into more deck slides than its narration can keep on
    screen for video.min_slide_seconds each (the video check fails such a lecture)."""
    floor = course.topic.video.min_slide_seconds
    shown = course.slides_path(lecture_id).relative_to(course.root)
    for index, parts in sorted(Counter(mapping).items()):
        slide = script[index - 1]
        seconds = speaking_seconds(slide.note) + slide.pause
        if parts > 1 and seconds / parts < floor:
            log.warn(f"{shown}:{slide.line}: slide '{slide.title}' is too long to fit: it "
                     f"continues on {parts} deck slides, but its note (about {seconds:.0f} s "
                     f"spoken) keeps each on screen for about {seconds / parts:.1f} s, less "
                     f"than video.min_slide_seconds ({floor:g} s). Split it into several "
                     "slides, or lengthen its note")

"""deck stage: courses/T/slides/ID.md → output/T/decks/ID.pptx (+ ID.json).

ID.json is `{"slides": [script slide index (1-based) of each deck slide]}`. It is the
identity [1, 2, …, n] unless a slide was too long to fit even at the theme's minimum
readable size and continues on an extra deck slide.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from pipeline import log, slides, stages
from pipeline.code import fill
from pipeline.course import Course
from pipeline.deck.build import build
from pipeline.deck.draw import Info
from pipeline.estimate import speaking_seconds
from pipeline.formats import jsonfile
from pipeline.formats.frames import DeckMap
from pipeline.fsutil import atomic_write_bytes, sha256_file
from pipeline.stages import code

STAGE = stages.stage("decks")


def mapping_path(course: Course, lecture_id: str) -> Path:
    """Which script slide each deck slide shows."""
    return STAGE.outputs(course, lecture_id)[1]


def parse(course: Course, lecture_id: str) -> list[slides.Slide]:
    """The lecture's slide script, strictly parsed."""
    allow_empty = course.topic.narration.empty_note == "pause"
    return slides.parse_file(
        course.slides_path(lecture_id), course.image_dirs, allow_empty_notes=allow_empty
    )


def images(course: Course, lecture_id: str) -> list[str | None]:
    """A part of the key: the hash of every image the slide script shows."""
    if not course.slides_path(lecture_id).exists():
        return []
    paths = sorted({str(s.image) for s in parse(course, lecture_id) if s.image})
    return [sha256_file(Path(p)) for p in paths]


def theme_facts(course: Course, _item: str | None) -> dict:
    """A part of the key: the theme's files and the fonts it resolves to."""
    theme = course.theme
    return {
        "files": theme.file_hashes(),
        "fonts": [theme.family(r) for r in ("heading", "body", "code")],
    }


def _titles(course: Course, lecture_id: str) -> dict[str, str]:
    return {
        "section": course.outline.section_of(lecture_id).title,
        "lecture": course.lecture(lecture_id).title,
    }


def run(course: Course, only: list[str] | None = None, force: bool = False) -> None:
    """Build the deck of every lecture whose script, theme or titles changed."""
    ids = course.lecture_ids(only)
    progress = log.Progress("decks", len(ids))
    for lecture_id, k in STAGE.pending(course, ids, force, progress):
        n = make_deck(course, lecture_id)
        STAGE.record(course, lecture_id, k)
        progress.step(f"{lecture_id} ({n} slides)")


def make_deck(course: Course, lecture_id: str) -> int:
    """Write one deck and its slide mapping; return the deck's slide count."""
    t = course.topic
    titles = _titles(course, lecture_id)
    info = Info(t.title, titles["section"], titles["lecture"], t.language)
    script = parse(course, lecture_id)
    report = code.check_slides(course, lecture_id)  # the code a slide shows runs as shown
    shown = fill.slide_outputs(report, course.slides_path(lecture_id), script)
    for slide in script:
        if slide.line in shown:
            slide.code = fill.with_output(slide.code, slide.language, shown[slide.line])
    deck = build(script, course.theme, info, course.topic.video.builds)
    target, mapping_file, states = STAGE.outputs(course, lecture_id)
    atomic_write_bytes(states, deck.states)
    jsonfile.write(mapping_file, DeckMap(slides=deck.slides, frames=deck.frames))
    atomic_write_bytes(target, deck.pptx)
    _warn_thin_parts(course, lecture_id, script, deck.slides)
    return len(deck.slides)


def _warn_thin_parts(
    course: Course, lecture_id: str, script: list[slides.Slide], mapping: list[int]
) -> None:
    """Warn about a slide split into more deck slides than its narration can keep on
    screen for video.min_slide_seconds each (the video check fails such a lecture)."""
    floor = course.topic.video.min_slide_seconds
    shown = course.slides_path(lecture_id).relative_to(course.root)
    for index, parts in sorted(Counter(mapping).items()):
        slide = script[index - 1]
        seconds = speaking_seconds(slide.note) + slide.pause
        if parts > 1 and seconds / parts < floor:
            log.warn(
                f"{shown}:{slide.line}: slide '{slide.title}' is too long to fit: it "
                f"continues on {parts} deck slides, but its note (about {seconds:.0f} s "
                f"spoken) keeps each on screen for about {seconds / parts:.1f} s, less "
                f"than video.min_slide_seconds ({floor:g} s). Split it into several "
                "slides, or lengthen its note"
            )

"""Text that would overflow is shrunk or continued, and no ink lands outside its box.

The frames stage renders the deck for real; each checked box is then cleared in a
copy of the deck and rendered again: every pixel that changed must lie inside the box.
"""

from __future__ import annotations

import json

from pptx import Presentation
from pptx.util import Pt

from pipeline.course import Course
from pipeline.stages import decks, frames
from tests.decks import lo

LEC = "01-01-why-comprehensions"
LONG = (
    "a bullet that runs on for a good while, long enough to wrap across the width of "
    "the slide at the normal body size"
)


def script() -> str:
    """Title, six two-line bullets (shrink), fourteen long bullets (split), 40 lines of code;
    none builds (`@build: off`), so each deck slide is one frame."""
    shrink = "\n".join(f"- Point {i}: {LONG}" for i in range(6))
    split = "\n".join(
        f"- Item {i}: {LONG} and then some more words to make it longer" for i in range(14)
    )
    code = "\n".join(f"total_{i} = sum(x * {i} for x in range({i}))" for i in range(40))
    off = "@build: off\n"  # these slides test fitting, not steps
    return (
        f"## [title] Fitting text\n\nNote:\nHello.\n\n---\n\n## [bullets] Shrunk\n{off}{shrink}"
        f"\n\nNote:\nSix points.\n\n---\n\n## [bullets] Continued\n{off}{split}\n\nNote:\n"
        f"One. Two. Three. Four. Five. Six.\n\n---\n\n## [code] Long listing\n{off}```python\n"
        f"{code}\n```\n\nNote:\nFirst. Second. Third.\n"
    )


def test_overflow_is_shrunk_or_continued_and_stays_in_its_box(project, tmp_path):
    course = Course.load("example", project)
    course.slides_path(LEC).write_text(script(), encoding="utf-8")
    decks.run(course, [LEC])
    frames.run(course, [LEC])
    mapping = json.loads(decks.mapping_path(course, LEC).read_text())["slides"]
    index = json.loads(frames.STAGE.target(course, LEC).read_text())
    check_plan(mapping, index, course)
    prs = Presentation(str(decks.STAGE.target(course, LEC)))
    check_notes(prs, mapping)
    checked = {2: "Body", mapping.index(3) + 1: "Body", mapping.index(4) + 1: "Code"}
    cleared_pdf, control_pdf = render_copies(prs, checked, tmp_path)
    fdir = course.frames_dir(LEC)
    for n, name in checked.items():
        frame = lo.pixels(fdir / index["frames"][n - 1])
        box = lo.box_px(lo.shape(prs.slides[n - 1], name), prs.slide_width)
        empty = lo.page_pixels(cleared_pdf, n)
        assert lo.ink_inside(frame, empty, box) > 2000, f"slide {n}: no text drawn"
        assert lo.ink_outside(frame, empty, box) == 0, f"slide {n}: {name} overflows"
    # The check can fail: the same bullets forced to 40 pt spill out of the box.
    box = lo.box_px(lo.shape(prs.slides[1], "Body"), prs.slide_width)
    spilled = lo.page_pixels(control_pdf, 2)
    assert lo.ink_outside(spilled, lo.page_pixels(cleared_pdf, 2), box) > 1000


def check_plan(mapping, index, course) -> None:
    """Slide 2 fits by shrinking; 3 and 4 continue; frames list one PNG per deck slide."""
    assert mapping[:2] == [1, 2] and mapping.count(2) == 1
    assert mapping.count(3) >= 2 and mapping.count(4) >= 2
    assert mapping == sorted(mapping)
    assert index["size"] == [1920, 1080] and index["pdf"] == "deck.pdf"
    assert index["script_slide"] == mapping
    assert index["frames"] == [f"slide-{i:03d}.png" for i in range(1, len(mapping) + 1)]
    fdir = course.frames_dir(LEC)
    assert lo.pages(fdir / "deck.pdf") == len(mapping)
    for name in index["frames"]:
        assert lo.pixels(fdir / name).shape == (1080, 1920, 3)


def check_notes(prs, mapping) -> None:
    """Shrunk text stays readable; continued slides share the narration, in order."""
    sizes = {
        r.font.size.pt
        for p in lo.shape(prs.slides[1], "Body").text_frame.paragraphs
        for r in p.runs
    }
    assert max(sizes) < 28 and min(sizes) >= 18
    notes = [s.notes_slide.notes_text_frame.text for s in prs.slides]
    parts = [n for n, m in zip(notes, mapping, strict=True) if m == 3]
    assert " ".join(parts) == "One. Two. Three. Four. Five. Six." and all(parts)


def render_copies(prs, checked: dict[int, str], tmp_path):
    """Render the deck with the checked boxes cleared, and an over-sized control."""
    deck_bytes = tmp_path / "orig.pptx"
    prs.save(deck_bytes)
    control = Presentation(str(deck_bytes))
    for p in lo.shape(control.slides[1], "Body").text_frame.paragraphs:
        for r in p.runs:
            r.font.size = Pt(40)
    control.save(tmp_path / "control.pptx")
    for n, name in checked.items():
        lo.clear_text(lo.shape(prs.slides[n - 1], name))
    prs.save(tmp_path / "cleared.pptx")
    return lo.to_pdfs([tmp_path / "cleared.pptx", tmp_path / "control.pptx"], tmp_path)

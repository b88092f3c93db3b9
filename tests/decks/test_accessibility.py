"""Accessibility: slide titles in real title placeholders, small text at WCAG AA contrast."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER

from pipeline.deck.build import build
from pipeline.deck.draw import Info
from pipeline.slides import parse_text
from pipeline.theme.load import load_spec
from pipeline.theme.model import AA, Theme, contrast
from tests.decks import lo

THEMES = sorted((Path(__file__).resolve().parents[2] / "assets" / "themes").glob("*/theme.yaml"))
LONG = "\n".join(f"- point {i}, long enough that the list needs a second page" for i in range(16))
SCRIPT = f"""## [title] Every kind of slide
@subtitle: A subtitle

Note:
Hello.

---

## [bullets] Many points
{LONG}

Note:
Many points. One by one.

---

## [code] Sum
@line-numbers: on
@caption: Two names and their sum
```python
a = 1
b = 2
print(a + b)
```

Note:
A is one. We print the sum.

---

## [image] A picture
@image: pic.png
@caption: A caption

Note:
A picture.

---

## [columns] Two sides
@left: Left
- one
@right: Right
- two

Note:
[>] On the left, one. [>] On the right, two.

---

## [quote] Said
Simple is better than complex.
@by: Tim Peters

Note:
A quote.

---

## [table] A table
| a | b |
|---|---|
| 1 | 2 |

Note:
A table.

---

## [summary] Takeaways
- one
- two

Note:
[>] One. [>] Two.
"""


def _build(theme_file: Path, tmp_path: Path):
    """The deck and its build-states deck for SCRIPT in a theme, and the parsed slides."""
    Image.new("RGB", (400, 300), (200, 80, 80)).save(tmp_path / "pic.png")
    slides = parse_text(SCRIPT, Path("slides/01-01-x.md"), [tmp_path])
    theme = Theme(load_spec(theme_file), "en-US", [theme_file])
    deck = build(slides, theme, Info("C", "S", "L", "en-US"))
    return deck, slides, theme


def _expected_titles(deck, slides) -> list[str]:
    """Each deck slide's visible title: the script's, numbered on continued pages."""
    parts = {i: deck.slides.count(i) for i in set(deck.slides)}
    seen: dict[int, int] = {}
    out = []
    for i in deck.slides:
        seen[i] = seen.get(i, 0) + 1
        suffix = f" ({seen[i]}/{parts[i]})" if parts[i] > 1 else ""
        out.append(slides[i - 1].title + suffix)
    return out


@pytest.mark.parametrize("theme_file", THEMES, ids=lambda p: p.parent.name)
def test_every_slide_title_is_a_title_placeholder(theme_file, tmp_path):
    deck, slides, _ = _build(theme_file, tmp_path)
    prs = Presentation(io.BytesIO(deck.pptx))
    assert len(prs.slides) > len(slides)  # the long list continues on a second page
    titles = _expected_titles(deck, slides)
    for slide, src, want in zip(prs.slides, deck.slides, titles, strict=True):
        title = slide.shapes.title
        assert title is not None, f"slide {want!r} has no title placeholder"
        kind = PP_PLACEHOLDER.CENTER_TITLE if src == 1 else PP_PLACEHOLDER.TITLE
        assert title.placeholder_format.type == kind
        assert title.text_frame.text == want
    states = Presentation(io.BytesIO(deck.states))  # the video's frames: titled too
    assert all(s.shapes.title is not None and s.shapes.title.text for s in states.slides)
    paths = [tmp_path / "deck.pptx", tmp_path / "states.pptx"]
    paths[0].write_bytes(deck.pptx)
    paths[1].write_bytes(deck.states)
    pdfs = lo.to_pdfs(paths, tmp_path)
    assert [lo.pages(p) for p in pdfs] == [len(prs.slides), len(states.slides)]


def _run_color(shape) -> str:
    """The colour of a text shape's first run."""
    return str(shape.text_frame.paragraphs[0].runs[0].font.color.rgb)


@pytest.mark.parametrize("theme_file", THEMES, ids=lambda p: p.parent.name)
def test_small_text_meets_wcag_aa(theme_file, tmp_path):
    deck, _, theme = _build(theme_file, tmp_path)
    prs = Presentation(io.BytesIO(deck.pptx))
    code = next(s for s, i in zip(prs.slides, deck.slides, strict=True) if i == 3)
    code_bg, bg = theme.color("code_background"), theme.color("background")
    assert contrast(_run_color(lo.shape(code, "Language")), code_bg) >= AA
    number = lo.shape(code, "Code").text_frame.paragraphs[0].runs[0]
    assert number.text.strip() == "1"
    assert contrast(str(number.font.color.rgb), code_bg) >= AA
    for name in ("Footer", "SlideNumber", "Caption"):
        assert contrast(_run_color(lo.shape(code, name)), bg) >= AA, name


def test_contrast_is_the_wcag_ratio():
    assert contrast("FFFFFF", "000000") == pytest.approx(21)
    assert contrast("777777", "FFFFFF") == pytest.approx(4.48, abs=0.01)

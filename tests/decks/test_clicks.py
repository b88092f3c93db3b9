"""The presenter's deck replays the video's build steps as native clicks."""

from __future__ import annotations

import io
from pathlib import Path

from lxml import etree
from pptx import Presentation

from pipeline.deck.build import build
from pipeline.deck.draw import Info
from pipeline.slides import parse_text
from pipeline.theme.load import load_spec
from pipeline.theme.model import Theme

THEMES = Path(__file__).resolve().parents[2] / "assets" / "themes"
SCRIPT = """## [bullets] Parts
- Expression
  - computes the value
- Filter

Note:
[>] First the expression. [>] Then the filter.

---

## [code] Sum
@highlight: 1, 3
```python
a = 1
b = 2
print(a + b)
```

Note:
[>] A is one. [>] We print the sum.

---

## [columns] Two sides
@left: Left
- one
@right: Right
- two

Note:
[>] On the left, one. [>] On the right, two.
"""
NS = {"p": "http://schemas.openxmlformats.org/presentationml/2006/main"}
NS["a"] = "http://schemas.openxmlformats.org/drawingml/2006/main"


def _deck(theme: str, text: str = SCRIPT):
    path = THEMES / theme / "theme.yaml"
    slides = parse_text(text, Path("slides/01-01-x.md"))
    deck = build(slides, Theme(load_spec(path), "en-US", [path]), Info("C", "S", "L", "en-US"))
    return Presentation(io.BytesIO(deck.pptx))


def _clicks(slide) -> list[list[tuple[str, str, str]]]:
    """Per click: (paragraph, effect class, colour or '') of each effect."""
    sld = etree.fromstring(etree.tostring(slide._element))
    main = sld.xpath(".//p:cTn[@nodeType='mainSeq']/p:childTnLst/p:par", namespaces=NS)
    out = []
    for click in main:
        effects = click.xpath(".//p:cTn[@presetClass]", namespaces=NS)
        out.append(
            [
                (
                    e.xpath("string(.//p:pRg/@st)", namespaces=NS),
                    e.get("presetClass"),
                    e.xpath("string(.//a:srgbClr/@val)", namespaces=NS),
                )
                for e in effects
            ]
        )
    return out


def test_appear_theme_reveals_each_step_and_code_dims_the_rest():
    bullets, code, columns = _deck("default").slides
    # paragraph 0 and its sub-point open with the slide; the filter enters on the click
    assert _clicks(bullets) == [[("2", "entr", "")]]
    steps = _clicks(code)
    # code opens whole; click 1 dims lines 2-3 (line 1 is on), click 2 swaps 1 and 3
    assert [[(p, c) for p, c, _ in step] for step in steps] == [
        [("1", "emph"), ("2", "emph")],
        [("0", "emph"), ("2", "emph")],
    ]
    assert steps[0][0][2] == steps[1][0][2] != steps[1][1][2]  # dimmed, then back to full
    # the right column's heading and point enter together
    assert _clicks(columns) == [[("0", "entr", ""), ("1", "entr", "")]]


def test_focus_theme_keeps_everything_visible_and_dims_what_the_voice_left():
    bullets = _deck("dark").slides[0]
    steps = _clicks(bullets)
    # click 1: the voice is on the expression, so the filter dims; click 2: the other way round
    assert [[(p, c) for p, c, _ in step] for step in steps] == [
        [("2", "emph")],
        [("0", "emph"), ("1", "emph"), ("2", "emph")],
    ]
    assert "entr" not in etree.tostring(bullets._element).decode()


def test_a_slide_without_steps_has_no_timing():
    text = SCRIPT.replace("## [bullets] Parts\n", "## [bullets] Parts\n@build: off\n")
    bullets = _deck("default", text).slides[0]
    assert bullets._element.find(f"{{{NS['p']}}}timing") is None

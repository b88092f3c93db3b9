"""Small, fast checks of the pieces: measuring, wrapping, narration splits, errors."""

from __future__ import annotations

import pytest

from pipeline import tools
from pipeline.course import Course
from pipeline.deck import code
from pipeline.deck.plan import split_note
from pipeline.errors import ConfigError, ToolMissing
from pipeline.stages import decks, frames
from pipeline.theme.fonts import Measurer, resolve


def test_wrap_uses_real_widths_and_breaks_cjk_between_characters():
    sans = Measurer(resolve("Liberation Sans"))
    lines = sans.wrap("Use it when a loop only builds a new collection", 200, 20)
    assert len(lines) == 3 and all(sans.width(x, 20) <= 200 for x in lines)
    for line, nxt in zip(lines, lines[1:], strict=False):  # greedy: the next word did not fit
        assert sans.width(f"{line} {nxt.split()[0]}", 20) > 200
    assert " ".join(lines) == "Use it when a loop only builds a new collection"
    assert sans.width("iiii", 20) < sans.width("MMMM", 20)  # proportional, not a guess
    cjk = Measurer(resolve("Noto Sans CJK SC"))
    assert "".join(cjk.wrap("列表推导式让代码更简洁", 80, 20)) == "列表推导式让代码更简洁"
    assert len(cjk.wrap("列表推导式让代码更简洁", 80, 20)) == 3


def test_narration_split_keeps_every_sentence_once_and_in_order():
    note = "One. Two. Three. Four. Five."
    for weights in ([1, 1], [5, 1], [1, 5], [2, 2, 2], [1] * 7):
        parts = split_note(note, weights)
        assert len(parts) == len(weights)
        assert " ".join(p for p in parts if p) == note
    assert all(split_note(note, [9, 9, 1]))  # every page says something


def test_long_code_lines_wrap_with_a_marker():
    line = code.highlight("x = " + "a" * 30, "python", "one-dark", "ABB2BF")[0]
    parts = code.wrap(line, 12, "888888")
    assert [code.text_of(p)[:2] for p in parts[1:]] == [code.WRAP_MARK] * (len(parts) - 1)
    assert "".join(code.text_of(p).removeprefix(code.WRAP_MARK) for p in parts) == "x = " + "a" * 30
    assert all(len(code.text_of(p)) <= 12 for p in parts)


def test_theme_errors_name_the_file_and_the_fix(project):
    theme = project / "assets" / "themes" / "default" / "theme.yaml"
    theme.write_text(theme.read_text().replace('accent: "4F46E5"', 'accent: "blue"'))
    with pytest.raises(ConfigError, match=r"theme\.yaml:\d+.*accent"):
        decks.run(Course.load("example", project), ["01-01-why-comprehensions"])
    with pytest.raises(ConfigError, match="not installed.*apt-get install"):
        resolve("No Such Font Family")


def test_missing_libreoffice_names_the_package(project, monkeypatch):
    course = Course.load("example", project)
    decks.run(course, ["01-01-why-comprehensions"])
    monkeypatch.setenv("PATH", "/nonexistent")
    tools.soffice.cache_clear()
    try:
        with pytest.raises(ToolMissing, match="apt-get install -y libreoffice-impress"):
            frames.run(course, ["01-01-why-comprehensions"])
    finally:
        tools.soffice.cache_clear()


def test_image_slide_keeps_proportions_inside_the_body(project):
    from PIL import Image
    from pptx import Presentation

    course = Course.load("example", project)
    (course.dir / "images").mkdir()
    Image.new("RGB", (1200, 300), "#4F46E5").save(course.dir / "images" / "wide.png")
    course.slides_path("01-01-why-comprehensions").write_text(
        "## [image] A wide chart\n@image: images/wide.png\n@caption: Source: us\n\n"
        "Note:\nLook at this.\n",
        encoding="utf-8",
    )
    decks.run(course, ["01-01-why-comprehensions"])
    slide = Presentation(str(decks.STAGE.target(course, "01-01-why-comprehensions"))).slides[0]
    pic = next(s for s in slide.shapes if s.name == "Image")
    assert abs(pic.width / pic.height - 4.0) < 0.01
    footer = next(s for s in slide.shapes if s.name == "FooterRule")
    caption = next(s for s in slide.shapes if s.name == "Caption")
    assert pic.top + pic.height < caption.top < caption.top + caption.height < footer.top

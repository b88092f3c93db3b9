"""The slide-script parser is strict: each error names the file and line and the fix."""

from __future__ import annotations

import pytest

from pipeline.errors import InputError
from pipeline.slides import parse_file, parse_text

GOOD = """## [title] Hello
@subtitle: Section 1

Note:
Welcome.
"""


def _fail(text: str, tmp_path, **kw) -> str:
    path = tmp_path / "slides" / "01-01-x.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        parse_file(path, [tmp_path], **kw)
    return e.value.message


def test_unknown_directive_names_file_line_and_allowed(tmp_path):
    msg = _fail(
        GOOD + "\n---\n\n## [bullets] Points\n- one\n@colour: red\n\nNote:\nHi.\n", tmp_path
    )
    assert "01-01-x.md:11:" in msg
    assert "@colour" in msg and "@pause" in msg


def test_missing_note_names_the_slide_heading_line(tmp_path):
    msg = _fail(GOOD + "\n---\n\n## [bullets] Points\n- one\n- two\n", tmp_path)
    assert "01-01-x.md:9:" in msg and "no narration" in msg and "Note:" in msg


def test_empty_note_is_an_error_unless_pauses_are_allowed(tmp_path):
    text = GOOD + "\n---\n\n## [bullets] Points\n- one\n\nNote:\n"
    assert "01-01-x.md:12:" in _fail(text, tmp_path)
    path = tmp_path / "slides" / "01-01-x.md"
    assert parse_file(path, [tmp_path], allow_empty_notes=True)[1].note == ""


def test_missing_image_names_line_and_where_it_looked(tmp_path):
    msg = _fail("## [image] A chart\n@image: images/nope.png\n\nNote:\nLook.\n", tmp_path)
    assert "01-01-x.md:2:" in msg and "images/nope.png" in msg and str(tmp_path) in msg


def test_unknown_kind(tmp_path):
    msg = _fail("## [chart] Data\n\nNote:\nHi.\n", tmp_path)
    assert "01-01-x.md:1:" in msg and "unknown slide kind 'chart'" in msg


def test_note_line_inside_code_is_code_not_narration(tmp_path):
    text = (
        "## [code] A dataclass\n```python\nclass Slide:\n    note: str = ''\n```\n\n"
        "Note:\nA field named note.\n"
    )
    slide = parse_text(text, tmp_path / "s.md")[0]
    assert slide.code == "class Slide:\n    note: str = ''"
    assert slide.note == "A field named note."


def test_directive_after_note_applies_and_is_not_spoken(tmp_path):
    slide = parse_text(
        "## [bullets] P\n- one\n\nNote:\nSay this.\n@pause: 1.5\n", tmp_path / "s.md"
    )[0]
    assert slide.note == "Say this." and slide.pause == 1.5


def test_second_code_block_is_an_error(tmp_path):
    msg = _fail(
        "## [code] Two\n```python\na = 1\n```\n```python\nb = 2\n```\n\nNote:\nX.\n", tmp_path
    )
    assert "01-01-x.md:5:" in msg and "one code block" in msg


def test_html_comments_are_not_spoken_or_shown_but_code_keeps_them(tmp_path):
    text = (
        "## [bullets] P\n- one <!-- check this -->\n<!--\n- hidden\n-->\n\n"
        "Note:\nSay this. <!-- revise: shorter -->\n<!-- Delete this comment\n"
        "when done. -->\nAnd this.\n\n---\n\n"
        "## [code] Markup\n```html\n<p><!-- kept --></p>\n```\n\nNote:\nA comment in HTML.\n"
    )
    bullets, code = parse_text(text, tmp_path / "s.md")
    assert [b.text for b in bullets.bullets] == ["one"]
    assert bullets.note == "Say this. And this."
    assert code.code == "<p><!-- kept --></p>"

"""Manual mode: slide scripts derived deterministically from lecture markdown."""

from __future__ import annotations

from pathlib import Path

from pipeline import slides
from pipeline.course import Course
from pipeline.derive import derive
from tests.golden import assert_golden


def test_golden_derived_script_for_example_lecture(project):
    course = Course.load("example")
    lec = course.lecture("01-02-list-comprehension-syntax")
    md = course.lecture_path(lec.id).read_text()
    text = slides.render_text(derive(md, lec.title, course.outline.section_of(lec.id).title))
    assert_golden("foundation/derived-01-02.md", text)


def test_every_example_lecture_derives_a_valid_narrated_script(project):
    course = Course.load("example")
    for lec in course.outline.lectures:
        text = slides.render_text(derive(course.lecture_path(lec.id).read_text(), lec.title))
        parsed = slides.parse_text(text, Path(f"{lec.id}.md"))
        kinds = [s.kind for s in parsed]
        assert kinds[0] == "title" and kinds[-1] == "summary"
        assert "code" in kinds
        assert all(len(s.note.split()) >= 3 for s in parsed[1:])
        assert not any("…" in b.text for s in parsed for b in s.bullets)


def test_headings_lists_code_and_paragraphs_map_to_slides():
    md = (
        "# Title\n\nIntro paragraph.\n\n## Lists\n\nWhy lists matter.\n\n- one\n  - sub\n"
        "- two\n\n## Code\n\nRun this.\n\n```python\nprint(1)\n```\n"
    )
    got = derive(md, "Title")
    assert [(s.kind, s.title) for s in got] == [
        ("title", "Title"),
        ("bullets", "Overview"),
        ("bullets", "Lists"),
        ("code", "Code"),
        ("summary", "Summary"),
    ]
    assert got[1].note == "Intro paragraph." and got[2].note == "Why lists matter."
    assert [(b.text, b.level) for b in got[2].bullets] == [("one", 0), ("sub", 1), ("two", 0)]
    assert got[3].code == "print(1)" and got[3].note == "Run this."

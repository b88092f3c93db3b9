"""Titles written to fool a reader: invisible direction controls never reach a file name,
and HTML in a title is shown as text, never read as HTML, on the landing page."""

from __future__ import annotations

import zipfile

import markdown

from pipeline.course import Course
from pipeline.stages import udemy
from pipeline.udemy.layout import safe_name


def test_safe_name_drops_invisible_and_direction_characters():
    assert safe_name("Intro\u202egpj.exe") == "Introgpj.exe"  # would read "Introexe.jpg"
    assert safe_name("a\u202ab\u202cc \u2067d\u2069 e\u200ff\u061c") == "abc d ef"
    assert safe_name("soft\u00adhyphen\ufeff \x85next\x9b") == "softhyphen next"
    assert safe_name("broken \ud800 surrogate") == "broken surrogate"
    assert safe_name("می\u200cخواهم") == "می\u200cخواهم"  # ZWNJ spells Persian: kept
    assert safe_name("👩\u200d💻 coding") == "👩\u200d💻 coding"  # ZWJ joins emoji: kept


def test_bundle_file_names_have_no_direction_controls(built):
    outline = built.outline_path
    outline.write_text(
        outline.read_text().replace(
            'title: "Forms"', 'title: "Forms \u2067\u202bmrof\u202c\u2069\u200f"'
        )
    )
    course = Course.load(built.slug, built.root)
    udemy.run(course)
    with zipfile.ZipFile(udemy.STAGE.target(course)) as zf:
        names = [n for n in zf.namelist() if "Forms" in n]
    assert "mini-udemy/curriculum/01 - HTML the structure/03 - Forms mrof.mp4" in names
    assert all(ord(ch) < 0x2000 for name in names for ch in name)


def test_html_in_titles_is_text_on_the_landing_page(built):
    topic = built.topic_path
    topic.write_text(
        topic.read_text().replace(
            'title: "Tiny HTML & CSS"', 'title: "Tiny <img src=x onerror=alert(1)> & CSS"'
        )
    )
    course = Course.load(built.slug, built.root)
    udemy.run(course)
    text = (udemy.bundle_dir(course) / "landing-page.md").read_text(encoding="utf-8")
    assert "## Course title\n\n`Tiny <img src=x onerror=alert(1)> & CSS`\n" in text
    assert "## Course subtitle\n\nA five-lecture course used by Lectern's Udemy tests\n" in text
    html = markdown.markdown(text)
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "“Tags &lt;and&gt; attributes”" in html  # the outline's title, in the description

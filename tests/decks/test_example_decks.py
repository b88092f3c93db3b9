"""Every slide of every example deck: read back, notes present, LibreOffice converts it."""

from __future__ import annotations

import json

import numpy as np
from pptx import Presentation

from pipeline.course import Course
from pipeline.slides import parse_file
from pipeline.stages import decks
from tests.conftest import run_cli
from tests.decks import lo


def test_example_decks_read_back_and_convert(project, tmp_path):
    r = run_cli(project, "decks", "example")
    assert r.returncode == 0, r.stderr
    course = Course.load("example", project)
    built = []
    for lec in course.outline.lectures:
        script = parse_file(course.slides_path(lec.id), course.image_dirs)
        prs = Presentation(str(decks.STAGE.target(course, lec.id)))
        check_deck(prs, script, course, lec.id)
        mapping = json.loads(decks.mapping_path(course, lec.id).read_text())["slides"]
        assert mapping == list(range(1, len(script) + 1))  # the example fits: no splits
        built.append((decks.STAGE.target(course, lec.id), len(prs.slides)))
    pdfs = lo.to_pdfs([p for p, _ in built], tmp_path)
    assert [lo.pages(pdf) for pdf in pdfs] == [n for _, n in built]


def check_deck(prs, script, course, lecture_id) -> None:
    """16:9, one slide per script slide, narration in the notes, footer and title slide."""
    assert (prs.slide_width, prs.slide_height) == (12192000, 6858000)
    assert len(prs.slides) == len(script)
    for n, (slide, src) in enumerate(zip(prs.slides, script, strict=True), 1):
        assert slide.has_notes_slide
        assert slide.notes_slide.notes_text_frame.text == src.note
        texts = {s.name: s.text_frame.text for s in slide.shapes if s.has_text_frame}
        if src.kind == "title":
            assert texts["Lecture"] == src.title
            assert texts["Course"] == course.topic.title.upper()
            assert texts["Section"] == course.outline.section_of(lecture_id).title
        else:
            assert texts["Title"] == src.title
            assert texts["Footer"] == course.topic.title
            assert texts["SlideNumber"] == f"{n} / {len(script)}"


def test_rerun_skips_and_dark_theme_builds(project, tmp_path):
    course = Course.load("example", project)
    lec = "02-02-nested-comprehensions"
    decks.run(course, [lec])
    before = decks.STAGE.target(course, lec).read_bytes()
    decks.run(course, [lec])  # nothing changed: the file is not rewritten
    assert decks.STAGE.target(course, lec).read_bytes() == before
    topic = course.topic_path
    topic.write_text(topic.read_text().replace("theme: default", "theme: dark"))
    course = Course.load("example", project)
    decks.run(course, [lec])
    assert decks.STAGE.target(course, lec).read_bytes() != before
    pdf = lo.to_pdfs([decks.STAGE.target(course, lec)], tmp_path)[0]
    frame = lo.page_pixels(pdf, 2)  # a code slide
    corner = frame[20, 20]
    assert np.abs(corner - np.array([0x0F, 0x17, 0x2A])).max() <= 3  # dark slate background

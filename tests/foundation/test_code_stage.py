"""The code check where the pipeline uses it: approval, the code stage, and the output it
puts in the book and on the slides."""

from __future__ import annotations

import markdown
import pytest
from pptx import Presentation

from pipeline import lecturemd, review, stages
from pipeline.book import sources
from pipeline.course import Course
from pipeline.errors import CheckpointPending, InputError
from tests.conftest import run_cli

LECTURE = "01-01-why-comprehensions"
OTHER = "02-01-dict-and-set-comprehensions"
RIGHT = "print(prices_in_dollars)  # [19.99, 4.5, 120.0, 0.75]"
WRONG = "print(prices_in_dollars)  # [19.99, 4.5, 120.0, 0.76]"


def plant(course: Course) -> int:
    """Make the lecture claim a wrong output; the line it is on."""
    path = course.lecture_path(LECTURE)
    text = path.read_text()
    path.write_text(text.replace(RIGHT, WRONG, 1))
    return text.splitlines().index(RIGHT) + 1


def test_approving_drafts_whose_code_fails_is_refused_with_file_and_line(small_project):
    course = Course.load("example")
    line = plant(course)
    with pytest.raises(InputError) as err:
        review.approve(course, "drafts")
    message = err.value.format_message()
    where = f"courses/example/lectures/{LECTURE}.md:{line}"
    assert f"{where}: expected [19.99, 4.5, 120.0, 0.76], got [19.99, 4.5, 120.0, 0.75]" in message
    assert "STAGE=drafts FORCE=1" in message
    assert review.pending(course, "drafts") == [f"lectures/{LECTURE}.md"]  # nothing recorded
    review.approve(course, "drafts", force=True)
    assert review.pending(course, "drafts") == []


def test_the_drafts_checkpoint_lists_the_code_that_fails(small_project):
    course = Course.load("example")
    line = plant(course)
    with pytest.raises(CheckpointPending) as stop:
        review.checkpoint(course, "drafts")
    text = stop.value.format_message()
    assert f"courses/example/lectures/{LECTURE}.md" in text
    assert f"lectures/{LECTURE}.md:{line}: expected" in text


def test_the_code_stage_stops_a_failing_lecture_and_passes_the_others(small_project):
    course = Course.load("example")
    plant(course)
    with pytest.raises(InputError) as err:
        stages.run("code", course)
    assert "expected [19.99, 4.5, 120.0, 0.76]" in err.value.format_message()
    code = stages.stage("code")
    assert not code.target(course, LECTURE).exists()  # so Make builds no deck for it
    assert code.target(course, OTHER).exists()
    done = run_cli(small_project, "check-code", "example")
    assert done.returncode == 1 and "1 failed" in done.stdout


def test_the_decks_stage_checks_its_slide_scripts_code_first(small_project):
    course = Course.load("example")
    slides = course.slides_path(LECTURE)
    text = slides.read_text()
    slides.write_text(
        text.replace(
            "return [cents / 100 for cents in amounts]", "return [cents / 10 for cents in amounts]"
        )
    )
    with pytest.raises(InputError) as err:
        stages.run("decks", course, [LECTURE])
    assert f"courses/example/slides/{LECTURE}.md:" in err.value.format_message()
    assert "expected [5.0, 12.5], got [50.0, 125.0]" in err.value.format_message()
    assert not course.deck_path(LECTURE).exists()


def test_output_run_puts_what_the_code_printed_in_the_book_and_on_the_slide(small_project):
    course = Course.load("example")
    lecture = course.lecture_path(LECTURE)
    lecture.write_text(
        lecture.read_text().replace(
            "```python\ndef to_dollars", "@output: run\n```python\ndef to_dollars", 1
        )
    )
    slides = course.slides_path(LECTURE)
    script = slides.read_text()
    script = script.replace(
        "## [code] An expression you can pass or return\n",
        "## [code] An expression you can pass or return\n@output: run\n",
    )
    slides.write_text(
        script.replace("to_dollars([500, 1250])  #", "print(to_dollars([500, 1250]))  #")
    )
    stages.run("code", course)
    text = sources.load(Course.load("example")).lectures[LECTURE]
    html = markdown.markdown(text, extensions=lecturemd.extensions())
    assert "@output" not in html
    assert '<code class="language-text">[5.0, 12.5]\n13\n</code>' in html
    assert "# 13\n```\n\n```text\n[5.0, 12.5]\n13\n```" in text  # right after its block
    stages.run("decks", Course.load("example"), [LECTURE])
    deck = Presentation(str(course.deck_path(LECTURE)))
    shown = "\n".join(
        shape.text_frame.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
    )
    assert "# Output:\n# [5.0, 12.5]" in shown

"""Placeholders (the scaffold's note, `TODO:` lines) never ship unless a person says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import placeholders, review, status
from pipeline.course import Course
from pipeline.errors import InputError
from pipeline.stages import decks, drafts, scripts
from tests.conftest import make


def _scaffold_first_lecture(course: Course) -> Path:
    lecture = course.outline.lectures[0]
    path = course.lecture_path(lecture.id)
    path.write_text(drafts.scaffold(lecture), encoding="utf-8")
    return path


def test_found_with_their_lines_but_not_in_code_or_mid_sentence():
    text = (
        "# T\n\n<!-- Write this lecture as book prose. It becomes a chapter -->\n\n"
        "## A\n\nTODO: write this part.\n\n- TODO: an item\n\nDone. TODO: check the numbers. Ok.\n"
        "```python\n# TODO: the reader fills this in\nTODO: also code\n```\n"
        "Mark unfinished work with a TODO: comment, as editors do.\n"
    )
    found = placeholders.find_in(text, Path("x.md"))
    assert [(p.line, p.phrase) for p in found] == [
        (3, placeholders.SCAFFOLD_MARK),
        (7, "TODO: write this part"),
        (9, "TODO: an item"),
        (11, "TODO: check the numbers"),
    ]


def test_review_comments_waiting_for_revise_are_a_placeholder():
    text = "# T\n\nProse.\n\n## Review comments\n\n- make the example shorter\n"
    found = placeholders.find_in(text, Path("x.md"))
    assert [(p.line, p.phrase) for p in found] == [(5, "review comments")]


def test_approving_drafts_with_the_scaffold_is_refused_with_file_and_line(project):
    course = Course.load("example")
    path = _scaffold_first_lecture(course)
    todo_line = path.read_text().splitlines().index(placeholders.TODO_LINE) + 1
    before = course.approvals_path.read_bytes()
    with pytest.raises(InputError) as e:
        review.approve(course, "drafts")
    msg = e.value.message
    assert f"courses/example/lectures/{path.stem}.md:3: <!-- Write this lecture" in msg
    assert f"courses/example/lectures/{path.stem}.md:{todo_line}: TODO: write this part." in msg
    assert "make approve TOPIC=example STAGE=drafts FORCE=1" in msg
    assert course.approvals_path.read_bytes() == before  # nothing recorded
    review.approve(course, "drafts", force=True)
    assert review.pending(course, "drafts") == []


def test_scripts_stage_refuses_a_lecture_with_placeholders(project, monkeypatch):
    monkeypatch.setenv("AUTO_APPROVE", "1")  # no checkpoint: the stage itself must refuse
    course = Course.load("example")
    path = _scaffold_first_lecture(course)
    slide_script = course.slides_path(path.stem)
    before = slide_script.read_bytes()
    with pytest.raises(InputError) as e:
        scripts.run(course, only=[path.stem])
    assert f"courses/example/lectures/{path.stem}.md:3:" in e.value.message
    assert slide_script.read_bytes() == before  # the person's slide script is kept


def test_placeholders_approved_in_a_lecture_may_reach_its_derived_script(project):
    course = Course.load("example")
    lecture = _scaffold_first_lecture(course)
    course.slides_path(lecture.stem).unlink()
    review.approve(course, "drafts", force=True)
    scripts.run(course, only=[lecture.stem])
    derived = course.slides_path(lecture.stem).read_text()
    assert "TODO: write this part" in derived and "Write this lecture" not in derived
    decks.STAGE.require(course, lecture.stem)  # accepted: the decks may be built


def test_a_placeholder_typed_into_a_slide_script_stops_the_decks(project):
    course = Course.load("example")
    lecture_id = course.outline.lectures[1].id
    path = course.slides_path(lecture_id)
    lines = path.read_text().splitlines()
    at = lines.index("Note:") + 2
    lines.insert(at - 1, "TODO: say why this matters.")
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as e:
        decks.STAGE.require(course, lecture_id)
    assert f"courses/example/slides/{lecture_id}.md:{at}: TODO: say why" in e.value.message
    assert "STAGE=scripts FORCE=1" in e.value.message
    with pytest.raises(InputError):
        scripts.run(course, only=[lecture_id])  # the scripts stage says so too
    review.approve(course, "scripts", force=True)
    decks.STAGE.require(course, lecture_id)


def test_status_shows_placeholder_and_why_names_the_line(project):
    course = Course.load("example")
    path = _scaffold_first_lecture(course)
    review.approve(course, "drafts", force=True)
    assert "placeholder" not in status.table(course)  # approved as it is
    path.write_text(path.read_text() + "\nTODO: one more.\n")
    grid = status.grids(course)[0][1]
    row = next(r for r in grid if r[0] == path.stem)
    assert row[grid[0].index("drafts")] == "placeholder"
    assert f"courses/example/lectures/{path.stem}.md:3:" in status.why(course, path.stem)


def test_make_approve_refuses_then_accepts_with_force(mk_project):
    course_dir = mk_project / "courses" / "example"
    lecture = sorted((course_dir / "lectures").glob("*.md"))[0]
    lecture.write_text(lecture.read_text() + "\nTODO: finish the example.\n")
    refused = make(mk_project, "approve", "TOPIC=example", "STAGE=drafts")
    assert refused.returncode != 0
    assert f"lectures/{lecture.name}:" in refused.stderr + refused.stdout
    accepted = make(mk_project, "approve", "TOPIC=example", "STAGE=drafts", "FORCE=1")
    assert accepted.returncode == 0, accepted.stderr
    assert "approved drafts" in accepted.stdout

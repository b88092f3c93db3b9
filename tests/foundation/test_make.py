"""The Makefile: checkpoints stop `make course` normally, per-lecture rules, -j2."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import make

MANUAL_TOPIC = """\
title: "Shell Basics"
author: "Ada"
review: [outline, drafts]
outline:
  - title: Getting around
    lectures:
      - title: Where am I
      - title: Moving between folders
"""


def test_course_stops_at_each_checkpoint_normally(mk_project):
    (mk_project / "courses" / "shell").mkdir()
    (mk_project / "courses" / "shell" / "topic.yaml").write_text(MANUAL_TOPIC)
    first = make(mk_project, "course", "TOPIC=shell")
    assert first.returncode == 0, first.stderr
    assert "Review checkpoint 'outline'" in first.stderr
    assert "make approve TOPIC=shell STAGE=outline" in first.stderr
    assert (mk_project / "courses" / "shell" / "outline.yaml").exists()
    assert not (mk_project / "courses" / "shell" / "lectures").exists()

    assert make(mk_project, "approve", "TOPIC=shell", "STAGE=outline").returncode == 0
    second = make(mk_project, "course", "TOPIC=shell")
    assert second.returncode == 0, second.stderr
    assert "Review checkpoint 'drafts'" in second.stderr
    drafts = sorted(p.name for p in (mk_project / "courses" / "shell" / "lectures").iterdir())
    assert drafts == ["01-01-where-am-i.md", "01-02-moving-between-folders.md"]


def test_approve_before_output_exists_is_a_clear_error(mk_project):
    (mk_project / "courses" / "shell").mkdir()
    (mk_project / "courses" / "shell" / "topic.yaml").write_text(MANUAL_TOPIC)
    result = make(mk_project, "approve", "TOPIC=shell", "STAGE=drafts")
    assert result.returncode != 0
    assert "make outline TOPIC=shell" in result.stderr


@pytest.mark.parametrize("topic", ["../etc", "a/b", "has space", "Upper", "-x", ""])
def test_a_malformed_topic_is_refused_before_anything_runs(mk_project, topic):
    result = make(mk_project, "course", f"TOPIC={topic}")
    assert result.returncode != 0
    expected = "no topic given" if not topic else f"TOPIC='{topic}' is not valid"
    assert expected in result.stderr, result.stderr
    made = sorted(  # os.walk does not go into the symlinked cache
        Path(d, n).relative_to(mk_project).as_posix()
        for d, dirs, files in os.walk(mk_project / "output")
        for n in dirs + files
    )
    assert made in ([], ["output/.cache", "output/.cache/code"])  # the tests' shared code cache


def test_an_unknown_topic_names_the_existing_ones(mk_project):
    result = make(mk_project, "course", "TOPIC=nope")
    assert result.returncode != 0
    assert "no course 'nope'" in result.stderr and "make new TOPIC=nope" in result.stderr
    assert "Existing topics: example" in result.stderr


@pytest.mark.parametrize(
    "value",
    ["x'; touch {flag}; echo '", "$(shell touch {flag})", "`touch {flag}`", "$$(touch {flag})"],
)
@pytest.mark.parametrize("variable", ["TOPIC", "STAGE", "LECTURE", "FORCE"])
def test_what_a_person_types_never_runs_as_a_command(mk_project, tmp_path, variable, value):
    flag = tmp_path / "ran"
    args = {"TOPIC": "example", "STAGE": "outline", variable: value.format(flag=flag)}
    result = make(mk_project, "approve", *(f"{k}={v}" for k, v in args.items()))
    assert not flag.exists(), result.stderr
    if variable != "FORCE":
        assert result.returncode != 0 and f"{variable}=" in result.stderr


def test_editing_one_lecture_rebuilds_only_its_script(mk_project):
    env = {"AUTO_APPROVE": "1"}
    assert make(mk_project, "scripts", "quizzes", "TOPIC=example", env=env).returncode == 0
    assert "scripts example" not in make(mk_project, "scripts", "TOPIC=example", env=env).stdout
    lecture = mk_project / "courses" / "example" / "lectures" / "02-02-nested-comprehensions.md"
    lecture.write_text(lecture.read_text() + "\n## A last word\n\nKeep it readable.\n")
    result = make(mk_project, "scripts", "TOPIC=example", env=env)
    assert result.returncode == 0, result.stderr
    ran = [line for line in result.stdout.splitlines() if "pipeline scripts" in line]
    assert ran == [
        ".venv/bin/python -m pipeline scripts example --lecture 02-02-nested-comprehensions"
    ]


def test_parallel_make_keeps_every_edit_and_a_valid_manifest(mk_project):
    lectures = sorted((mk_project / "courses" / "example" / "lectures").glob("*.md"))
    for lecture in lectures:
        lecture.write_text(lecture.read_text() + "\n## Recap\n\nThat is all.\n")
    result = make(
        mk_project, "-j2", "scripts", "quizzes", "TOPIC=example", env={"AUTO_APPROVE": "1"}
    )
    assert result.returncode == 0, result.stderr
    proposed = sorted((mk_project / "courses" / "example" / "slides").glob("*.proposed.md"))
    assert len(proposed) == len(lectures)  # hand-written scripts kept, proposals beside
    manifest = (mk_project / "courses" / "example" / ".lectern" / "manifest.json").read_text()
    assert manifest.count('"slides/') == len(lectures)


def test_force_runs_stages_make_thinks_are_current(mk_project):
    env = {"AUTO_APPROVE": "1"}
    assert make(mk_project, "scripts", "TOPIC=example", env=env).returncode == 0
    assert "pipeline scripts" not in make(mk_project, "scripts", "TOPIC=example", env=env).stdout
    forced = make(mk_project, "scripts", "TOPIC=example", "FORCE=1", env=env)
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout.count("pipeline scripts example --lecture") == 13
    backups = list((mk_project / "courses" / "example" / ".lectern" / "backup").rglob("*"))
    assert len([p for p in backups if p.is_file()]) == 13  # the hand-written scripts, kept


def test_force_never_replaces_a_hand_written_lecture_with_a_scaffold(mk_project):
    lectures = mk_project / "courses" / "example" / "lectures"
    before = {p.name: p.read_bytes() for p in lectures.glob("*.md")}
    result = make(mk_project, "drafts", "TOPIC=example", "FORCE=1", env={"AUTO_APPROVE": "1"})
    assert result.returncode == 0, result.stderr
    assert "pipeline drafts example --force" in result.stdout
    assert {p.name: p.read_bytes() for p in lectures.glob("*.md")} == before


def test_an_outline_with_a_mistake_stops_the_run_once_and_cannot_be_approved(mk_project):
    (mk_project / "courses" / "shell").mkdir()
    (mk_project / "courses" / "shell" / "topic.yaml").write_text(MANUAL_TOPIC)
    assert make(mk_project, "course", "TOPIC=shell").returncode == 0  # stops for review
    outline = mk_project / "courses" / "shell" / "outline.yaml"
    outline.write_text(outline.read_text().replace("minutes:", "minutez:", 1))
    result = make(mk_project, "course", "TOPIC=shell")
    assert result.returncode != 0
    assert result.stderr.count("minutez: unknown key (did you mean 'minutes'?)") == 1
    approve = make(mk_project, "approve", "TOPIC=shell", "STAGE=outline")
    assert approve.returncode != 0 and "minutez" in approve.stderr
    assert not (mk_project / "courses" / "shell" / "approvals.yaml").exists()

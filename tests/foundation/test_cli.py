"""The command line: clear errors for bad topics, no tracebacks, status table."""

from __future__ import annotations

import pytest

from tests.conftest import REPO, run_cli


@pytest.mark.parametrize("bad", ["../example", "a/b", "my topic", "Example", ""])
def test_bad_topic_names_are_rejected(project, bad):
    result = run_cli(project, "status", bad)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "TOPIC" in result.stderr or "no topic given" in result.stderr


def test_unknown_topic_lists_existing_ones(project):
    result = run_cli(project, "status", "nope")
    assert result.returncode == 1
    assert "no course 'nope'" in result.stderr
    assert "Existing topics: example" in result.stderr
    assert "make new TOPIC=nope" in result.stderr


def test_missing_topic_yaml(project):
    (project / "courses" / "empty").mkdir()
    result = run_cli(project, "status", "empty")
    assert "courses/empty/topic.yaml: file not found" in result.stderr


def test_config_error_has_no_traceback_unless_debug(project):
    topic = project / "courses" / "example" / "topic.yaml"
    topic.write_text(topic.read_text().replace("speed: 1.0", "speed: 9"))
    plain = run_cli(project, "status", "example")
    assert plain.returncode == 1
    assert "voice.speed: must be between 0.5 and 2" in plain.stderr
    assert "Traceback" not in plain.stderr
    debug = run_cli(project, "--debug", "status", "example")
    assert "Traceback" in debug.stderr


def test_status_table_lists_every_lecture_and_stage(project):
    result = run_cli(project, "status", "example")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for column in ("lecture", "drafts", "scripts", "decks", "frames", "narration", "video"):
        assert column in out
    assert out.count("-comprehensions") >= 2
    assert "01-01-why-comprehensions" in out and "03-02-generator-functions" in out


def test_status_reports_deleted_lecture_and_drafts_do_not_recreate_it(project):
    lecture = project / "courses" / "example" / "lectures" / "02-01-dict-and-set-comprehensions.md"
    # A missing lecture gets a scaffold, which the pipeline owns; then the person deletes it.
    lecture.unlink()
    assert "wrote courses/example/lectures" in run_cli(project, "drafts", "example").stderr
    lecture.unlink()
    result = run_cli(project, "drafts", "example", env={"AUTO_APPROVE": "1"})
    assert "deleted by hand" in result.stderr
    assert not lecture.exists()
    status = run_cli(project, "status", "example").stdout
    assert "deleted by hand" in status


def test_new_scaffolds_a_commented_topic(project):
    """`new` writes the template with the course's title (test_docs.py checks that every
    key in it is a setting and explained)."""
    result = run_cli(project, "new", "my-course")
    assert result.returncode == 0, result.stderr
    text = (project / "courses" / "my-course" / "topic.yaml").read_text()
    template = (REPO / "pipeline" / "templates" / "topic.yaml").read_text()
    assert text == template.format(title="My Course")
    assert 'title: "My Course"' in text
    assert run_cli(project, "status", "my-course").returncode == 0
    again = run_cli(project, "new", "my-course")
    assert again.returncode == 1 and "already exists" in again.stderr


def test_clean_removes_output_only(project):
    out = project / "output" / "example"
    (out / "decks").mkdir(parents=True)
    (out / "decks" / "x.pptx").write_bytes(b"x")
    result = run_cli(project, "clean", "example")
    assert result.returncode == 0
    assert not out.exists()
    assert (project / "courses" / "example" / "topic.yaml").exists()

"""Freshness never depends on a timestamp race: a file edited while the stage that reads it
runs is newer than that stage's output afterwards, so the next `make` runs the stage again."""

from __future__ import annotations

import os

import pytest

from pipeline import stages, stamps
from pipeline.course import Course
from pipeline.providers import retry
from pipeline.stages import narration
from tests.narration.fakes import FakeTTS
from tests.narration.helpers import LECTURE, set_topic


@pytest.fixture
def cloud(project, monkeypatch):
    """The example narrated by the OpenAI SDK against a local server."""
    monkeypatch.setattr(retry, "_sleep", lambda s: None)  # retries without waiting
    with FakeTTS() as server:
        set_topic(
            project, voice={"provider": "openai", "voice": "nova", "base_url": server.url + "/v1"}
        )
        yield server


def test_a_script_edited_during_narration_is_narrated_again(cloud, project, monkeypatch):
    script = project / "courses" / "example" / "slides" / f"{LECTURE}.md"
    synthesize = narration.synthesize

    def edit_while_speaking(*args, **kwargs):
        script.write_text(script.read_text().replace("Note:", "Note:\nA new first line.", 1))
        return synthesize(*args, **kwargs)

    monkeypatch.setattr(narration, "synthesize", edit_while_speaking)
    stamps.begin_run()  # as the CLI does, before anything is read
    stages.run("narration", Course.load("example"), [LECTURE])
    out = narration.target(Course.load("example"), LECTURE)
    # what Make compares: the edited script is newer than the narration made before it
    assert os.stat(script).st_mtime > os.stat(out).st_mtime
    monkeypatch.setattr(narration, "synthesize", synthesize)
    before = len(cloud.texts())
    stamps.begin_run()
    stages.run("narration", Course.load("example"), [LECTURE])
    assert any("A new first line." in t for t in cloud.texts()[before:])
    assert "A new first line." in (out.parent / "narration.txt").read_text()


def test_outputs_are_dated_at_the_start_of_their_run(project, tmp_path):
    out = project / "output" / "example" / "thing.txt"
    out.parent.mkdir(parents=True)
    stamps.begin_run()
    start = stamps.run_start()
    out.write_text("made")
    stamps.record(project / "output" / "example", out, "k")
    assert os.stat(out).st_mtime == pytest.approx(start, abs=1e-3)
    later = start + 100
    os.utime(out, (later, later))  # changed by someone after the run started
    assert stamps.fresh(project / "output" / "example", out, "k")
    assert os.stat(out).st_mtime == pytest.approx(later, abs=1e-3)  # never moved back


def test_a_deleted_narration_wav_is_made_again(cloud, project):
    course = Course.load("example")
    stages.run("narration", course, [LECTURE])
    wav = course.audio_dir(LECTURE) / "narration.wav"
    wav.unlink()
    report = stages.run("narration", Course.load("example"), [LECTURE])
    assert list(report["lectures"]) == [LECTURE] and wav.exists()

"""The frames stage converts many decks per LibreOffice, and starts one that dies again."""

from __future__ import annotations

import json
import stat

import pytest
from PIL import Image

from pipeline import tools
from pipeline.course import Course
from pipeline.errors import LecternError
from pipeline.stages import decks, frames


def _fake_soffice(path, body: str):
    """An executable standing in for soffice."""
    path.write_text("#!/bin/bash\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


@pytest.fixture
def three(project):
    """A course with three lectures' decks built."""
    course = Course.load("example", project)
    ids = course.lecture_ids()[:3]
    decks.run(course, ids)
    return course, ids


def test_a_libreoffice_that_dies_is_started_again_for_the_decks_it_left(
    three, monkeypatch, tmp_path, capsys
):
    course, ids = three
    real, marker, calls = tools.soffice(), tmp_path / "crashed", tmp_path / "calls"
    # the first LibreOffice converts its first deck, then dies as a crash would (139)
    crashy = _fake_soffice(
        tmp_path / "soffice",
        f"""echo "$#" >> {calls}
if mkdir {marker} 2>/dev/null; then
  opts=(); decks=()
  for a in "$@"; do case "$a" in *.pptx) decks+=("$a");; *) opts+=("$a");; esac; done
  {real} "${{opts[@]}}" "${{decks[0]}}" >/dev/null 2>&1
  exit 139
fi
exec {real} "$@"
""",
    )
    monkeypatch.setattr(tools, "soffice", lambda: crashy)
    frames.run(course, ids)
    assert "starting it again" in capsys.readouterr().err
    for lecture_id in ids:
        index = json.loads(frames.STAGE.target(course, lecture_id).read_text())
        folder = course.frames_dir(lecture_id)
        assert (folder / "deck.pdf").read_bytes().startswith(b"%PDF")
        assert len(index["frames"]) >= 3
        for name in index["frames"]:
            with Image.open(folder / name) as im:
                assert im.size == (1920, 1080)
    # six decks (each lecture's deck and its build states): one LibreOffice per core at
    # first, then one more for the decks the crashed one left; never one per deck
    started = calls.read_text().split()
    assert 2 <= len(started) <= 4


def test_a_deck_libreoffice_never_converts_is_named_with_the_fix(three, monkeypatch, tmp_path):
    course, ids = three
    broken = _fake_soffice(tmp_path / "soffice", "echo 'Segmentation fault' >&2\nexit 139\n")
    monkeypatch.setattr(tools, "soffice", lambda: broken)
    with pytest.raises(LecternError) as err:
        frames.run(course, ids)
    text = str(err.value)
    assert "output/example/decks/" in text and ".pptx" in text
    assert "Segmentation fault" in text
    assert "make decks frames TOPIC=example FORCE=1" in text
    assert not any(frames.STAGE.target(course, i).exists() for i in ids)  # nothing half-made

"""The secret guard on the Udemy bundle: a key from .env or the environment never ships,
not inside a deck, not in a video's metadata, and its value is never printed."""

from __future__ import annotations

import subprocess
import zipfile

import pytest

from pipeline import secretguard, tools
from pipeline.course import Course
from pipeline.secretguard import SecretInBundle
from pipeline.stages import decks, udemy
from tests.udemy.conftest import make_pptx

KEY = "lct-test-0123456789abcdefXYZ"
LECTURE = "01-02-tags"
DECK = "curriculum/01 - HTML the structure/02 - Tags and attributes - slides.pptx"


def _reload(course: Course) -> Course:
    return Course.load(course.slug, course.root)


def _bundle_files(course: Course) -> dict[str, bytes]:
    folder = udemy.bundle_dir(course)
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _slides_with_key(course: Course) -> int:
    """A two-slide script whose second note holds the key; returns the key's line."""
    text = (
        "## [title] Tags and attributes\n\nNote:\nWelcome.\n\n---\n\n"
        "## [bullets] Log in\n- Open the dashboard\n\nNote:\n"
        f"Paste the token {KEY} into the box.\n"
    )
    path = course.slides_path(LECTURE)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text.splitlines().index(f"Paste the token {KEY} into the box.") + 1


def test_a_dotenv_key_in_a_slide_note_stops_the_bundle_and_keeps_the_old_one(built, capsys):
    udemy.run(built)
    old_zip, old_files = udemy.STAGE.target(built).read_bytes(), _bundle_files(built)
    (built.root / ".env").write_text(f"LECTERN_TEST_API_KEY={KEY}\n")  # not in os.environ
    line = _slides_with_key(built)
    decks.run(built, only=[LECTURE])  # the real deck stage writes the note into the PPTX
    with pytest.raises(SecretInBundle) as err:
        udemy.run(_reload(built))
    msg = str(err.value)
    assert msg.startswith(
        f"udemy bundle: {DECK} → ppt/notesSlides/notesSlide2.xml contains "
        "the value of $LECTERN_TEST_API_KEY (from .env), so it was not "
        "written"
    )
    assert f"Remove the value from courses/mini/slides/{LECTURE}.md:{line}, then run" in msg
    assert udemy.STAGE.target(built).read_bytes() == old_zip
    assert _bundle_files(built) == old_files
    assert not list(built.out.glob(".udemy*"))  # no staging folder left with the key in it
    out = capsys.readouterr()
    assert KEY not in msg + out.out + out.err


def test_a_key_in_a_quiz_names_the_source_line(built, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    path = built.quiz_path("02-css")
    text = path.read_text().replace("A dot selects by class.", KEY)
    path.write_text(text)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if KEY in t)
    with pytest.raises(SecretInBundle) as err:
        udemy.run(_reload(built))
    msg = str(err.value)
    assert msg.startswith(
        "udemy bundle: quizzes/02 - CSS styling.md contains the value of "
        "$OPENAI_API_KEY (from the environment)"
    )
    assert f"courses/mini/quizzes/02-css.yaml:{line}" in msg and KEY not in msg
    assert not udemy.STAGE.target(built).exists()


def test_a_key_in_a_video_title_is_found_in_the_mp4_bytes(built, monkeypatch):
    monkeypatch.setenv("LECTERN_TEST_TOKEN", KEY)
    video = built.video_path("01-01-first-page")
    original = video.with_name("source.mp4")
    video.rename(original)
    subprocess.run(
        [
            tools.ffmpeg(),
            "-loglevel",
            "error",
            "-i",
            str(original),
            "-c",
            "copy",
            "-metadata",
            f"title=Recorded with {KEY}",
            str(video),
        ],
        check=True,
    )
    with pytest.raises(SecretInBundle) as err:
        udemy.run(_reload(built))
    msg = str(err.value)
    assert msg.startswith(
        "udemy bundle: curriculum/01 - HTML the structure/01 - Your first "
        "page.mp4 contains the value of $LECTERN_TEST_TOKEN"
    )
    assert "lecture 01-01-first-page: it is in none of the course's files" in msg


def test_the_scan_opens_a_deck_inside_a_zip_and_finds_keys_across_chunks(tmp_path, monkeypatch):
    secrets = {"X_TOKEN": KEY.encode()}
    make_pptx(tmp_path / "d.pptx", f"Title {KEY}")
    outer = tmp_path / "bundle.zip"
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as zf:  # as the bundle holds decks
        zf.write(tmp_path / "d.pptx", "decks/d.pptx")
    assert KEY.encode() not in outer.read_bytes()  # only decompressing finds it
    assert secretguard.find(outer, secrets) == ("X_TOKEN", "decks/d.pptx → ppt/slides/slide1.xml")
    monkeypatch.setattr(secretguard, "CHUNK", 7)  # the key straddles several chunks
    assert secretguard.find(b"x" * 5 + KEY.encode() + b"y", secrets) == ("X_TOKEN", "")
    assert secretguard.find(b"x" * 5 + KEY.encode()[:-1], secrets) is None


def test_short_and_non_key_variables_are_not_secrets(project, monkeypatch):
    monkeypatch.setenv("LECTERN_TEST_TOKEN", "short")  # under 8 characters: too common
    monkeypatch.setenv("LECTERN_TEST_PATH", KEY)  # not a key-like name
    (project / ".env").write_text(f"FROM_DOTENV_SECRET={KEY}\nLECTERN_TEST_TOKEN=ignored\n")
    found = secretguard.known(project)
    assert found["FROM_DOTENV_SECRET"] == KEY.encode()  # .env counts
    assert "LECTERN_TEST_TOKEN" not in found  # the environment wins over .env, and is short
    assert "LECTERN_TEST_PATH" not in found

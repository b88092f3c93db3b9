"""Fixtures for the Udemy bundle tests: a small fixed course and real media made by ffmpeg."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation

from pipeline import tools
from pipeline.course import Course
from tests.conftest import make_project

DATA = Path(__file__).parent / "data"
VTT = (
    "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello, and welcome.\n\n"
    "00:00:01.000 --> 00:00:01.900\nLet us begin.\n"
)


def make_mp4(
    path: Path,
    seconds: float,
    size: str = "1280x720",
    layout: str = "stereo",
    vcodec: str = "libx264",
    still: bool = False,
) -> Path:
    """A real MP4 at 1 fps (cheap to encode) with silent AAC audio: a test pattern whose
    clock changes every second, or (`still`) one colour throughout."""
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            tools.ffmpeg(),
            "-y",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"color=c=0x224466:s={size}:r=1" if still else f"testsrc2=s={size}:r=1",
            "-f",
            "lavfi",
            "-i",
            f"anullsrc=r=8000:cl={layout}",
            "-t",
            str(seconds),
            "-c:v",
            vcodec,
            *(["-preset", "ultrafast"] if vcodec == "libx264" else []),
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            "16k",
            str(path),
        ],
        check=True,
        timeout=120,
    )
    return path


class Media:
    """Makes each kind of test video once per session and hard-links copies."""

    def __init__(self, base: Path):
        self.base = base

    def video(self, seconds: float, **kw) -> Path:
        """The cached video for these settings."""
        name = "-".join([str(seconds)] + [f"{k}={v}" for k, v in sorted(kw.items())])
        path = self.base / f"{name}.mp4"
        return path if path.exists() else make_mp4(path, seconds, **kw)

    def place(self, course: Course, lecture_id: str, seconds: float = 2, **kw) -> None:
        """Give a lecture everything the other stages would have made for it."""
        dest = course.video_path(lecture_id)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.unlink(missing_ok=True)
        os.link(self.video(seconds, **kw), dest)
        dest.with_suffix(".vtt").write_text(VTT, encoding="utf-8")
        make_pptx(course.deck_path(lecture_id), lecture_id)
        make_pdf(course.frames_dir(lecture_id) / "deck.pdf")


def make_pptx(path: Path, title: str) -> None:
    """A one-slide deck, as python-pptx writes it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    prs = Presentation()
    prs.slides.add_slide(prs.slide_layouts[0]).shapes.title.text = title
    prs.save(path)


def make_pdf(path: Path) -> None:
    """A one-page PDF, as Pillow writes it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (320, 180), "white").save(path, "PDF")


@pytest.fixture(scope="session")
def media(tmp_path_factory) -> Media:
    """Session-wide cache of fabricated videos."""
    return Media(tmp_path_factory.mktemp("media"))


@pytest.fixture
def mini(tmp_path, monkeypatch) -> Course:
    """A project holding the fixed 5-lecture course `mini` (no media yet)."""
    root = make_project(tmp_path / "proj", courses=())
    shutil.copytree(DATA / "mini", root / "courses" / "mini")
    monkeypatch.setenv("LECTERN_ROOT", str(root))
    monkeypatch.chdir(root)
    return Course.load("mini", root)


@pytest.fixture
def built(mini: Course, media: Media) -> Course:
    """The mini course with every lecture's video, captions, deck and PDF in place."""
    for lec in mini.outline.lectures:
        media.place(mini, lec.id)
    return mini

"""What the media stages have made for a lecture, read through their file contracts."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import LecternError, remake
from pipeline.formats import jsonfile
from pipeline.formats.frames import FrameIndex
from pipeline.formats.narration import Narration
from pipeline.video import probe as video_probe


@dataclass
class SlideAudio:
    """Where one slide sits in the lecture narration."""

    start: float
    end: float
    captions: list[str] = field(default_factory=list)


@dataclass
class LectureMedia:
    """Paths of the frames, narration and video of one lecture (None when not made)."""

    frames: list[Path] = field(default_factory=list)
    frame_size: tuple[int, int] = (1920, 1080)
    narration: Path | None = None
    slide_audio: dict[int, SlideAudio] = field(default_factory=dict)
    video: Path | None = None
    captions: Path | None = None
    problems: list[str] = field(default_factory=list)


def lecture_media(course, lecture_id: str) -> LectureMedia:
    """Collect whatever exists for a lecture; unreadable files become problems, not crashes."""
    media = LectureMedia()
    _frames(course.frames_dir(lecture_id), media)
    _narration(course.audio_dir(lecture_id), media)
    video = course.video_path(lecture_id)
    if video.exists():
        media.video = video
        vtt = video.with_suffix(".vtt")
        media.captions = vtt if vtt.exists() else None
    return media


def _read(model, path: Path, stage: str, media: LectureMedia):
    """A stage's file through its model, or None with the problem noted for the page."""
    try:
        return jsonfile.read(model, path, stage)
    except LecternError as e:
        media.problems.append(e.message)
        return None


def _frames(folder: Path, media: LectureMedia) -> None:
    """frames.json lists the PNGs in slide order; list only those that exist."""
    index = folder / "frames.json"
    if not index.exists():
        return
    data = _read(FrameIndex, index, "frames", media)
    if data is None:
        return
    media.frames = [folder / n for n in data.frames if (folder / n).is_file()]
    media.frame_size = data.size
    if len(media.frames) != len(data.frames):
        media.problems.append(
            f"{index}: lists {len(data.frames)} frames but "
            f"{len(media.frames)} exist; run {remake(index, 'frames')}"
        )


def _narration(folder: Path, media: LectureMedia) -> None:
    """narration.json gives each slide's start and end in narration.wav."""
    wav, index = folder / "narration.wav", folder / "narration.json"
    if not wav.exists():
        return
    media.narration = wav
    data = _read(Narration, index, "narration", media) if index.exists() else None
    for s in data.slides if data else []:
        caps = [x.caption or x.text for x in s.sentences]
        media.slide_audio[s.index] = SlideAudio(s.start, s.end, caps)


def duration(path: Path) -> float | None:
    """Seconds of a media file, as the video stage's probe reads them (None if unreadable)."""
    try:
        return video_probe.info(path).duration or None
    except (LecternError, OSError, subprocess.TimeoutExpired):
        return None

"""What the media stages have made for a lecture, read through their file contracts."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.captions import whole_sentences
from pipeline.errors import LecternError, remake
from pipeline.formats import jsonfile
from pipeline.formats.frames import FrameIndex
from pipeline.formats.narration import Narration
from pipeline.video import probe as video_probe
from pipeline.video import timeline


@dataclass
class SlideAudio:
    """Where one slide sits in the lecture narration."""

    start: float
    end: float
    captions: list[str] = field(default_factory=list)


@dataclass
class Shown:
    """One picture a script slide shows: a deck slide, or one of its build states."""

    path: Path
    at: int = 0  # where in the slide's note it starts
    seconds: float | None = None  # when, in the lecture's narration


@dataclass
class LectureMedia:
    """Paths of the frames, narration and video of one lecture (None when not made)."""

    frames: list[Path] = field(default_factory=list)
    shown: dict[int, list[Shown]] = field(default_factory=dict)  # by script slide
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
    timings = _narration(course.audio_dir(lecture_id), media)
    for index, pictures in media.shown.items():
        slide = timings.get(index)
        if slide is None or not timeline.located(slide):
            continue  # narrated before steps were timed: the strip shows no times
        for p in pictures:
            p.seconds = timeline.time_at(slide, p.at)
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
    for i, name in enumerate(data.frames):
        slide = data.script_slide[i] if data.script_slide else i + 1
        at = data.at[i] if data.at else 0
        media.shown.setdefault(slide, []).append(Shown(folder / name, at))
    if len(media.frames) != len(data.frames):
        media.problems.append(
            f"{index}: lists {len(data.frames)} frames but "
            f"{len(media.frames)} exist; run {remake(index, 'frames')}"
        )


def _narration(folder: Path, media: LectureMedia) -> dict[int, dict]:
    """narration.json gives each slide's start and end in narration.wav; returns its
    slides by index."""
    wav, index = folder / "narration.wav", folder / "narration.json"
    if not wav.exists():
        return {}
    media.narration = wav
    data = _read(Narration, index, "narration", media) if index.exists() else None
    for s in data.slides if data else []:
        caps = [text for text, _, _ in whole_sentences([x.model_dump() for x in s.sentences])]
        media.slide_audio[s.index] = SlideAudio(s.start, s.end, caps)
    return {s.index: s.model_dump() for s in data.slides} if data else {}


def duration(path: Path) -> float | None:
    """Seconds of a media file, as the video stage's probe reads them (None if unreadable)."""
    try:
        return video_probe.info(path).duration or None
    except (LecternError, OSError, subprocess.TimeoutExpired):
        return None

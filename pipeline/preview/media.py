"""What the media stages have made for a lecture, read through their file contracts."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import LecternError, remake
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


def _read_json(path: Path, media: LectureMedia) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        media.problems.append(f"{path}: cannot read ({e}); rerun the stage that writes it")
        return None
    return data if isinstance(data, dict) else None


def _frames(folder: Path, media: LectureMedia) -> None:
    """frames.json lists the PNGs in slide order; list only those that exist."""
    index = folder / "frames.json"
    if not index.exists():
        return
    data = _read_json(index, media) or {}
    names = data.get("frames") or []
    media.frames = [folder / n for n in names if (folder / n).is_file()]
    size = data.get("size") or [1920, 1080]
    if len(size) == 2:
        media.frame_size = (int(size[0]), int(size[1]))
    if len(media.frames) != len(names):
        media.problems.append(f"{index}: lists {len(names)} frames but "
                              f"{len(media.frames)} exist; run {remake(index, 'frames')}")


def _narration(folder: Path, media: LectureMedia) -> None:
    """narration.json gives each slide's start and end in narration.wav."""
    wav, index = folder / "narration.wav", folder / "narration.json"
    if not wav.exists():
        return
    media.narration = wav
    data = (_read_json(index, media) or {}) if index.exists() else {}
    for s in data.get("slides") or []:
        try:
            caps = [x.get("caption") or x.get("text", "") for x in s.get("sentences", [])]
            media.slide_audio[int(s["index"])] = SlideAudio(float(s["start"]), float(s["end"]),
                                                            caps)
        except (KeyError, TypeError, ValueError):
            media.problems.append(f"{index}: a slide entry lacks index/start/end")


def duration(path: Path) -> float | None:
    """Seconds of a media file, as the video stage's probe reads them (None if unreadable)."""
    try:
        return video_probe.info(path).duration or None
    except (LecternError, OSError, subprocess.TimeoutExpired):
        return None

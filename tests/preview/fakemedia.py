"""Small real media files shaped like the frames/narration/video stage contracts."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from pipeline import slides as slide_format
from pipeline.tools import ffmpeg

SLIDE_SECONDS = 1.0
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def make_frames(course, lecture_id: str, size=(640, 360)) -> list[Path]:
    """One PNG per slide with its title on it, and frames.json."""
    folder = course.frames_dir(lecture_id)
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for i, s in enumerate(_slides(course, lecture_id), 1):
        img = Image.new("RGB", size, (34, 52, 110))
        draw = ImageDraw.Draw(img)
        font = ImageFont.truetype(FONT, 30) if Path(FONT).exists() else None
        draw.text((30, size[1] // 2 - 20), f"{i}. {s.title}", fill="white", font=font)
        names.append(f"slide-{i:03d}.png")
        img.save(folder / names[-1])
    index = {"size": list(size), "frames": names, "pdf": "deck.pdf"}
    (folder / "frames.json").write_text(json.dumps(index), encoding="utf-8")
    return [folder / n for n in names]


def make_narration(course, lecture_id: str) -> Path:
    """A 48 kHz mono 16-bit sine narration.wav, one second per slide, and narration.json."""
    folder = course.audio_dir(lecture_id)
    folder.mkdir(parents=True, exist_ok=True)
    slides = _slides(course, lecture_id)
    total = SLIDE_SECONDS * len(slides)
    wav = folder / "narration.wav"
    _ffmpeg(
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency=440:duration={total}",
        "-ar",
        "48000",
        "-ac",
        "1",
        "-c:a",
        "pcm_s16le",
        str(wav),
    )
    entries = [
        {
            "index": i,
            "start": (i - 1) * SLIDE_SECONDS,
            "end": i * SLIDE_SECONDS,
            "sentences": [
                {
                    "text": s.note,
                    "caption": s.note,
                    "start": (i - 1) * SLIDE_SECONDS,
                    "end": i * SLIDE_SECONDS,
                }
            ],
        }
        for i, s in enumerate(slides, 1)
    ]
    data = {"sample_rate": 48000, "duration": total, "slides": entries}
    (folder / "narration.json").write_text(json.dumps(data), encoding="utf-8")
    return wav


def make_video(course, lecture_id: str, seconds: float = 2.0) -> Path:
    """A short H.264/AAC MP4 with a WebVTT caption file beside it."""
    mp4 = course.video_path(lecture_id)
    mp4.parent.mkdir(parents=True, exist_ok=True)
    _ffmpeg(
        "-f",
        "lavfi",
        "-i",
        f"color=c=0x22346e:s=320x180:d={seconds}:r=15",
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency=330:duration={seconds}",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-b:a",
        "64k",
        "-shortest",
        "-movflags",
        "+faststart",
        str(mp4),
    )
    mp4.with_suffix(".vtt").write_text(
        "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nWelcome to the course.\n", encoding="utf-8"
    )
    return mp4


def _slides(course, lecture_id: str):
    return slide_format.parse_file(course.slides_path(lecture_id), course.image_dirs)


def _ffmpeg(*args: str) -> None:
    subprocess.run(
        [ffmpeg(), "-hide_banner", "-loglevel", "error", "-y", *args],
        check=True,
        capture_output=True,
        timeout=60,
    )

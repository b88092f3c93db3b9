"""Synthetic lectures that follow the frames and narration contracts (no LLM, no TTS).

Frames are Pillow drawings; narration is a speech-like signal (noise bursts shaped
like syllables) per sentence, with pauses, at 48 kHz mono 16-bit, plus narration.json.
"""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from pipeline.video import annexb, segments

RATE = 48000
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LECTURE = "01-01-why-comprehensions"


def colour_segments(work: Path, enc: segments.Encoding) -> list[list]:
    """A red and a blue picture, each encoded as one segment: its access units."""
    segs = []
    for n, colour in enumerate([(200, 30, 30), (20, 90, 200)]):
        png, seg = work / f"p{n}.png", work / f"p{n}.h264"
        Image.new("RGB", (enc.width, enc.height), colour).save(png)
        segments.encode(png, seg, enc)
        segs.append(annexb.access_units(seg.read_bytes()))
    return segs


def frame(path: Path, n: int, size: tuple[int, int] = (1920, 1080)) -> None:
    """A distinct slide picture with its number written large."""
    img = Image.new("RGB", size, (30 + 40 * (n % 5), 60, 110 + 20 * (n % 4)))
    draw = ImageDraw.Draw(img)
    draw.text(
        (size[0] // 10, size[1] // 3),
        f"Slide {n}",
        fill="white",
        font=ImageFont.truetype(FONT, size[1] // 8),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)


def write_frames(
    root: Path,
    count: int,
    topic: str = "example",
    lecture: str = LECTURE,
    sizes: dict | None = None,
) -> Path:
    """output/T/frames/ID/ with slide-NNN.png and frames.json."""
    out = root / "output" / topic / "frames" / lecture
    names = [f"slide-{i:03d}.png" for i in range(1, count + 1)]
    for i, name in enumerate(names, 1):
        frame(out / name, i, (sizes or {}).get(i, (1920, 1080)))
    (out / "frames.json").write_text(
        json.dumps({"size": [1920, 1080], "frames": names, "pdf": "deck.pdf"})
    )
    return out


def speech(seconds: float, seed: int) -> np.ndarray:
    """Speech-like float audio: syllable-long noise bursts under an envelope."""
    rng = np.random.default_rng(seed)
    n = int(round(seconds * RATE))
    t = np.arange(n) / RATE
    envelope = np.clip(np.sin(2 * np.pi * rng.uniform(3, 5) * t), 0, None) ** 2
    tone = np.sin(2 * np.pi * rng.uniform(120, 220) * t)
    return (0.3 * envelope * (0.6 * tone + 0.4 * rng.standard_normal(n))).astype(np.float32)


def write_narration(
    root: Path,
    slides: list[list[float]],
    topic: str = "example",
    lecture: str = LECTURE,
    pause: float = 0.5,
    seed: int = 1,
    text: str = "This is sentence {n} of slide {s}.",
) -> dict:
    """narration.wav + narration.json: slides[i] lists the seconds of each sentence."""
    parts, doc_slides, pos = [], [], 0.0
    for s, sentences in enumerate(slides, 1):
        start, sents = pos, []
        for n, length in enumerate(sentences, 1):
            parts.append(speech(length, seed * 1000 + s * 10 + n))
            sents.append(
                {
                    "text": text.format(n=n, s=s),
                    "caption": text.format(n=n, s=s),
                    "start": round(pos, 3),
                    "end": round(pos + length, 3),
                }
            )
            pos += length
            if sentences:
                parts.append(np.zeros(int(round(pause * RATE)), np.float32))
                pos += pause
        doc_slides.append(
            {"index": s, "start": round(start, 3), "end": round(pos, 3), "sentences": sents}
        )
    audio = np.concatenate(parts) if parts else np.zeros(0, np.float32)
    doc = {"sample_rate": RATE, "duration": round(len(audio) / RATE, 3), "slides": doc_slides}
    out = root / "output" / topic / "audio" / lecture
    out.mkdir(parents=True, exist_ok=True)
    with wave.open(str(out / "narration.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((audio * 32767).astype("<i2").tobytes())
    (out / "narration.json").write_text(json.dumps(doc, indent=2))
    return doc


def set_video(root: Path, topic: str = "example", **values) -> None:
    """Merge keys into topic.yaml's video block."""
    import yaml

    path = root / "courses" / topic / "topic.yaml"
    data = yaml.safe_load(path.read_text())
    data["video"] = {**(data.get("video") or {}), **values}
    path.write_text(yaml.safe_dump(data, allow_unicode=True))


def grab(video: Path, t: float) -> np.ndarray:
    """The decoded picture at time t, as an RGB array (height, width, 3)."""
    import subprocess

    from pipeline.tools import ffmpeg
    from pipeline.video import probe

    v = probe.info(video).video
    cmd = [
        ffmpeg(),
        "-loglevel",
        "error",
        "-ss",
        f"{t:.3f}",
        "-i",
        str(video),
        "-frames:v",
        "1",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-",
    ]
    raw = subprocess.run(cmd, capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(v["height"], v["width"], 3)


def picture_changes(video: Path) -> list[float]:
    """Times where a keyframe's content differs from the keyframe before it."""
    from pipeline.video import probe

    keys = [p for p in probe.packets(video) if p.key]
    return [b.pts for a, b in zip(keys, keys[1:], strict=False) if a.crc != b.crc]

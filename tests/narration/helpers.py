"""Shared helpers for the narration tests: edit topic.yaml / slides, read the WAV."""

from __future__ import annotations

import math
import wave
from pathlib import Path

import numpy as np
import yaml
from scipy.signal import resample_poly

LECTURE = "01-01-why-comprehensions"


def set_topic(root: Path, **blocks) -> None:
    """Merge keys into the example's topic.yaml (e.g. voice={...}, narration={...})."""
    path = root / "courses" / "example" / "topic.yaml"
    data = yaml.safe_load(path.read_text())
    for name, values in blocks.items():
        data[name] = {**(data.get(name) or {}), **values}
    path.write_text(yaml.safe_dump(data, allow_unicode=True))


def write_slides(root: Path, lecture: str, notes: list[str], pause: float = 0) -> Path:
    """Replace a lecture's script with bullet slides carrying these notes."""
    extra = f"@pause: {pause}\n" if pause else ""
    slides = [
        f"## [bullets] Slide {i}\n- point {i}\n{extra}\nNote:\n{n}\n"
        for i, n in enumerate(notes, 1)
    ]
    path = root / "courses" / "example" / "slides" / f"{lecture}.md"
    path.write_text("\n---\n\n".join(slides), encoding="utf-8")
    return path


def read_wav(path: Path) -> tuple[np.ndarray, int, int, int]:
    """Samples as float, rate, channels, bytes per sample."""
    with wave.open(str(path), "rb") as w:
        raw = w.readframes(w.getnframes())
        return (
            np.frombuffer(raw, "<i2").astype(np.float64) / 32768.0,
            w.getframerate(),
            w.getnchannels(),
            w.getsampwidth(),
        )


def true_peak_db(x: np.ndarray) -> float:
    """An independent true-peak estimate: 4× polyphase oversampling."""
    return 20 * math.log10(np.abs(resample_poly(x, 4, 1)).max())

"""A lecture's timeline: which picture and which narration audio sit where, to the frame.

Times are rounded once, on the absolute timeline (frame = round(t * FPS)), so rounding
errors never add up: every slide boundary is within half a frame of narration.json.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.formats import jsonfile
from pipeline.formats.narration import Narration

FPS = 30
RATE = 48000
AAC_FRAME = 1024  # samples per AAC-LC packet
SIZES = {1080: (1920, 1080), 720: (1280, 720)}


@dataclass
class Span:
    """A stretch of the timeline: an intro/outro card or one slide."""

    kind: str  # "intro" | "slide" | "outro"
    start: float  # seconds on the video timeline
    end: float
    index: int = 0  # slide number (1-based) for slides
    audio: tuple[float, float] | None = None  # narration seconds it plays; None = silence
    sentences: list[dict] = field(default_factory=list)

    @property
    def shift(self) -> float:
        """Video time minus narration time inside this span."""
        return self.start - self.audio[0] if self.audio else 0.0


def frame_at(t: float) -> int:
    """The frame a time falls on (rounded once, absolutely)."""
    return int(round(t * FPS + 1e-9))


def packet_at(t: float) -> int:
    """The AAC packet boundary nearest a time."""
    return int(round(t * RATE / AAC_FRAME + 1e-9))


def load_narration(path: Path) -> dict:
    """narration.json, checked by its model (pipeline/formats/narration.py)."""
    return jsonfile.read(Narration, path, "narration").model_dump()


def per_frame(doc: dict, script_slide: list[int] | None) -> dict:
    """Narration with one slide entry per frame.

    A script slide too long for one deck slide becomes several frames (continuation
    slides, see frames.json's `script_slide`); its narration is shared among them, cut
    at sentence starts in proportion (the deck splits its notes the same way).
    """
    if not script_slide:
        return doc
    out = []
    for slide in doc["slides"]:
        out += _split(slide, script_slide.count(int(slide.get("index", 0))))
    for n, slide in enumerate(out, 1):
        slide["index"] = n
    return {**doc, "slides": out}


def _split(slide: dict, k: int) -> list[dict]:
    """One narration slide cut into k consecutive parts."""
    if k <= 1:
        return [dict(slide)]
    start, end, sentences = float(slide["start"]), float(slide["end"]), slide.get("sentences", [])
    if len(sentences) >= k:
        inner = [float(sentences[round(j * len(sentences) / k)]["start"]) for j in range(1, k)]
    else:
        inner = [start + (end - start) * j / k for j in range(1, k)]
    cuts = [start, *inner, end]
    return [
        {"start": a, "end": b, "sentences": [x for x in sentences if a <= float(x["start"]) < b]}
        for a, b in zip(cuts, cuts[1:], strict=False)
    ]


def plan(doc: dict, intro: float = 0.0, outro: float = 0.0, min_slide: float = 2.0) -> list[Span]:
    """Spans for intro, each slide (zero-length ones get `min_slide`), and outro."""
    spans = [Span("intro", 0.0, intro)] if intro > 0 else []
    t = intro
    for n, slide in enumerate(doc["slides"], 1):
        a, b = float(slide["start"]), float(slide["end"])
        length = b - a if b - a >= 0.5 / FPS else min_slide  # empty narration: still readable
        spans.append(
            Span(
                "slide",
                t,
                t + length,
                int(slide.get("index", n)),
                (a, b),
                slide.get("sentences") or [],
            )
        )
        t += length
    if outro > 0:
        spans.append(Span("outro", t, t + outro))
    return spans


def total_frames(spans: list[Span]) -> int:
    """Frames in the whole video."""
    return frame_at(spans[-1].end)


def expected_duration(spans: list[Span]) -> float:
    """The video's length in seconds, on whole frames."""
    return total_frames(spans) / FPS

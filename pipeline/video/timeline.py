"""A lecture's timeline: which picture and which narration audio sit where, to the frame.

Times are rounded once, on the absolute timeline (frame = round(t * FPS)), so rounding
errors never add up: every slide boundary is within half a frame of narration.json.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.formats import jsonfile
from pipeline.formats.frames import FrameIndex
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
    # the pictures it shows: (video time it starts, frame index, 0-based), in order
    states: list[tuple[float, int]] = field(default_factory=list)

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


def per_page(doc: dict, frames: FrameIndex | None) -> dict:
    """Narration with one slide entry per deck slide, and the frames it shows.

    A script slide too long for one deck slide continues on more (frames.json's
    `script_slide`); its narration is cut where each deck slide's share of the note
    starts (`at`). A deck slide that builds shows a frame per state, each from the
    moment the voice reaches where its state starts in the note.
    """
    if frames is None or not frames.script_slide:
        return doc
    if frames.page is None or frames.at is None or not _located(doc):
        return _per_frame(doc, frames.script_slide)  # made before build steps
    by_slide = {int(s["index"]): s for s in doc["slides"]}
    out = []
    for page in sorted(set(frames.page)):
        shown = [i for i, p in enumerate(frames.page) if p == page]
        slide = by_slide.get(frames.script_slide[shown[0]])
        if slide is None:
            break  # no narration for it (the video stage names what to run)
        out.append({**slide, "frames": [[i, time_at(slide, frames.at[i])] for i in shown]})
    return {**doc, "slides": _cut_pages(out)}


def _located(doc: dict) -> bool:
    """Whether every spoken line says where it starts in its note."""
    return all(located(s) for s in doc["slides"])


def located(slide: dict) -> bool:
    """Whether each of a slide's spoken lines says where it starts in the note."""
    return all(x.get("at") is not None for x in slide.get("sentences", []))


def _cut_pages(pages: list[dict]) -> list[dict]:
    """Each deck slide from its first frame's time to the next one's (or its slide's end),
    numbered 1, 2, …; the sentences go where they start."""
    out = []
    for n, page in enumerate(pages):
        nxt = pages[n + 1] if n + 1 < len(pages) else None
        first = n == 0 or pages[n - 1]["index"] != page["index"]
        start = float(page["start"]) if first else page["frames"][0][1]
        same = nxt is not None and nxt["index"] == page["index"]
        end = nxt["frames"][0][1] if nxt is not None and same else float(page["end"])
        sentences = [x for x in page.get("sentences", []) if start <= float(x["start"]) < end]
        frames = [[i, min(max(t, start), end)] for i, t in page["frames"]]
        frames[0][1] = start
        out.append(
            {"index": n + 1, "start": start, "end": end, "sentences": sentences, "frames": frames}
        )
    return out


def time_at(slide: dict, at: int) -> float:
    """When the voice reaches a point of the note: the start of the line that starts
    there, or a share of the line it falls inside (by characters)."""
    lines = [x for x in slide.get("sentences", []) if int(x["at"]) <= at]
    if not lines or at == 0:
        return float(slide["start"])
    x = lines[-1]
    share = min(1.0, (at - int(x["at"])) / max(len(x.get("caption") or x["text"]), 1))
    return float(x["start"]) + share * (float(x["end"]) - float(x["start"]))


def _per_frame(doc: dict, script_slide: list[int]) -> dict:
    """Narration with one slide entry per frame, cut at sentence starts in proportion."""
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
        shift = t - a
        index = int(slide.get("index", n))
        shown = slide.get("frames") or [[index - 1, a]]
        spans.append(
            Span(
                "slide",
                t,
                t + length,
                index,
                (a, b),
                slide.get("sentences") or [],
                [(float(at) + shift, int(i)) for i, at in shown],
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

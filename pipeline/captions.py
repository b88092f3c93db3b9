"""Captions from narration timings: WebVTT (Udemy's format) and SRT, plus a strict VTT reader.

A cue holds at most 2 lines of at most 42 characters; a longer sentence is split into
several cues whose times share the sentence's span in proportion to their length.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from pipeline.errors import InputError

MAX_CHARS = 42
MAX_LINES = 2
TIME = re.compile(r"^(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})$")


@dataclass
class Cue:
    """One caption on screen from `start` to `end` (seconds)."""

    start: float
    end: float
    lines: list[str]


def wrap(text: str) -> list[list[str]]:
    """Split text into cues of at most MAX_LINES lines of at most MAX_CHARS characters."""
    lines = textwrap.wrap(" ".join(text.split()), MAX_CHARS, break_long_words=True,
                          break_on_hyphens=False)
    return [lines[i:i + MAX_LINES] for i in range(0, len(lines), MAX_LINES)]


def sentence_cues(text: str, start: float, end: float) -> list[Cue]:
    """Cues for one sentence, its time shared out by character count."""
    groups = wrap(text)
    weights = [sum(len(x) for x in g) for g in groups]
    total, cues, t = sum(weights) or 1, [], start
    for group, weight in zip(groups, weights, strict=True):
        nxt = t + (end - start) * weight / total
        cues.append(Cue(t, nxt, group))
        t = nxt
    return cues


def cues_for(spans, duration: float) -> list[Cue]:
    """Every sentence's cues on the video timeline, ordered, clipped inside the video."""
    cues = []
    for span in spans:
        for s in span.sentences:
            text = s.get("caption") or s.get("text") or ""
            cues += sentence_cues(text, s["start"] + span.shift, s["end"] + span.shift)
    return _tidy(cues, duration)


def _tidy(cues: list[Cue], duration: float) -> list[Cue]:
    """Millisecond times, no overlaps, nothing past the end, nothing empty."""
    out: list[Cue] = []
    for cue in sorted(cues, key=lambda c: c.start):
        start = max(round(cue.start, 3), out[-1].end if out else 0.0)
        end = min(round(cue.end, 3), round(duration, 3))
        if end > start and cue.lines:
            out.append(Cue(start, end, cue.lines))
    return out


def stamp(t: float, sep: str = ".") -> str:
    """HH:MM:SS.mmm (or with a comma for SRT)."""
    ms = int(round(t * 1000))
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}{sep}{ms % 1000:03d}"


def to_vtt(cues: list[Cue]) -> str:
    """A WebVTT file."""
    body = "".join(f"{stamp(c.start)} --> {stamp(c.end)}\n" + "\n".join(c.lines) + "\n\n"
                   for c in cues)
    return "WEBVTT\n\n" + body


def to_srt(cues: list[Cue]) -> str:
    """A SubRip file."""
    return "".join(f"{n}\n{stamp(c.start, ',')} --> {stamp(c.end, ',')}\n" + "\n".join(c.lines)
                   + "\n\n" for n, c in enumerate(cues, 1))


def parse_vtt(text: str, name: str = "captions.vtt") -> list[Cue]:
    """Read WebVTT strictly: header, `start --> end` lines, ordered cues with text."""
    blocks = text.replace("\r\n", "\n").split("\n\n")
    if not blocks[0].startswith("WEBVTT"):
        raise InputError(f"{name}:1: a WebVTT file must start with 'WEBVTT'")
    cues = []
    for block in (b for b in blocks[1:] if b.strip()):
        lines = block.strip("\n").split("\n")
        if "-->" not in lines[0] and len(lines) > 1:
            lines = lines[1:]  # an optional cue identifier
        cues.append(_cue(lines, name))
    return cues


def _cue(lines: list[str], name: str) -> Cue:
    head = lines[0].split("-->")
    if len(head) != 2:
        raise InputError(f"{name}: cue '{lines[0]}' has no 'start --> end' line")
    start, end = (_seconds(x.strip().split(" ")[0], name) for x in head)
    return Cue(start, end, lines[1:])


def _seconds(text: str, name: str) -> float:
    m = TIME.match(text)
    if not m:
        raise InputError(f"{name}: '{text}' is not a WebVTT time (HH:MM:SS.mmm)")
    h, mm, s, ms = (int(x or 0) for x in m.groups())
    return h * 3600 + mm * 60 + s + ms / 1000


def problems(cues: list[Cue], duration: float) -> list[str]:
    """What is wrong with a cue list: order, empty spans, overrun, too many/long lines."""
    out, prev = [], 0.0
    for n, c in enumerate(cues, 1):
        if c.start < prev:
            out.append(f"cue {n} starts before the previous cue ends")
        if not c.start < c.end:
            out.append(f"cue {n} does not end after it starts")
        if c.end > duration + 1e-3:
            out.append(f"cue {n} ends at {c.end:.3f} s, after the video ({duration:.3f} s)")
        if not c.lines or len(c.lines) > MAX_LINES or any(len(x) > MAX_CHARS for x in c.lines):
            out.append(f"cue {n} needs 1-{MAX_LINES} lines of at most {MAX_CHARS} characters")
        prev = c.end
    return out

"""Udemy's caption rules over a parsed WebVTT file (pipeline.captions.read_vtt): strict
enough to catch what Udemy's caption upload rejects."""

from __future__ import annotations

from pathlib import Path

from pipeline.captions import WebVTT, read_vtt


def problems(path: Path, duration: float | None = None) -> list[str]:
    """What is wrong with a .vtt file (empty when it is valid), each with its line."""
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return [f"{path.name}: not UTF-8 text"]
    doc = read_vtt(text)
    errs = [f"{path.name}:{no}: {what}" for no, what in sorted(doc.errors + _rules(doc, duration))]
    if doc.header and not doc.cues:
        errs.append(f"{path.name}: no cues (captions are empty)")
    return errs


def _rules(doc: WebVTT, duration: float | None) -> list[tuple[int, str]]:
    """Cues in order of their start, each ending after it starts and before the video ends
    (text without a timing line is skipped by players, and so passes)."""
    errs, last = [], 0.0
    for cue in doc.cues:
        if cue.end <= cue.start or cue.start < last:
            errs.append((cue.line, "cue ends before it starts or goes back in time"))
        if duration is not None and cue.end > duration + 0.5:
            errs.append(
                (cue.line, f"cue ends at {cue.end:.1f}s, after the video ({duration:.1f}s)")
            )
        last = cue.start
    return errs

"""A WebVTT validator strict enough to catch what Udemy's caption upload rejects."""

from __future__ import annotations

import re
from pathlib import Path

TIME = r"(?:(\d+):)?([0-5]\d):([0-5]\d)\.(\d{3})"
CUE = re.compile(rf"^{TIME}[ \t]+-->[ \t]+{TIME}(?:[ \t].*)?$")


def seconds(groups: tuple) -> float:
    """Seconds from the four groups of one TIME match (hours optional)."""
    h, m, s, ms = groups
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def problems(path: Path, duration: float | None = None) -> list[str]:
    """What is wrong with a .vtt file (empty when it is valid), each with its line."""
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return [f"{path.name}: not UTF-8 text"]
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").split("\n")
    if not re.match(r"^WEBVTT([ \t].*)?$", lines[0]):
        return [f"{path.name}:1: must start with a line 'WEBVTT'"]
    return _cue_problems(path.name, lines, duration)


def _cue_problems(name: str, lines: list[str], duration: float | None) -> list[str]:
    found, last, errs = 0, 0.0, []
    for no, line in enumerate(lines, 1):
        if "-->" not in line:
            continue
        m = CUE.match(line.strip())
        if not m:
            errs.append(f"{name}:{no}: bad cue timing '{line.strip()}' (use 00:00:01.000 --> "
                        "00:00:02.500)")
            continue
        start, end = seconds(m.groups()[:4]), seconds(m.groups()[4:])
        if end <= start or start < last:
            errs.append(f"{name}:{no}: cue ends before it starts or goes back in time")
        if duration is not None and end > duration + 0.5:
            errs.append(f"{name}:{no}: cue ends at {end:.1f}s, after the video ({duration:.1f}s)")
        found, last = found + 1, start
    return errs if found else errs + [f"{name}: no cues (captions are empty)"]

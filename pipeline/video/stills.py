"""How long the picture stays still in an MP4, measured from its decoded frames.

ffmpeg decodes every frame at the video's own frame rate and prints its MD5
(`-f framemd5`); a run is consecutive frames with the same hash, lasting from its first
frame's pts to the next run's (the last one to its last frame's end). Frames are scaled
to WIDTH px wide first with an area filter: every source pixel still counts, so a
bullet line appearing changes the hash, and MD5 of whole 1080p frames would cost five
times the decoding. Decoding is the floor (~1.6 ms per 1080p frame here, even for
all-skip P-frames), so a long video is decoded in one part per CPU, each part starting
on a keyframe and pinned to its own core.
"""

from __future__ import annotations

import os
import statistics
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path

from pipeline.tools import ffmpeg, on_core, run
from pipeline.video import probe

WIDTH = 480  # hashed width: a 1080p frame is averaged in 4x4 blocks
SCALE = f"scale=w=min(iw\\,{WIDTH}):h=-2:flags=area"
MIN_PART = 900  # frames (30 s at 30 fps) per part at least: short videos decode in one
WHOLE = (0, None, None)  # the one part of a video decoded in one go

Frame = tuple[int, int, str]  # pts and duration in time-base ticks, MD5
Part = tuple[int, float | None, int | None]  # part number, second to seek to, frames


def still_runs(path: Path) -> list[float]:
    """Seconds of each run of consecutive identical decoded frames, in order."""
    frames, tb = _frames(Path(path))
    if not frames:
        return []
    starts = [i for i, f in enumerate(frames) if i == 0 or f[2] != frames[i - 1][2]]
    ends = [frames[i][0] for i in starts[1:]] + [frames[-1][0] + frames[-1][1]]
    return [float((end - frames[i][0]) * tb) for i, end in zip(starts, ends, strict=True)]


def summary(runs: list[float]) -> dict:
    """Median and longest run (s), pictures shown (runs), picture changes per minute."""
    total = sum(runs)
    return {
        "median": statistics.median(runs) if runs else 0.0,
        "longest": max(runs, default=0.0),
        "count": len(runs),
        "changes_per_minute": 60 * (len(runs) - 1) / total if total else 0.0,
    }


def _frames(path: Path) -> tuple[list[Frame], Fraction]:
    """Every decoded frame in pts order, and the time base (seconds per tick)."""
    cpus = _cpus()
    packets = probe.packets(path) if cpus > 1 else []
    parts = _parts(packets, cpus)
    frames, tb = _decode_parts(path, parts)
    if len(parts) > 1 and len(frames) != len(packets):
        frames, tb = _decode_parts(path, [WHOLE])  # a part did not start on its keyframe
    return frames, tb


def _cpus() -> int:
    """CPUs this process may run on."""
    return len(os.sched_getaffinity(0))


def _parts(packets: list[probe.Packet], cpus: int) -> list[Part]:
    """Up to `cpus` parts of at least MIN_PART frames, each from a keyframe."""
    n = min(cpus, len(packets) // MIN_PART)
    if n < 2:
        return [WHOLE]
    keys = [i for i, p in enumerate(packets) if p.key]
    near = {min(keys, key=lambda k: abs(k - len(packets) * j // n)) for j in range(1, n)}
    cuts = sorted({0} | near)
    ends = [*cuts[1:], len(packets)]
    zero = packets[0].pts  # -ss counts from the file's start; half a frame past the key
    return [
        (j, packets[a].pts - zero + packets[a].duration / 2, b - a)
        for j, (a, b) in enumerate(zip(cuts, ends, strict=True))
    ]


def _decode_parts(path: Path, parts: list[Part]) -> tuple[list[Frame], Fraction]:
    """The parts decoded side by side, merged by pts (a frame decoded twice counts once)."""
    with ThreadPoolExecutor(len(parts)) as pool:
        texts = list(pool.map(lambda part: _decode(path, *part), parts))
    merged: dict[int, Frame] = {}
    tb = Fraction(0)
    for text in texts:
        frames, tb = _parse(text)
        merged.update((f[0], f) for f in frames)
    return sorted(merged.values()), tb


def _decode(path: Path, part: int, start: float | None, count: int | None) -> str:
    """framemd5 of `count` frames from the keyframe before `start`, or of the whole video."""
    seek = [] if start is None else ["-threads", "1", "-ss", f"{start:.6f}", "-noaccurate_seek"]
    cmd = [ffmpeg(), "-hide_banner", "-nostats", "-loglevel", "error", *seek, "-i", str(path)]
    cmd += ["-map", "0:v:0", "-an", "-sn", "-dn", "-copyts", "-vf", SCALE]
    cmd += [] if count is None else ["-frames:v", str(count)]
    cmd = [*cmd, "-f", "framemd5", "-"]
    return run(cmd if start is None else on_core(cmd, part), f"{path.name}: decoding").stdout


def _parse(text: str) -> tuple[list[Frame], Fraction]:
    """Frames and time base from framemd5 output of one stream."""
    tb, frames = Fraction(0), []
    for line in text.splitlines():
        if line.startswith("#tb"):
            tb = Fraction(line.split(":", 1)[1].strip())
        elif line and line[0] != "#":
            _, _, pts, duration, _, md5 = (x.strip() for x in line.split(","))
            frames.append((int(pts), int(duration), md5))
    return frames, tb

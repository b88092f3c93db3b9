"""Stills benchmark: how long the picture stays still in the example course's videos.

Measured from the MP4s themselves (pipeline.video.stills: every frame decoded and
hashed), one line per video and a total line with the time the measuring took. The
videos are those `make course TOPIC=example` made in output/example/video/.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from pipeline.video import stills

REPO = Path(__file__).resolve().parents[1]
VIDEOS = REPO / "output" / "example" / "video"
MEDIAN, LONGEST = 8.0, 20.0  # goal: median run under 8 s, none over 20 s
GOAL = f"goal: median < {MEDIAN:.0f} s, none over {LONGEST:.0f} s"


def main() -> None:
    """Measure every example video; print its line, then the total."""
    videos = sorted(VIDEOS.glob("*.mp4"))
    if not videos:
        where = VIDEOS.relative_to(REPO)
        print(f"stills: no videos in {where}/: run `make course TOPIC=example` first")
        return
    start, runs = time.perf_counter(), []
    for video in videos:
        mine = stills.still_runs(video)
        print(f"stills {video.stem}: {_line(stills.summary(mine))} ({GOAL})")
        runs += mine
    took = time.perf_counter() - start
    minutes = sum(runs) / 60 or float("nan")  # no frames at all: no rate
    met = "met" if _met(runs) else "NOT met"
    print(
        f"stills all: {_line(stills.summary(runs))} in {len(videos)} videos, "
        f"{minutes:.1f} min (goal {met}); measured in {took:.1f} s = "
        f"{took / minutes:.2f} s per minute of video"
    )


def _line(s: dict) -> str:
    """Median, longest and pictures, as the lines print them."""
    return f"median {s['median']:.1f} s, longest {s['longest']:.1f} s, {s['count']} pictures"


def _met(runs: list[float]) -> bool:
    """The goal for these runs: median under MEDIAN, none over LONGEST."""
    return bool(runs) and statistics.median(runs) < MEDIAN and max(runs) <= LONGEST

"""Visual dynamics: how long each rendered MP4 keeps the same picture.

Measured from the decoded video (pipeline.video.stills), not from the scripts, so what
is checked is what Udemy's reviewers see. Decoding costs about 3.6 s per minute of video
on two cores, so each video's runs are kept beside its key (the MP4's SHA-256) in
output/T/checks/stills/ and measured again only when the video changes.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from pipeline.checks.rule import Rule
from pipeline.course import Course
from pipeline.fsutil import atomic_write_text, file_hash
from pipeline.udemy import probe
from pipeline.video import stills


def runs(course: Course, lecture_id: str) -> list[float]:
    """Seconds of each still picture in the lecture's MP4 (cached by the MP4's hash)."""
    video = course.video_path(lecture_id)
    key, memo = file_hash(video), _memo_path(course, lecture_id)
    try:
        saved = json.loads(memo.read_text(encoding="utf-8"))
        if saved.get("mp4") == key:
            return [float(x) for x in saved["runs"]]
    except (OSError, ValueError, KeyError, TypeError):
        pass  # no memo, or a damaged one: measure again
    measured = stills.still_runs(video)
    memo.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(memo, json.dumps({"mp4": key, "runs": measured}))
    return measured


def _memo_path(course: Course, lecture_id: str) -> Path:
    """Where a lecture's measured runs are kept (outside the Udemy bundle)."""
    return course.out / "checks" / "stills" / f"{lecture_id}.json"


def problems(course: Course, videos: dict) -> tuple[list[str], list[float]]:
    """Each lecture over the thresholds, as text, and every run of the course."""
    cfg, out, every = course.topic.udemy, [], []
    for lecture_id, info in videos.items():
        if info is None:
            continue
        mine = runs(course, lecture_id)
        every += mine
        if not mine:
            continue
        longest, median = max(mine), statistics.median(mine)
        if longest > cfg.max_still_seconds:
            at = sum(mine[: mine.index(longest)])
            out.append(f"{lecture_id}: still {longest:.1f} s from {probe.clock(at)}")
        if median > cfg.median_still_seconds:
            out.append(f"{lecture_id}: median {median:.1f} s between changes")
    return out, every


def dynamics_rule(course: Course, videos: dict) -> Rule:
    """No picture held longer than the threshold, and changes often enough (a TTS course
    needs "dynamic, content-relevant visuals")."""
    cfg = course.topic.udemy
    bad, every = problems(course, videos)
    shown = (
        f"median {statistics.median(every):.1f} s between changes, longest still "
        f"{max(every):.1f} s, in {sum(1 for v in videos.values() if v)} videos"
        if every
        else "no rendered video to measure"
    )
    return Rule(
        f"visuals change (median ≤ {cfg.median_still_seconds:g} s, none still over "
        f"{cfg.max_still_seconds:g} s)",
        bool(every) and not bad,
        "; ".join(bad[:5]) if bad else shown,
        "split the slide shown there, or give its bullets or code lines build steps "
        "(`[>]` markers, `@highlight`; see docs/formats.md), keep `video.builds` on, and "
        f"run `make course TOPIC={course.slug}`",
    )

"""Whether the built captions can be read: no cue on screen for under MIN_SECONDS, none
faster than MAX_CPS characters per second (pipeline.captions defines both measures).
Udemy's reviewers read the captions of a TTS course; the builder merges and stretches
cues to meet both, so what fails here is a voice too fast to caption readably."""

from __future__ import annotations

from pipeline.captions import MAX_CPS, MIN_SECONDS, Cue, cps, read_vtt, too_fast, too_short
from pipeline.checks.rule import Rule
from pipeline.course import Course


def captions_readable_rule(course: Course, videos: dict) -> Rule:
    """Every lecture's .vtt with its cues long and slow enough to read."""
    found = [(path.name, cue) for path in _vtts(course, videos) for cue in _cues(path)]
    short = [(name, c) for name, c in found if too_short(c)]
    fast = [(name, c) for name, c in found if too_fast(c)]
    return Rule(
        "captions readable",
        not short and not fast,
        _detail(short, fast, len(found)),
        f"re-run `make video TOPIC={course.slug}` to rebuild the captions; a cue still "
        "too fast needs a shorter sentence in the slide script or a slower voice "
        "(voice.speed in topic.yaml)",
    )


def _vtts(course: Course, videos: dict) -> list:
    """The captions built beside each lecture's video (captions_rule reports missing ones)."""
    paths = [course.video_path(lecture_id).with_suffix(".vtt") for lecture_id in videos]
    return [p for p in paths if p.exists()]


def _cues(path) -> list[Cue]:
    """The cues of one .vtt file (what is not WebVTT is captions_rule's to report)."""
    try:
        return read_vtt(path.read_text(encoding="utf-8")).cues
    except (OSError, UnicodeDecodeError):
        return []


def _detail(short: list, fast: list, total: int) -> str:
    """The counts, and the worst cue of each kind."""
    if not short and not fast:
        return f"{total} cues, none under {MIN_SECONDS} s or above {MAX_CPS:g} cps"
    parts = [f"{len(short)} cue(s) under {MIN_SECONDS} s", f"{len(fast)} above {MAX_CPS:g} cps"]
    if short:
        name, c = min(short, key=lambda x: x[1].end - x[1].start)
        parts.append(f"shortest {name} at {_clock(c.start)}: {c.end - c.start:.2f} s")
    if fast:
        name, c = max(fast, key=lambda x: cps(x[1]))
        parts.append(f"fastest {name} at {_clock(c.start)}: {cps(c):.0f} cps")
    return "; ".join(parts)


def _clock(t: float) -> str:
    """m:ss.d, where the cue starts in its video."""
    return f"{int(t // 60)}:{t % 60:04.1f}"

"""check-udemy's "captions readable": a planted short or fast cue fails,
and the captions the builder makes of the same narration pass."""

from __future__ import annotations

from pipeline import captions
from pipeline.checks import udemy as checks
from pipeline.checks.captions import captions_readable_rule
from pipeline.course import Course
from pipeline.video import timeline

LECTURE = "01-02-tags"


def _plant(course: Course, text: str) -> dict:
    """Write LECTURE's .vtt; return the videos map the rule is given (none rendered)."""
    path = course.video_path(LECTURE).with_suffix(".vtt")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return {lec.id: None for lec in course.outline.lectures}


def _built(sentences: list[tuple[str, float, float]]) -> str:
    """The .vtt the captions builder makes of a one-slide narration."""
    lines = [{"text": t, "caption": t, "start": a, "end": b} for t, a, b in sentences]
    doc = {"slides": [{"index": 1, "start": 0.0, "end": sentences[-1][2], "sentences": lines}]}
    spans = timeline.plan(doc)
    return captions.to_vtt(captions.cues_for(spans, timeline.expected_duration(spans)))


def test_a_planted_short_cue_fails_and_the_built_captions_pass(mini):
    said = [("Yes.", 12.0, 12.3), ("That is the whole idea.", 12.3, 14.0)]
    naive = "".join(f"{captions.stamp(a)} --> {captions.stamp(b)}\n{t}\n\n" for t, a, b in said)
    rule = captions_readable_rule(mini, _plant(mini, "WEBVTT\n\n" + naive))
    assert not rule.ok and not rule.warning and rule.name == "captions readable"
    assert "1 cue(s) under 0.8 s; 0 above 20 cps" in rule.detail
    assert f"{LECTURE}.vtt at 0:12.0: 0.30 s" in rule.detail
    assert "make video TOPIC=mini" in rule.fix and "voice.speed" in rule.fix
    rule = captions_readable_rule(mini, _plant(mini, _built(said)))
    assert rule.ok and rule.detail == "1 cues, none under 0.8 s or above 20 cps"


def test_a_planted_fast_cue_fails_and_the_built_captions_pass(mini):
    fast = "This is thirty characters long"  # in 1 s
    said = [(fast, 0.0, 1.0), ("A slow sentence after it.", 1.0, 4.0)]
    naive = f"00:00:00.000 --> 00:00:01.000\n{fast}\n\n00:00:01.000 --> 00:00:04.000\nA slow one.\n"
    rule = captions_readable_rule(mini, _plant(mini, "WEBVTT\n\n" + naive))
    assert not rule.ok and "0 cue(s) under 0.8 s; 1 above 20 cps" in rule.detail
    assert f"fastest {LECTURE}.vtt at 0:00.0: 30 cps" in rule.detail
    assert captions_readable_rule(mini, _plant(mini, _built(said))).ok  # joined: 14 cps


def test_what_cannot_be_slowed_is_reported(mini):
    fast = "Much too quick to read along."  # 29 characters in 1 s, nothing to join
    rule = captions_readable_rule(mini, _plant(mini, _built([(fast, 0.0, 1.0)])))
    assert not rule.ok and "fastest 01-02-tags.vtt at 0:00.0: 29 cps" in rule.detail


def test_missing_and_broken_captions_are_left_to_the_captions_rule(mini):
    videos = _plant(mini, "not WebVTT at all")
    assert captions_readable_rule(mini, videos).ok  # no cues read: nothing unreadable
    mini.video_path(LECTURE).with_suffix(".vtt").unlink()
    assert captions_readable_rule(mini, videos).detail.startswith("0 cues")


def test_check_udemy_runs_it_after_the_captions_rule(built):
    names = [r.name for r in checks.check(Course.load(built.slug, built.root))]
    i = names.index("captions present and valid WebVTT")
    assert names[i + 1] == "captions readable"

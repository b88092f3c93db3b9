"""Captions of a fixed narration: a golden file of the WebVTT and SubRip text."""

from __future__ import annotations

from pipeline import captions
from pipeline.video import timeline
from tests.golden import assert_golden

NARRATION = {
    "slides": [
        {
            "index": 1,
            "start": 0.0,
            "end": 4.2,
            "sentences": [
                {
                    "text": "Welcome to the course.",
                    "caption": "Welcome to the course.",
                    "start": 0.3,
                    "end": 1.6,
                },
                {
                    "text": "In this first lecture we look at a loop you have written many "
                    "times, the one that builds a new list item by item.",
                    "caption": "In this first lecture we look at a loop you have written many "
                    "times, the one that builds a new list item by item.",
                    "start": 1.95,
                    "end": 3.9,
                },
            ],
        },
        {
            "index": 2,
            "start": 4.2,
            "end": 6.0,
            "sentences": [
                {
                    "text": "double underscore init",
                    "caption": "__init__ runs first.",
                    "start": 4.2,
                    "end": 5.4,
                }
            ],
        },
    ]
}


def test_golden_captions_for_a_fixed_narration():
    spans = timeline.plan(NARRATION)
    cues = captions.cues_for(spans, timeline.expected_duration(spans))
    vtt = captions.to_vtt(cues)
    assert captions.problems(captions.parse_vtt(vtt), 6.0) == []
    assert all(len(line) <= 42 for cue in cues for line in cue.lines)
    assert_golden("video/captions.vtt", vtt)
    assert_golden("video/captions.srt", captions.to_srt(cues))

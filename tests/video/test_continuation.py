"""A script slide shown as several deck slides (continuations) shares its narration."""

from __future__ import annotations

from pipeline.video.timeline import per_frame


def _doc():
    sentences = [
        {"text": f"s{i}", "caption": f"s{i}", "start": 1.0 + 2 * i, "end": 2.5 + 2 * i}
        for i in range(4)
    ]
    return {
        "slides": [
            {"index": 1, "start": 0.0, "end": 1.0, "sentences": []},
            {"index": 2, "start": 1.0, "end": 9.0, "sentences": sentences},
            {"index": 3, "start": 9.0, "end": 10.0, "sentences": []},
        ]
    }


def test_one_frame_per_slide_is_unchanged():
    doc = _doc()
    assert per_frame(doc, None) is doc
    assert [s["start"] for s in per_frame(doc, [1, 2, 3])["slides"]] == [0.0, 1.0, 9.0]


def test_continuation_frames_split_at_sentence_starts():
    slides = per_frame(_doc(), [1, 2, 2, 3])["slides"]
    assert [(s["index"], s["start"], s["end"]) for s in slides] == [
        (1, 0.0, 1.0),
        (2, 1.0, 5.0),
        (3, 5.0, 9.0),
        (4, 9.0, 10.0),
    ]
    assert [x["text"] for x in slides[1]["sentences"]] == ["s0", "s1"]
    assert [x["text"] for x in slides[2]["sentences"]] == ["s2", "s3"]


def test_more_frames_than_sentences_split_time_evenly():
    doc = {
        "slides": [
            {"index": 1, "start": 0.0, "end": 3.0, "sentences": [{"start": 0.0, "end": 2.0}]}
        ]
    }
    slides = per_frame(doc, [1, 1, 1])["slides"]
    assert [(s["start"], s["end"]) for s in slides] == [(0.0, 1.0), (1.0, 2.0), (2.0, 3.0)]
    assert sum(len(s["sentences"]) for s in slides) == 1

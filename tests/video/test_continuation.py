"""A script slide shown as several deck slides (continuations) shares its narration."""

from __future__ import annotations

from pipeline.formats.frames import FrameIndex
from pipeline.video.timeline import per_page, plan


def per_frame(doc, script_slide, page=None, at=None):
    """The narration per deck slide, for frames.json with these lists."""
    if script_slide is None:
        return per_page(doc, None)
    names = [f"slide-{n:03d}.png" for n in range(1, len(script_slide) + 1)]
    return per_page(doc, FrameIndex(frames=names, script_slide=script_slide, page=page, at=at))


def _doc():
    sentences = [
        {
            "text": f"s{i}",
            "caption": f"s{i}.",
            "start": 1.0 + 2 * i,
            "end": 2.5 + 2 * i,
            "at": 4 * i,
        }
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


def test_pages_start_where_their_share_of_the_note_starts():
    # the deck put s0 s1 s2 on its first page and s3 on the second (at = offset 12)
    slides = per_frame(_doc(), [1, 2, 2, 3], page=[1, 2, 3, 4], at=[0, 0, 12, 0])["slides"]
    assert [(s["start"], s["end"]) for s in slides] == [
        (0.0, 1.0),
        (1.0, 7.0),
        (7.0, 9.0),
        (9.0, 10.0),
    ]
    assert [x["text"] for x in slides[2]["sentences"]] == ["s3"]


def test_build_states_change_the_picture_when_the_voice_reaches_them():
    # slide 2 builds: three states, from its start, at sentence s1 (offset 4), and inside s2
    doc = per_frame(_doc(), [1, 2, 2, 2, 3], page=[1, 2, 2, 2, 3], at=[0, 0, 4, 9, 0])
    assert [len(s["frames"]) for s in doc["slides"]] == [1, 3, 1]
    spans = plan(doc, intro=2.0)
    shown = spans[2].states  # the intro card first, then slide 1
    assert [i for _, i in shown] == [1, 2, 3]
    # at the start of the slide, at s1's start, and a third of the way into s2 ("s2." is 3 chars)
    assert [round(t, 3) for t, _ in shown] == [3.0, 5.0, 7.5]

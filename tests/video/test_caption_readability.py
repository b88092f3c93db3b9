"""Readable captions: cues of at least MIN_SECONDS and at most MAX_CPS, made by joining,
splitting and lengthening cues, with nothing of the caption text lost or moved."""

from __future__ import annotations

import random

import pytest

from pipeline import captions
from pipeline.udemy import vtt as udemy_vtt
from pipeline.video import timeline

WORDS = "a an the loop list item value & <tag> --> comprehension generator x y_z 42".split()


def _doc(slides: list[list[tuple[str, float, float]]]) -> dict:
    """A narration.json-like document: slides of (caption, start, end) sentences."""
    out = []
    for n, sents in enumerate(slides, 1):
        lines = [{"text": t, "caption": t, "start": a, "end": b} for t, a, b in sents]
        out.append(
            {"index": n, "start": sents[0][1], "end": sents[-1][2] + 0.3, "sentences": lines}
        )
    return {"slides": out}


def _cues(doc: dict) -> tuple[list[captions.Cue], list[timeline.Span], float]:
    spans = timeline.plan(doc)
    duration = timeline.expected_duration(spans)
    return captions.cues_for(spans, duration), spans, duration


def _bad(cues: list[captions.Cue]) -> list[captions.Cue]:
    return [c for c in cues if captions.too_short(c) or captions.too_fast(c)]


def test_a_short_cue_joins_its_neighbour():
    doc = _doc([[("Yes.", 0.0, 0.3), ("That is the whole idea.", 0.3, 2.0)]])
    cues, _, _ = _cues(doc)
    assert [c.lines for c in cues] == [["Yes. That is the whole idea."]]
    assert (cues[0].start, cues[0].end) == (0.0, 2.0) and not _bad(cues)


def test_a_fast_cue_borrows_the_pause_after_it():
    fast = "This sentence is read far too fast."  # 35 characters in 1.167 s: 30 cps
    doc = _doc([[(fast, 0.0, 1.167), ("Then a pause.", 1.8, 3.0)]])
    cues, _, _ = _cues(doc)
    assert cues[0].lines == [fast] and cues[0].end == 1.75  # 20 cps, before 1.8
    assert not _bad(cues)


def test_a_fast_cue_keeps_its_best_when_nothing_helps():
    fast = "A long sentence spoken much too quickly to read along with."  # 59 characters
    doc = _doc([[(fast, 0.0, 1.0)], [(fast, 1.3, 2.3)]])  # one per slide: never joined
    cues, _, _ = _cues(doc)
    assert len(cues) == 2 and all(captions.too_fast(c) for c in cues)
    assert cues[0].end == 1.0 + 0.3  # it took the whole pause to the slide's end


def test_joins_stay_inside_their_slide():
    doc = _doc([[("One.", 0.0, 0.3)], [("Two.", 0.6, 0.9)]])
    cues, _, _ = _cues(doc)
    assert [c.lines for c in cues] == [["One."], ["Two."]]


def test_a_long_sentence_splits_evenly_with_no_short_tail():
    text = (
        "By the end of this lecture you will recognize the accumulator pattern, understand "
        "what a list comprehension says, and be able to convert a simple loop into one."
    )
    cues, _, _ = _cues(_doc([[(text, 0.0, 8.1)]]))
    sizes = [captions.chars(c.lines) for c in cues]
    # five wrapped lines: three cues of about 53 characters, not 2 + 2 + "into one."
    assert len(cues) == 3 and max(sizes) - min(sizes) < 20 and not _bad(cues)
    assert " ".join(" ".join(c.lines) for c in cues) == text
    share = cues[0].end / 8.1  # time in proportion to characters
    assert share == pytest.approx(sizes[0] / sum(sizes), abs=1e-3)


def test_characters_per_second_do_not_count_line_breaks():
    cue = captions.Cue(0.0, 1.0, ["twenty one characters", "x"])
    assert captions.chars(cue.lines) == 22 and captions.cps(cue) == 22.0
    assert captions.too_fast(cue) and not captions.too_short(cue)
    assert captions.too_short(captions.Cue(0.0, 0.799, ["x"]))


def _random_doc(rng: random.Random) -> dict:
    """Slides of random sentences: lengths, speeds and pauses as a fast or slow voice."""
    slides, t = [], 0.0
    for _ in range(rng.randint(1, 4)):
        sents = []
        for _ in range(rng.randint(1, 6)):
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 30)))
            length = round(rng.uniform(0.1, 6.0), 3)
            sents.append((text, round(t, 3), round(t + length, 3)))
            t += length + rng.choice([0.0, 0.05, 0.35, 0.8])
        slides.append(sents)
        t += 0.3
    return _doc(slides)


def _owners(doc: dict, spans) -> list[tuple[float, float]]:
    """Per caption word: the video time its sentence starts and the latest its cue may end
    (the next sentence's start, or its slide's end)."""
    out = []
    for span in spans:
        said = span.sentences
        for k, s in enumerate(said):
            room = said[k + 1]["start"] + span.shift if k + 1 < len(said) else span.end
            out += [(s["start"] + span.shift, room)] * len(s["caption"].split())
    return out


@pytest.mark.parametrize("seed", range(60))
def test_random_timings_keep_every_guarantee(seed):
    doc = _random_doc(random.Random(seed))
    cues, spans, duration = _cues(doc)
    assert captions.problems(cues, duration) == []  # ordered, no overlap, 2 x 42
    words = [w for s in doc["slides"] for x in s["sentences"] for w in x["caption"].split()]
    assert " ".join(" ".join(c.lines) for c in cues).split() == words  # nothing lost
    owners, at = _owners(doc, spans), 0
    for c in cues:  # within its sentences' audio and the pause after them
        n = len(" ".join(c.lines).split())
        assert c.start >= owners[at][0] - 1e-3 and c.end <= owners[at + n - 1][1] + 1e-3
        at += n
    for a, b in zip(cues, cues[1:], strict=False):  # no short cue could join a neighbour
        same = any(s.start <= a.start and b.end <= s.end + 1e-3 for s in spans)
        joined = captions.wrap(" ".join(a.lines + b.lines))
        if same and len(joined) == 1:
            assert not captions.too_short(a) and not captions.too_short(b)


@pytest.mark.parametrize("seed", range(10))
def test_random_captions_are_the_webvtt_udemy_takes(seed, tmp_path):
    cues, _, duration = _cues(_random_doc(random.Random(seed)))
    text = captions.to_vtt(cues)
    path = tmp_path / "lecture.vtt"
    path.write_text(text, encoding="utf-8")
    assert udemy_vtt.problems(path, duration) == []
    read = captions.parse_vtt(text)  # '&', '<' and '-->' escaped, read back as written

    def seen(cs):
        return [(round(c.start, 3), round(c.end, 3), c.lines) for c in cs]

    assert seen(read) == seen(cues)
    assert captions.problems(read, duration) == []

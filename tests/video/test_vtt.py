"""One WebVTT reader, two checks: Lectern's own cue rules and Udemy's upload rules."""

from __future__ import annotations

import subprocess

import pytest

from pipeline import tools
from pipeline.captions import Cue, parse_vtt, problems, read_vtt, to_srt, to_vtt
from pipeline.errors import InputError
from pipeline.udemy import vtt

# What other tools write and players accept: a BOM, a header title and metadata, a NOTE,
# cue identifiers and cue settings.
FOREIGN = (
    "\ufeffWEBVTT - Lecture 1\nKind: captions\n\nNOTE made by hand\n\n"
    "intro\n00:00.000 --> 00:01.500 align:start\nHello,\nand welcome.\n\n"
    "00:00:01.500 --> 00:00:03.000\nLet us begin.\n"
)


def _udemy(tmp_path, text: str, duration: float = 3.0) -> list[str]:
    path = tmp_path / "lecture.vtt"
    path.write_text(text, encoding="utf-8")
    return vtt.problems(path, duration)


def test_both_checks_read_the_same_cues(tmp_path):
    cues = read_vtt(FOREIGN).cues
    assert [(c.start, c.end, c.lines, c.line) for c in cues] == [
        (0.0, 1.5, ["Hello,", "and welcome."], 7),
        (1.5, 3.0, ["Let us begin."], 11),
    ]
    assert parse_vtt(FOREIGN, "lecture.vtt") == cues
    assert problems(cues, 3.0) == [] and _udemy(tmp_path, FOREIGN) == []


def test_errors_name_their_lines_and_only_lectern_refuses_stray_text(tmp_path):
    text = (
        "WEBVTT\n\n00:00:01,000 --> 00:00:02.000\nA comma.\n\n"
        "00:00:02.000 --> 00:00:03.000\nFine.\n\nstray text\n"
    )
    with pytest.raises(InputError) as e:
        parse_vtt(text, "lecture.vtt")
    assert e.value.message == (
        "lecture.vtt:3: bad cue timing '00:00:01,000 --> 00:00:02.000' (use 00:00:01.000 "
        "--> 00:00:02.500)\nlecture.vtt:9: cue 'stray text' has no 'start --> end' line"
    )
    assert _udemy(tmp_path, text) == [  # players skip text without a timing line
        "lecture.vtt:3: bad cue timing '00:00:01,000 --> 00:00:02.000' (use 00:00:01.000 "
        "--> 00:00:02.500)"
    ]


def test_lecterns_cue_shape_is_stricter_than_udemys(tmp_path):
    text = (
        "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n" + "x" * 50 + "\n\n"
        "00:00:01.000 --> 00:00:03.000\none\ntwo\nthree\n"
    )
    found = " | ".join(problems(read_vtt(text).cues, 3.0))
    assert "cue 1 needs 1-2 lines of at most 42" in found and "cue 2 starts before" in found
    assert _udemy(tmp_path, text) == []  # overlapping, long cues: Udemy takes them


def test_cue_text_webvtt_forbids_is_escaped_and_ffmpeg_reads_it_back(tmp_path):
    line = "x = a --> b & <tag>"  # a caption of code: an arrow, an ampersand, a tag
    cues = [Cue(0.0, 1.5, [line]), Cue(1.5, 3.0, ["fine"])]
    text = to_vtt(cues)
    assert "x = a --&gt; b &amp; &lt;tag&gt;" in text
    doc = read_vtt(text)
    assert (
        doc.errors == [] and doc.stray == [] and [c.lines for c in doc.cues] == [[line], ["fine"]]
    )
    assert _udemy(tmp_path, text) == []
    path = tmp_path / "code.vtt"
    path.write_text(text, encoding="utf-8")
    srt = subprocess.run(
        [tools.ffmpeg(), "-v", "error", "-i", str(path), "-f", "srt", "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    blocks = [b.split("\n") for b in srt.strip().split("\n\n")]
    assert [b[2:] for b in blocks] == [[line], ["fine"]]  # two cues, the text as written
    ours = to_srt(cues)
    assert ours.count("-->") == 2 and "x = a → b & <tag>" in ours

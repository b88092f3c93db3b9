"""The render stage on short synthetic lectures: format, sync, captions, incremental work."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from pipeline.captions import MAX_CHARS, parse_vtt, problems
from pipeline.checks.video import _heard, check
from pipeline.course import Course
from pipeline.stages import video
from pipeline.video import probe
from tests.conftest import make_project, run_cli
from tests.video import synth

# Sentence lengths chosen so slide spans are not whole frames (rounding must carry).
SLIDES = [[1.013, 0.52], [0.871], [0.64, 0.333]]
LONG = (
    "This caption is deliberately long so that it cannot fit on two lines of forty-two "
    "characters and has to be split into several cues by the caption writer."
)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """A 3-slide lecture rendered once through the CLI, as `make video` does."""
    root = make_project(tmp_path_factory.mktemp("render") / "proj")
    synth.write_frames(root, 3)
    doc = synth.write_narration(root, SLIDES)
    doc["slides"][1]["sentences"][0]["caption"] = LONG
    path = root / "output/example/audio" / synth.LECTURE / "narration.json"
    path.write_text(json.dumps(doc))
    proc = run_cli(root, "video", "example", "--lecture", synth.LECTURE)
    assert proc.returncode == 0, proc.stderr
    return root, doc, root / "output/example/video" / f"{synth.LECTURE}.mp4"


def test_stream_format_is_what_udemy_and_players_expect(rendered):
    _, doc, mp4 = rendered
    meta = probe.info(mp4)
    assert (meta.video["codec"], meta.video["profile"], meta.video["pix_fmt"]) == (
        "h264",
        "High",
        "yuv420p",
    )
    assert (meta.video["width"], meta.video["height"], meta.video["fps"]) == (1920, 1080, 30)
    assert (
        meta.audio["codec"],
        meta.audio["profile"],
        meta.audio["rate"],
        meta.audio["layout"],
    ) == ("aac", "LC", 48000, "stereo")
    packets = probe.packets(mp4)
    assert len(packets) == round(doc["duration"] * 30)  # constant 30 fps, nothing dropped
    assert all(abs(p.duration - 1 / 30) < 1e-6 for p in packets)
    assert probe.box_order(mp4).index("moov") < probe.box_order(mp4).index("mdat")


def test_each_slide_changes_picture_exactly_at_its_narration_start(rendered):
    _, doc, mp4 = rendered
    starts = [s["start"] for s in doc["slides"][1:]]
    changes = synth.picture_changes(mp4)
    assert len(changes) == len(starts)
    for got, want in zip(changes, starts, strict=True):
        assert abs(got - want) <= 0.5 / 30 + 1e-6  # on the frame nearest the boundary
    keys = [p.pts for p in probe.packets(mp4) if p.key]
    assert max(b - a for a, b in zip(keys, keys[1:], strict=False)) <= 2.0 + 1e-6


def test_conformance_check_passes_and_cli_reports_it(rendered):
    root, _, mp4 = rendered
    rows = check(mp4, mp4.parents[1] / "audio" / synth.LECTURE / "narration.json")
    assert {r for r, _, _ in rows} >= {"a/v sync", "duration", "both channels", "slide starts"}
    assert all(ok for _, ok, _ in rows), rows
    proc = run_cli(root, "check-video", str(mp4))
    assert proc.returncode == 0 and "FAIL" not in proc.stdout and "PASS  a/v sync" in proc.stdout


def test_check_video_fails_on_a_video_out_of_sync(rendered, tmp_path):
    root, _, mp4 = rendered
    shifted = root / "output/example/video/shifted.mp4"
    (root / "output/example/audio/shifted").symlink_to(
        root / "output/example/audio" / synth.LECTURE
    )
    from pipeline.tools import ffmpeg, run

    for shift, says in (("0.1", "+100 ms"), ("0.4", "match 0.")):  # found / beyond the search
        run(
            [
                ffmpeg(),
                "-y",
                "-loglevel",
                "error",
                "-i",
                str(mp4),
                "-itsoffset",
                shift,
                "-i",
                str(mp4),
                "-map",
                "0:v",
                "-map",
                "1:a",
                "-c",
                "copy",
                str(shifted),
            ],
            "shift",
        )
        proc = run_cli(root, "check-video", str(shifted))
        assert proc.returncode == 1
        assert "FAIL  a/v sync" in proc.stderr and says in proc.stderr, proc.stderr
        assert "FAIL  a/v length" in proc.stderr


def test_captions_are_valid_webvtt_inside_the_video(rendered):
    _, doc, mp4 = rendered
    vtt = mp4.with_suffix(".vtt").read_text(encoding="utf-8")
    cues = parse_vtt(vtt, "lecture.vtt")
    assert vtt.startswith("WEBVTT\n\n")
    assert problems(cues, doc["duration"]) == []
    assert all(len(c.lines) <= 2 and all(len(x) <= MAX_CHARS for x in c.lines) for c in cues)
    second = (doc["slides"][1]["start"], doc["slides"][2]["start"])
    long_cues = [c for c in cues if second[0] <= c.start < second[1]]
    assert len(long_cues) > 1  # the long sentence was split into several cues
    assert " ".join(" ".join(c.lines) for c in long_cues) == LONG
    srt = mp4.with_suffix(".srt").read_text(encoding="utf-8")
    assert srt.count(" --> ") == len(cues) and srt.startswith("1\n00:00:00,000 --> ")


def test_vtt_parser_rejects_what_players_reject():
    from pipeline.errors import InputError

    with pytest.raises(InputError, match="WEBVTT"):
        parse_vtt("00:00:00.000 --> 00:00:01.000\nhi\n")
    bad = parse_vtt(
        "WEBVTT\n\n00:00:02.000 --> 00:00:01.000\nhi\n\n"
        "00:00:00.500 --> 00:00:09.000\n" + "x" * 43 + "\n"
    )
    found = " | ".join(problems(bad, 5.0))
    assert "does not end after it starts" in found and "before the previous" in found
    assert "after the video" in found and "at most 42" in found


def test_one_slide_edit_reencodes_only_that_slide(project):
    synth.write_frames(project, 3)
    synth.write_narration(project, SLIDES)
    course = Course.load("example")
    first = video.render_lecture(course, synth.LECTURE)
    assert (first.video_encoded, first.audio_encoded) == (3, 3)
    cache = project / "output/example/video/.segments"
    before = set(cache.iterdir())

    synth.frame(project / "output/example/frames" / synth.LECTURE / "slide-002.png", 7)
    second = video.render_lecture(course, synth.LECTURE)
    assert (second.video_encoded, second.video_reused, second.audio_encoded) == (1, 2, 0)
    assert len(set(cache.iterdir()) - before) == 1  # one new segment file, nothing else

    synth.write_narration(project, [SLIDES[0], [1.4], SLIDES[2]])  # slide 2 says more
    third = video.render_lecture(course, synth.LECTURE)
    assert (third.video_encoded, third.audio_encoded, third.audio_reused) == (0, 1, 2)
    mp4 = video.target(course, synth.LECTURE)
    assert all(
        ok for _, ok, _ in check(mp4, mp4.parents[1] / "audio" / synth.LECTURE / "narration.json")
    )


def test_untouched_lectures_are_not_touched(project):
    other = "01-02-list-comprehension-syntax"
    for lec in (synth.LECTURE, other):
        synth.write_frames(project, 2, lecture=lec)
        synth.write_narration(project, [[0.6], [0.5]], lecture=lec)
    course = Course.load("example")
    assert set(video.run(course, [synth.LECTURE, other])) == {synth.LECTURE, other}
    assert video.run(course, [synth.LECTURE, other]) == {}  # nothing changed: no work
    synth.write_narration(project, [[0.6], [0.7]], lecture=other)
    mtime = video.target(course, synth.LECTURE).stat().st_mtime_ns
    assert set(video.run(course, [synth.LECTURE, other])) == {other}
    assert video.target(course, synth.LECTURE).stat().st_mtime_ns >= mtime


def test_whole_file_decodes_without_a_single_error(rendered):
    from pipeline.tools import ffmpeg

    _, _, mp4 = rendered
    proc = subprocess.run(
        [ffmpeg(), "-v", "error", "-i", str(mp4), "-f", "null", "-"], capture_output=True, text=True
    )
    assert proc.returncode == 0 and proc.stderr == ""
    data = mp4.read_bytes()
    avcc = data.find(b"avcC")
    assert avcc > 0 and data[avcc + 9] & 0x1F == 1  # one SPS (and its PPS) in the avcC box


def test_segments_no_video_uses_are_pruned_after_a_render(project):
    synth.write_frames(project, 3)
    synth.write_narration(project, SLIDES)
    cache = project / "output/example/video/.segments"
    video.run(Course.load("example"), [synth.LECTURE])
    parts = {p.name for p in cache.glob("[av]-*")}
    assert len(parts) == 6  # 3 pictures, 3 audio chunks
    synth.frame(project / "output/example/frames" / synth.LECTURE / "slide-002.png", 7)
    video.run(Course.load("example"), [synth.LECTURE])
    now = {p.name for p in cache.glob("[av]-*")}
    assert len(now) == 6 and len(parts - now) == 1  # the old slide-2 picture is gone
    used = (cache / f"used-{synth.LECTURE}.txt").read_text().split()
    assert set(used) == now


def test_sound_decoded_near_slide_starts_is_what_a_whole_decode_gives(rendered):
    _, _, mp4 = rendered
    whole = probe.audio16(mp4, 48000, 2)
    tail = len(whole) / 48000 - 0.5  # as the check does: the tail tells the length
    pcm, sound, meta = probe.audio_packets(mp4, [(0.5, 1.2), (2.0, 2.6), (tail, 1e9)])
    heard = _heard(mp4, sound, pcm)
    assert meta.audio["codec"] == "aac" and meta.video["codec"] == "h264"
    assert len(heard.parts) == 3 and len(heard) == len(whole)
    for start, part in zip(heard.starts, heard.parts, strict=True):
        assert np.array_equal(part, whole[start : start + len(part)])  # bit for bit
    assert sum(len(p) for p in heard.parts) < len(whole) / 2  # the rest never decoded
    # a slice across a gap: the decoded stretches in place, silence between
    a, b = heard.starts[0] + 100, heard.starts[1] + 100
    got = heard[a:b]
    inside = len(heard.parts[0]) - 100
    assert np.array_equal(got[:inside], whole[a : a + inside]) and not got[inside:-100].any()


def test_the_two_reads_of_a_check_run_on_different_cores(monkeypatch):
    from pipeline import tools

    monkeypatch.setattr(tools.os, "sched_getaffinity", lambda _pid: {0, 1})
    cores = {tools.on_core(["ffmpeg"], n)[2] for n in (0, 1)}
    assert cores == {"0", "1"}
    monkeypatch.setattr(tools.os, "sched_getaffinity", lambda _pid: {3})
    assert tools.on_core(["ffmpeg"], 0) == ["ffmpeg"]  # one core: nothing to choose


def test_a_render_hashes_each_frame_and_each_chunk_of_narration_once(project, monkeypatch):
    """The stage's key and its pictures and chunks need the same hashes: one run computes
    each once (bench/render.py measures what that saves on a long lecture)."""
    from pipeline import fsutil
    from pipeline.video import audio

    synth.write_frames(project, 3)
    synth.write_narration(project, SLIDES)
    hashed, keyed = Counter(), []
    real_hash, real_key = fsutil.sha256_file, audio.key_of

    def counted_hash(path):
        hashed[Path(path).name] += 1
        return real_hash(path)

    def counted_key(samples):
        keyed.append(len(samples))
        return real_key(samples)

    monkeypatch.setattr(fsutil, "sha256_file", counted_hash)
    monkeypatch.setattr(audio, "key_of", counted_key)
    assert set(video.run(Course.load("example"), [synth.LECTURE])) == {synth.LECTURE}
    frames = {name: n for name, n in hashed.items() if name.startswith("slide-")}
    assert frames == {"slide-001.png": 1, "slide-002.png": 1, "slide-003.png": 1}
    assert len(keyed) == len(SLIDES)  # the samples of each slide's span, once

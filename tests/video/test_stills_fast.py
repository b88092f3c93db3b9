"""The stills shortcut (keyframes, and one decoded GOP per group of equal P-frames) gives
the same frames as decoding every frame, and really decodes few on Lectern's videos."""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path

import pytest

from pipeline.tools import ffmpeg
from pipeline.video import annexb, mp4, probe, segments, stills
from pipeline.video.timeline import FPS
from tests.video import synth

UNIT = 15  # frames per segment: many GOPs in a few seconds
ENC = segments.Encoding(1920, 1080, unit=UNIT)


@pytest.fixture(scope="module")
def parts(tmp_path_factory):
    """Four slides as template segments (one IDR each) and a fade as a segment of its own."""
    work = tmp_path_factory.mktemp("stills-fast")
    template = segments.load_template(work / "cache", ENC, work)
    assert template, "the all-skip template did not verify"
    out = {}
    for n in range(1, 5):
        png, seg = work / f"slide-{n}.png", work / f"slide-{n}.h264"
        synth.frame(png, n)
        assert segments.encode_picture(png, seg, ENC, template)  # one IDR, template P-frames
        out[n] = _units(seg)
    out["fade"] = _units(_fading(work / "slide-1.png", work / "fade.h264"))
    assert out["fade"][0].params() == template[0].params()  # it joins the others
    return work, template, out


@pytest.fixture(scope="module")
def lectern(parts):
    """Slides of 40, 20, 1, 31 and 15 frames, built as the renderer builds a lecture:
    whole and cut-short segments, a one-frame GOP, two IDR frames in a row."""
    work, template, seg = parts
    pieces = [(seg[1], 40), (seg[2], 20), (seg[3], 1), (seg[1], 31), (seg[4], 15)]
    return _lecture(work / "lectern.mp4", pieces, template)


@pytest.fixture(scope="module")
def fading(parts):
    """Still slides around a picture fading in twice (once cut short): P-frames that
    change the picture, in a group of GOPs of their own."""
    work, template, seg = parts
    pieces = [(seg[1], 31), (seg["fade"], 15), (seg[2], 45), (seg["fade"], 20)]
    pieces += [(seg[3], 1), (seg[4], 15)]
    return _lecture(work / "fading.mp4", pieces, template)


@pytest.fixture
def decoded(monkeypatch):
    """The frame counts the full decodes were asked for (None: a whole video)."""
    calls: list[int | None] = []
    real = stills._decode

    def counting(path, part, start, count):
        calls.append(count)
        return real(path, part, start, count)

    monkeypatch.setattr(stills, "_decode", counting)
    return calls


def test_a_lectern_video_measures_the_same_from_one_decoded_gop(lectern, decoded):
    fast = stills._frames(lectern)
    assert decoded == [UNIT]  # the longest GOP, behind one keyframe: nothing else
    decoded.clear()
    assert fast == stills._frames(lectern, full=True)
    assert decoded == [None]  # the whole video, in one part (it is short)
    runs = stills.still_runs(lectern)
    assert runs == stills.still_runs(lectern, full=True)
    assert runs == pytest.approx([n / FPS for n in (40, 20, 1, 31, 15)], abs=1e-9)


def test_gops_that_change_inside_are_decoded_and_only_they(fading, decoded):
    fast = stills._frames(fading)
    # one still GOP, the first whole fade, then the other fade GOPs (adjacent: one part)
    assert sorted(decoded) == [UNIT, UNIT, 20]
    assert fast == stills._frames(fading, full=True)
    runs = stills.still_runs(fading)
    assert runs == stills.still_runs(fading, full=True)
    assert len(runs) > 2 * UNIT  # each fading frame is a picture of its own


def test_the_shortcut_keeps_the_summary(lectern):
    assert stills.summary(stills.still_runs(lectern)) == stills.summary(
        stills.still_runs(lectern, full=True)
    )


@pytest.mark.parametrize("kind", ["slides", "moving", "bframes"])
def test_other_encoders_measure_the_same(tmp_path, kind):
    """libx264 as ffmpeg runs it: slides changing inside a GOP (lossless, no B-frames),
    a moving picture (every GOP its own P-frames), and B-frames (packets reordered)."""
    video = _other(tmp_path, kind)
    assert stills._frames(video) == stills._frames(video, full=True)
    assert stills.still_runs(video) == stills.still_runs(video, full=True)
    packets = stills._listing(video)
    if kind == "bframes":
        assert stills._gops(packets) == []  # reordered: no shortcut
    if kind == "moving":
        assert stills._groups(packets, stills._gops(packets)) is None  # too many groups


def test_frames_an_edit_list_hides_refuse_the_shortcut(tmp_path):
    """A stream copy cut inside a GOP keeps that GOP's first packets, flagged discard."""
    cut = tmp_path / "cut.mp4"
    cmd = [ffmpeg(), "-v", "error", "-y", "-ss", "0.3", "-i", str(_other(tmp_path, "slides"))]
    subprocess.run([*cmd, "-c", "copy", str(cut)], check=True, capture_output=True)
    assert stills._listing(cut) == []
    assert stills._frames(cut) == stills._frames(cut, full=True)


def test_keyframes_are_decoded_by_number_each_distinct_one_once(lectern):
    packets = stills._listing(lectern)
    gops = stills._gops(packets)
    # four slides, and slide 1 again right after a one-frame GOP: a new idr_pic_id
    assert len(stills._distinct_keys(packets, gops)) == 5 < len(gops) == 10
    picked = [i for i, p in enumerate(packets) if p.key][1::2]
    frames, tb = stills._parse(stills._decode_keys(lectern, picked))
    ticks = stills._ticks(packets, tb)
    assert ticks is not None and [f[:2] for f in frames] == [ticks[i] for i in picked]


def test_too_many_distinct_keyframes_to_pick_are_all_decoded(lectern, monkeypatch):
    monkeypatch.setattr(stills, "PICKED", 2)
    packets = stills._listing(lectern)
    gops = stills._gops(packets)
    assert stills._distinct_keys(packets, gops) == [g.start for g in gops]
    assert stills._frames(lectern) == stills._frames(lectern, full=True)


def test_the_listing_is_probes_packets_in_decode_order_with_md5s(lectern):
    listed = stills._listing(lectern)
    probed = probe.packets(lectern)
    assert [(p.pts, p.key, p.size) for p in listed] == [(p.pts, p.key, p.size) for p in probed]
    assert all(len(p.crc) == 32 for p in listed)


def test_p_frames_that_begin_a_longer_gops_join_its_group():
    def packet(crc: str, key: bool = False) -> probe.Packet:
        return probe.Packet(0.0, 1 / 30, key, 70, crc)

    gops = [["K1", "a", "b", "c"], ["K2", "a"], ["K3"], ["K4", "x", "y"], ["K5", "a", "b"]]
    packets = [packet(c, key=c.startswith("K")) for g in gops for c in g]
    found = stills._gops(_timed(packets))
    assert [len(g) for g in found] == [4, 2, 1, 3, 3]
    groups = stills._groups(packets, found * 2)  # ten GOPs: two groups are few enough
    assert groups == {
        0: [0, 1, 2, 4, 5, 6, 7, 9],  # a b c, and its beginnings a, (nothing) and a b
        3: [3, 8],
    }
    assert stills._groups(packets, found) is None  # two groups in five GOPs: too many


def test_times_that_are_not_whole_ticks_refuse_the_shortcut():
    packets = [probe.Packet(t, 1 / 30, t == 0, 70, "x") for t in (0.0, 1 / 30, 0.05)]
    assert stills._ticks(packets, Fraction(1, 30)) is None
    assert stills._ticks(packets[:2], Fraction(1, 30)) == [(0, 1), (1, 1)]
    untimed = probe.Packet(0.0, 0.0, True, 70, "x")  # ffmpeg would give it a duration
    assert stills._ticks([untimed], Fraction(1, 30)) is None


def _timed(packets: list[probe.Packet]) -> list[probe.Packet]:
    """The packets one frame apart, in order."""
    return [probe.Packet(n / 30, p.duration, p.key, p.size, p.crc) for n, p in enumerate(packets)]


def _units(path: Path) -> list[annexb.AccessUnit]:
    return annexb.access_units(path.read_bytes())


def _lecture(out: Path, pieces: list, template: list) -> Path:
    """A video-only MP4 of those (segment, frames) pieces, as the renderer joins them."""
    frames = segments.frames_for(pieces, UNIT, template)
    mp4.write(out, [mp4.h264_track(frames, (ENC.width, ENC.height), FPS)], {})
    return out


def _fading(png: Path, out: Path) -> Path:
    """A segment of the picture fading in from black, encoded as segments.encode encodes."""
    vf = (
        f"scale={ENC.width}:{ENC.height}:out_color_matrix=bt709:out_range=tv,"
        f"format=yuv420p,setsar=1,{segments.COLOUR},"
        f"tpad=stop_mode=clone:stop={UNIT - 1},fade=t=in:st=0:d={UNIT / FPS}"
    )
    cmd = [ffmpeg(), "-v", "error", "-y", "-framerate", str(FPS), "-i", str(png), "-vf", vf]
    cmd += ["-frames:v", str(UNIT), "-threads", "1", *ENC.args(), "-f", "h264", str(out)]
    subprocess.run(cmd, check=True, capture_output=True)
    return out


def _other(work: Path, kind: str) -> Path:
    """A video encoded by ffmpeg's libx264 with a keyframe every 15 frames."""
    out = work / f"{kind}.mp4"
    cmd = [ffmpeg(), "-v", "error", "-y"]
    if kind == "slides":  # 0.7 s, 1.3 s, 0.4 s: changes fall inside GOPs
        chains = []
        for n, frames in enumerate([21, 39, 12]):
            synth.frame(work / f"s{n}.png", n + 1)
            cmd += ["-framerate", "30", "-i", str(work / f"s{n}.png")]
            chains.append(f"[{n}:v]format=yuv420p,loop=loop={frames - 1}:size=1[p{n}]")
        graph = ";".join([*chains, "[p0][p1][p2]concat=n=3:v=1:a=0"])
        cmd += ["-filter_complex", graph, "-qp", "0", "-bf", "0", "-tune", "stillimage"]
    else:
        cmd += ["-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=2"]
        cmd += ["-bf", "2" if kind == "bframes" else "0"]
    cmd += ["-c:v", "libx264", "-preset", "ultrafast", "-g", "15", "-pix_fmt", "yuv420p"]
    subprocess.run([*cmd, str(out)], check=True, capture_output=True)
    return out


def test_the_conformance_check_finds_every_lectern_gop_still_and_a_fade_not(lectern, fading):
    """`still_segments` (the video check's rule) decodes one GOP per group at full size."""
    gops = len(stills._gops(stills._listing(lectern)))
    assert stills.still_segments(lectern) == (gops, gops)
    total, still = stills.still_segments(fading)
    assert total - still == 3  # the fade's three GOPs (one cut short) change the picture

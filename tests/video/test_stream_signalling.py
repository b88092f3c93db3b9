"""What strict tools (MP4Box, MediaInfo, OpenH264) read in a lecture: IDR ids, colour,
creation times and the AAC priming, checked on a rendered file with parsers of our own."""

from __future__ import annotations

import re
import subprocess
import time
import wave
from datetime import UTC, datetime

import pytest
from PIL import Image

from pipeline.checks.video import _colour_rule, _idr_rule, check
from pipeline.tools import ffmpeg
from pipeline.video import annexb, mp4, probe, segments
from tests.conftest import make_project, run_cli
from tests.video import synth

# slide 1 is 1.5333 + 0.5 s = 61 frames: a 60-frame segment, then a one-frame tail whose
# IDR frame is followed by slide 2's
SLIDES = [[1.5333], [0.6], [0.7]]
EPOCH = 1_700_000_000


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """A lecture with a one-frame tail, rendered through the CLI."""
    root = make_project(tmp_path_factory.mktemp("signal") / "proj")
    synth.write_frames(root, 3)
    synth.write_narration(root, SLIDES)
    proc = run_cli(root, "video", "example", "--lecture", synth.LECTURE)
    assert proc.returncode == 0, proc.stderr
    return root, root / "output/example/video" / f"{synth.LECTURE}.mp4", time.time()


# --- a small H.264 reader, independent of pipeline/video -----------------------------------


class _Bits:
    def __init__(self, nal: bytes):
        rbsp = re.sub(b"\x00\x00\x03", b"\x00\x00", nal[1:])  # emulation prevention off
        self.bits, self.pos = "".join(f"{b:08b}" for b in rbsp[:64]), 0

    def u(self, n: int) -> int:
        self.pos += n
        return int(self.bits[self.pos - n : self.pos] or "0", 2)

    def ue(self) -> int:
        zeros = self.bits.index("1", self.pos) - self.pos
        self.pos += zeros + 1
        return (1 << zeros) - 1 + self.u(zeros)


def _log2_max_frame_num(sps: bytes) -> int:
    b = _Bits(sps)
    profile = b.u(8)
    b.u(16), b.ue()
    if profile in (100, 110, 122, 244):
        assert b.ue() == 1 and b.ue() == 0 and b.ue() == 0  # 4:2:0, 8 bits
        b.u(1)
        assert b.u(1) == 0  # no scaling matrices
    return b.ue() + 4


def _idr_ids(path) -> list[int | None]:
    """Each access unit's idr_pic_id (None: not an IDR), from the MP4's video track."""
    cmd = [ffmpeg(), "-v", "error", "-i", str(path), "-map", "0:v", "-c", "copy"]
    cmd += ["-bsf:v", "h264_mp4toannexb", "-f", "h264", "-"]
    data = subprocess.run(cmd, capture_output=True, check=True).stdout
    nals = [n.rstrip(b"\x00") for n in re.split(b"\x00\x00\x01", data)]
    nals = [n for n in nals if n]
    bits = _log2_max_frame_num(next(n for n in nals if n[0] & 0x1F == 7))
    out = []
    for nal in nals:
        if nal[0] & 0x1F in (1, 5):
            b = _Bits(nal)
            b.ue(), b.ue(), b.ue(), b.u(bits)  # first_mb, slice_type, pps_id, frame_num
            out.append(b.ue() if nal[0] & 0x1F == 5 else None)
    return out


def _ffmpeg_says(path) -> str:
    return subprocess.run(
        [ffmpeg(), "-hide_banner", "-i", str(path)], capture_output=True, text=True
    ).stderr


# --- 1: idr_pic_id ---------------------------------------------------------------------------


def test_back_to_back_idr_frames_differ_in_idr_pic_id(rendered):
    _, path, _ = rendered
    ids = _idr_ids(path)
    pairs = [(a, b) for a, b in zip(ids, ids[1:], strict=False) if a is not None and b is not None]
    assert pairs, "the timeline should put two IDR frames side by side"
    assert all(a != b for a, b in pairs), ids
    cmd = [ffmpeg(), "-v", "error", "-i", str(path), "-f", "null", "-"]
    proc = subprocess.run(cmd, text=True, capture_output=True)
    assert proc.returncode == 0 and proc.stderr == ""


def test_renumbered_idr_frames_decode_to_the_same_pictures(tmp_path):
    segs = synth.colour_segments(tmp_path, segments.Encoding(320, 192, unit=10))
    # three IDR frames in a row, then a whole segment and a one-frame tail
    frames = segments.frames_for([(segs[0], 1), (segs[1], 1), (segs[0], 11)], 10, [])
    plain = segs[0][:1] + segs[1][:1] + segs[0][:10] + segs[0][:1]
    assert [au.key for au in frames] == [au.key for au in plain]
    out = tmp_path / "v.mp4"
    mp4.write(out, [mp4.h264_track(frames, (320, 192), 30)], {})
    ids = _idr_ids(out)
    assert ids[:3] == [0, 1, 0] and ids[12] == 0 and ids[3:12] == [None] * 9

    def md5s(au_list):
        cmd = [ffmpeg(), "-v", "error", "-f", "h264", "-i", "-", "-f", "framemd5", "-"]
        run = subprocess.run(cmd, input=annexb.join(au_list), capture_output=True, check=True)
        return [x.split(b",")[-1] for x in run.stdout.splitlines() if not x.startswith(b"#")]

    assert md5s(frames) == md5s(plain) and len(md5s(frames)) == 13
    before = tmp_path / "plain.mp4"  # what the joiner wrote before: the check says so
    mp4.write(before, [mp4.h264_track(plain, (320, 192), 30)], {})
    for video, ok in ((out, True), (before, False)):
        rule = _idr_rule(probe.packets(video), probe.keyframes_h264(video))
        assert rule[1] is ok and ("2 right after another" in rule[2]) is not ok, rule


# --- 2: colour -------------------------------------------------------------------------------


def test_colour_is_bt709_in_the_sps_and_the_sample_entry(rendered):
    root, path, _ = rendered
    line = next(x for x in _ffmpeg_says(path).splitlines() if ": Video: " in x)
    assert "yuv420p(tv, bt709, progressive)" in line, line  # primaries, transfer, matrix
    data = path.read_bytes()
    assert b"colr" + b"nclx" + bytes([0, 1, 0, 1, 0, 1, 0]) in data
    for cached in (root / "output/example/video/.segments").glob("t-*.h264"):
        assert "yuv420p(tv, bt709, progressive)" in _ffmpeg_says(cached)  # the template too


# --- 3: creation time -------------------------------------------------------------------------


def _creation(path) -> datetime:
    found = re.findall(r"creation_time\s*:\s*(\S+)", _ffmpeg_says(path))
    assert len(found) >= 2 and len(set(found)) == 1  # the movie and each track
    return datetime.fromisoformat(found[0].replace("Z", "+00:00"))


def test_creation_time_is_the_render_time(rendered):
    _, path, when = rendered
    assert abs(_creation(path).timestamp() - when) < 60


def test_creation_time_is_source_date_epoch_when_set(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    frames = annexb.access_units(b"".join(_segment(tmp_path)))
    mp4.write(tmp_path / "a.mp4", [mp4.h264_track(frames, (320, 192), 30)], {})
    mp4.write(tmp_path / "b.mp4", [mp4.h264_track(frames, (320, 192), 30)], {})
    assert _creation(tmp_path / "a.mp4") == datetime.fromtimestamp(EPOCH, UTC)
    assert (tmp_path / "a.mp4").read_bytes() == (tmp_path / "b.mp4").read_bytes()


def _segment(tmp_path) -> list[bytes]:
    png, seg = tmp_path / "p.png", tmp_path / "p.h264"
    Image.new("RGB", (320, 192), (90, 90, 20)).save(png)
    segments.encode(png, seg, segments.Encoding(320, 192, unit=5))
    return [seg.read_bytes()]


# --- 4: AAC priming ------------------------------------------------------------------------------


def _elst_media_times(data: bytes) -> list[int]:
    """media_time of each elst (version 0) in file order: video's, then audio's."""
    return [
        int.from_bytes(data[i + 16 : i + 20], "big", signed=True)
        for i in (m.start() for m in re.finditer(b"elst", data))
    ]


def test_audio_edit_list_skips_the_priming_and_sound_starts_at_zero(rendered):
    root, path, _ = rendered
    assert _elst_media_times(path.read_bytes()[:200_000]) == [0, 1024]
    info = _ffmpeg_says(path)
    assert "start: 0.000000" in info
    cmd = [ffmpeg(), "-v", "error", "-copyts", "-i", str(path), "-map", "0:a"]
    show = [*cmd[:1], "-v", "info", *cmd[3:], "-af", "ashowinfo", "-f", "null", "-"]
    out = subprocess.run(show, capture_output=True, text=True).stderr
    assert re.search(r"n:\s*0 pts:\s*(-?\d+)", out)[1] == "0"  # first sound at 0
    pcm = subprocess.run([*cmd, "-f", "s16le", "-ac", "1", "-"], capture_output=True).stdout
    wav = root / "output/example/audio" / synth.LECTURE / "narration.wav"
    with wave.open(str(wav)) as w:
        narration = w.getnframes()
    assert abs(len(pcm) // 2 - narration) <= 1024  # within one AAC frame
    rows = {rule: (ok, detail) for rule, ok, detail in check(path, wav.with_suffix(".json"))}
    assert all(ok for ok, _ in rows.values()), rows
    assert rows["a/v sync"][0] and rows["audio priming"][0]


def test_the_check_names_unspecified_colour():
    bad = _colour_rule(["tv", "bt709/unknown/unknown", "progressive"])
    assert not bad[1] and "bt709/unknown/unknown" in bad[2]
    assert _colour_rule(["tv", "bt709", "progressive"])[1]

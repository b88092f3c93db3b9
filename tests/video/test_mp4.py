"""The MP4 writer against ffmpeg's own muxer: the same packets, times and stream facts."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from pipeline.errors import LecternError
from pipeline.tools import ffmpeg
from pipeline.video import annexb, audio, mp4, probe, segments
from tests.video import synth

ENC = segments.Encoding(640, 360, unit=10)


@pytest.fixture(scope="module")
def streams(tmp_path_factory):
    """Two pictures' segments (25 frames) and 1.5 s of AAC, as the renderer holds them."""
    work = tmp_path_factory.mktemp("mp4")
    segs = synth.colour_segments(work, ENC)
    frames = segs[0] + segs[1] + segs[0][:5]  # the last picture cut short, as slides are
    t = np.arange(72000) / 48000
    aac = work / "a.aac"
    audio.encode((0.3 * np.sin(2 * np.pi * 330 * t) * 32767).astype("<i2"), aac)
    packets = audio.adts_packets(aac.read_bytes())
    return work, frames, packets


def _framecrc(path, stream: str) -> list[str]:
    cmd = [
        ffmpeg(),
        "-v",
        "error",
        "-i",
        str(path),
        "-map",
        f"0:{stream}",
        "-c",
        "copy",
        "-f",
        "framecrc",
        "-",
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if line and not line.startswith("#")]


def _ffmpeg_mux(work, frames, packets):
    """What the renderer did before it wrote MP4s itself."""
    (work / "v.h264").write_bytes(annexb.join(frames))
    (work / "a.adts").write_bytes(b"".join(packets))
    out = work / "ffmpeg.mp4"
    subprocess.run(
        [
            ffmpeg(),
            "-v",
            "error",
            "-y",
            "-f",
            "h264",
            "-framerate",
            "30",
            "-i",
            str(work / "v.h264"),
            "-f",
            "aac",
            "-i",
            str(work / "a.adts"),
            "-map",
            "0:v",
            "-map",
            "1:a",
            "-c",
            "copy",
            "-bsf:v",
            "filter_units=remove_types=6|7|8,setts=ts=N/(30*TB):duration=1/(30*TB)",
            # the encoder's priming packet before 0: ffmpeg then writes the edit list ours does
            "-bsf:a",
            "setts=ts=TS-1024/(48000*TB)",
            "-movflags",
            "+faststart",
            "-video_track_timescale",
            "15360",
            str(out),
        ],
        check=True,
    )
    return out


def _write(work, frames, packets, name="ours.mp4"):
    out = work / name
    mp4.write(
        out,
        [mp4.h264_track(frames, (640, 360), 30), mp4.aac_track(packets, 48000)],
        {"title": "Lecture one", "encoder": "Lectern", "comment": "lectern intro=0"},
    )
    return out


def test_same_packets_times_and_flags_as_ffmpegs_mux(streams):
    work, frames, packets = streams
    ours, theirs = _write(work, frames, packets), _ffmpeg_mux(work, frames, packets)
    for stream in ("v:0", "a:0"):
        assert _framecrc(ours, stream) == _framecrc(theirs, stream)
    assert len(_framecrc(ours, "v:0")) == len(frames) == 25
    assert len(_framecrc(ours, "a:0")) == len(packets)


def test_stream_facts_metadata_and_faststart(streams):
    work, frames, packets = streams
    path = _write(work, frames, packets)
    meta = probe.info(path)
    assert meta.video == {
        "codec": "h264",
        "profile": "High",
        "pix_fmt": "yuv420p",
        "width": 640,
        "height": 360,
        "fps": 30.0,
    }
    assert meta.audio == {"codec": "aac", "profile": "LC", "rate": 48000, "layout": "stereo"}
    assert meta.comment == "lectern intro=0"
    assert abs(meta.duration - max(25 / 30, (len(packets) - 1) * 1024 / 48000)) < 0.01
    assert [b for b in probe.box_order(path) if b in ("moov", "mdat")] == ["moov", "mdat"]


def test_decodes_whole_without_a_single_complaint(streams):
    work, frames, packets = streams
    path = _write(work, frames, packets)
    proc = subprocess.run(
        [ffmpeg(), "-v", "warning", "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0 and proc.stderr.strip() == ""
    # nothing trimmed at the end (an edit list rounded down would cut the last samples)
    sound = probe.audio16(path, 48000, 2)
    assert len(sound) == (len(packets) - 1) * 1024  # all but the priming the edit skips
    cmd = [ffmpeg(), "-v", "error", "-i", str(path), "-map", "0:v", "-f", "framemd5", "-"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    assert len([x for x in out.splitlines() if x and not x.startswith("#")]) == len(frames)


def test_files_past_4_gib_get_64_bit_offsets(streams, monkeypatch):
    work, frames, packets = streams
    monkeypatch.setattr(mp4, "LIMIT_32", 1000)  # as if the data were larger than 4 GiB
    path = _write(work, frames, packets, "large.mp4")
    data = path.read_bytes()
    assert b"co64" in data and b"stco" not in data
    assert _framecrc(path, "v:0") == _framecrc(_ffmpeg_mux(work, frames, packets), "v:0")


def test_frames_with_different_parameter_sets_are_refused(streams):
    _, frames, _ = streams
    other = annexb.AccessUnit((frames[0].nals[0] + b"\x01", *frames[0].nals[1:]))
    with pytest.raises(LecternError, match="different SPS/PPS"):
        mp4.h264_track([*frames, other], (640, 360), 30)

"""Annex-B cutting, the all-skip template path, and decoded-frame parity (small pictures)."""

from __future__ import annotations

import subprocess
from fractions import Fraction

import numpy as np
import pytest
from PIL import Image

from pipeline.checks.video import _both_channels
from pipeline.errors import LecternError
from pipeline.tools import ffmpeg
from pipeline.video import annexb, probe, segments

ENC = segments.Encoding(640, 360, unit=10)  # small and short: the rules do not depend on size


def _decode(stream: bytes, size=(640, 360)) -> np.ndarray:
    """Every frame of an Annex-B stream as RGB arrays; fails on any decoder complaint."""
    proc = subprocess.run(
        [
            ffmpeg(),
            "-v",
            "error",
            "-f",
            "h264",
            "-i",
            "-",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            "-",
        ],
        input=stream,
        capture_output=True,
    )
    assert proc.returncode == 0 and not proc.stderr, proc.stderr
    return np.frombuffer(proc.stdout, np.uint8).reshape(-1, size[1], size[0], 3)


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a.astype(float) - b.astype(float)) ** 2)
    return float("inf") if mse == 0 else 10 * np.log10(255**2 / mse)


@pytest.fixture(scope="module")
def busy(tmp_path_factory):
    """A detailed picture (edges, colour, text-like lines) and its pixels."""
    path = tmp_path_factory.mktemp("pics") / "busy.png"
    segments._busy_picture(640, 360).save(path)
    return path, np.asarray(Image.open(path).convert("RGB"))


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The verified template for ENC, made once."""
    work = tmp_path_factory.mktemp("tmpl")
    return segments.load_template(work, ENC, work)


def test_a_segment_cuts_into_one_access_unit_per_frame(busy, tmp_path):
    seg = tmp_path / "full.h264"
    segments.encode(busy[0], seg, ENC)
    data = seg.read_bytes()
    frames = annexb.access_units(data)
    assert len(frames) == ENC.unit
    assert [au.key for au in frames] == [True] + [False] * (ENC.unit - 1)
    assert [n[0] & 0x1F for n in frames[0].params()] == [annexb.SPS, annexb.PPS]
    assert all(not au.params() for au in frames[1:])  # headers only at the IDR
    # nothing lost: the NAL units of all frames are those of the stream, in order
    assert [n for au in frames for n in au.nals] == annexb.nal_units(data)
    with pytest.raises(LecternError, match="Annex-B"):
        annexb.access_units(b"\x12\x34" + data)


def test_join_keeps_headers_once_and_rejects_different_ones(busy, tmp_path):
    seg = tmp_path / "full.h264"
    segments.encode(busy[0], seg, ENC)
    frames = annexb.access_units(seg.read_bytes())
    joined = annexb.access_units(annexb.join(frames + frames))
    assert len(joined) == 2 * ENC.unit and [au.key for au in joined].count(True) == 2
    assert sum(1 for au in joined if au.params()) == 1
    other = annexb.AccessUnit((frames[0].nals[0] + b"\x01",) + frames[0].nals[1:])
    with pytest.raises(LecternError, match="different SPS/PPS"):
        annexb.join(frames + [other])


def test_template_is_all_skips_and_fits_any_picture(busy, template, tmp_path):
    assert len(template) == ENC.unit
    assert all(len(au.to_bytes()) <= segments.MAX_SKIP_BYTES for au in template[1:])
    seg = tmp_path / "idr.h264"
    segments.encode_picture(busy[0], seg, ENC, template)
    idr = annexb.access_units(seg.read_bytes())
    assert len(idr) == 1 and idr[0].key  # one IDR frame encoded, nothing else
    # 25 frames: two whole units and one cut short, each restarting on the IDR
    frames = segments.frames_for([(idr, 25)], ENC.unit, template)
    assert len(frames) == 25 and [i for i, au in enumerate(frames) if au.key] == [0, 10, 20]
    decoded = _decode(annexb.join(frames))
    assert len(decoded) == 25
    first = _psnr(decoded[0], busy[1])
    assert first > 25  # the IDR is the picture (RGB after 4:2:0 of thin coloured lines)
    assert all(_psnr(f, busy[1]) == first for f in decoded)  # every frame equals the IDR's


def test_idr_plus_template_looks_like_a_full_segment(busy, template, tmp_path):
    full, idr = tmp_path / "full.h264", tmp_path / "idr.h264"
    segments.encode(busy[0], full, ENC)
    segments.encode_picture(busy[0], idr, ENC, template)
    a = _decode(full.read_bytes())
    b = _decode(
        annexb.join(
            segments.frames_for(
                [(annexb.access_units(idr.read_bytes()), ENC.unit)], ENC.unit, template
            )
        )
    )
    assert len(a) == len(b) == ENC.unit
    assert abs(_psnr(a[0], busy[1]) - _psnr(b[0], busy[1])) < 0.5  # same quality


def test_picture_whose_headers_differ_gets_a_full_segment(busy, template, tmp_path):
    sps, pps = template[0].params()
    alien = [annexb.AccessUnit((sps + b"\x80", pps, template[0].nals[-1])), *template[1:]]
    seg = tmp_path / "own.h264"
    segments.encode_picture(busy[0], seg, ENC, alien)
    assert len(annexb.access_units(seg.read_bytes())) == ENC.unit
    segments.encode_picture(busy[0], seg, ENC, [])  # no usable template: full segment too
    assert len(annexb.access_units(seg.read_bytes())) == ENC.unit


def test_framecrc_parsed_with_floats_matches_exact_fractions():
    text = (
        "#tb 0: 1/15360\n#media_type 0: video\n"
        "0,          0,          0,      512,    34030, 0x1b2c3d4e\n"
        "0,    4607488,    4607488,      512,       72, 0x45680614, F=0x0\n"
        "0,    4608000,    4608000,      512,     9000, 0x12345678, F=0x1\n"
    )
    got = probe.parse_framecrc(text)
    for p, pts in zip(got, (0, 4607488, 4608000), strict=True):
        assert abs(p.pts - float(Fraction(pts, 15360))) < 1e-9
        assert abs(p.duration - 1 / 30) < 1e-12
    assert [p.key for p in got] == [True, False, True]
    assert [p.size for p in got] == [34030, 72, 9000]


def test_dual_mono_rule_still_sees_a_small_channel_difference():
    t = np.arange(48000) / 48000
    left = (0.5 * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2")
    same = np.stack([left, left], axis=1)
    assert _both_channels([same])[1]
    off = same.copy()
    off[1000:1100, 1] = (off[1000:1100, 1] * 0.9).astype("<i2")  # 2.3 ms, 10% quieter
    ok, detail = _both_channels([off])[1:]
    assert not ok and "difference 0.05" in detail

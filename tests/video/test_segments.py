"""The still-segment cache: real slides take the one-IDR path, and only finished segments
ever reach the cache."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from pipeline.course import Course
from pipeline.stages import video
from pipeline.video import annexb, segments
from tests.video import synth


def _segments(root: Path) -> list[list[annexb.AccessUnit]]:
    cache = root / "output" / "example" / "video" / ".segments"
    return [annexb.access_units(p.read_bytes()) for p in sorted(cache.glob("v-*.h264"))]


def test_slides_with_a_dpi_chunk_take_the_one_idr_path(project):
    out = synth.write_frames(project, 3)
    for png in sorted(out.glob("slide-*.png")):  # as pdftoppm writes them: with pHYs
        Image.open(png).save(png, dpi=(150, 150))
    synth.write_narration(project, [[1.2], [1.0], [1.4]])
    video.run(Course.load("example"), [synth.LECTURE])
    cached = _segments(project)
    assert len(cached) == 3
    assert [len(seg) for seg in cached] == [1, 1, 1]  # an IDR each, the template does the rest


def test_a_run_killed_mid_encode_leaves_no_segment_behind(tmp_path, monkeypatch):
    png = tmp_path / "slide.png"
    synth.frame(png, 1)
    enc = segments.Encoding(1920, 1080)
    other = segments.Encoding(1920, 1080, crf=30)  # a template whose headers differ
    (tmp_path / "cache").mkdir()
    template = segments.load_template(tmp_path / "cache", other, tmp_path)
    assert template and template[0].params() != _idr_params(png, enc, tmp_path)
    encode = segments.encode

    def killed_on_full_encode(src, dest, e, frames=None):
        if frames is None:
            raise KeyboardInterrupt  # the kill lands between the IDR try and the full one
        return encode(src, dest, e, frames)

    monkeypatch.setattr(segments, "encode", killed_on_full_encode)
    out = tmp_path / "cache" / "v-picture.h264"
    with pytest.raises(KeyboardInterrupt):
        segments.encode_picture(png, out, enc, template)
    assert list(out.parent.glob("*picture*")) == []  # neither a 1-frame segment nor a temp
    monkeypatch.setattr(segments, "encode", encode)
    assert segments.encode_picture(png, out, enc, template) is False
    assert len(annexb.access_units(out.read_bytes())) == enc.unit


def _idr_params(png: Path, enc: segments.Encoding, work: Path) -> tuple:
    idr = work / "idr.h264"
    segments.encode(png, idr, enc, frames=1)
    return annexb.access_units(idr.read_bytes())[0].params()


def test_without_a_usable_template_every_picture_is_a_full_segment_and_still_passes(
    project, monkeypatch, capsys
):
    """The fallback is slower, not broken: the render warns, counts no picture on the
    still path, and its conformance check passes (x264's P-frames refine the picture, so
    those GOPs are counted, not failed)."""
    synth.write_frames(project, 2)
    synth.write_narration(project, [[1.2], [1.0]])
    monkeypatch.setattr(segments, "load_template", lambda *a: [])
    stats = video.run(Course.load("example"), [synth.LECTURE])[synth.LECTURE]
    assert (stats.still, stats.pictures) == (0, 2)
    assert all(len(seg) == segments.Encoding(1920, 1080).unit for seg in _segments(project))
    assert "did not fit the still-segment template" in capsys.readouterr().err
    assert video.target(Course.load("example"), synth.LECTURE).exists()

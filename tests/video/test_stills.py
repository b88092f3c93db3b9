"""Still runs measured from an MP4's decoded frames: lengths, summary, small changes."""

from __future__ import annotations

import subprocess

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from pipeline.tools import ffmpeg
from pipeline.video import probe, stills
from tests.video import synth

FRAME = 1 / 30


def _mp4(out, pictures: list, seconds: list[float], gop: int = 250):
    """The PNGs shown for those seconds each at 30 fps: libx264, no B-frames, lossless
    (a lossy encode refines a still picture over its first P-frames, so its decoded
    frames differ: the measure is exact and would see those as changes)."""
    cmd, chains = [ffmpeg(), "-v", "error", "-y"], []
    for n, (png, t) in enumerate(zip(pictures, seconds, strict=True)):
        cmd += ["-framerate", "30", "-i", str(png)]  # decoded once, repeated by `loop`
        chains.append(f"[{n}:v]format=yuv420p,loop=loop={round(t * 30) - 1}:size=1[p{n}]")
    joined = "".join(f"[p{n}]" for n in range(len(pictures)))
    graph = ";".join([*chains, f"{joined}concat=n={len(pictures)}:v=1:a=0"])
    cmd += ["-filter_complex", graph, "-c:v", "libx264", "-preset", "ultrafast"]
    cmd += ["-bf", "0", "-qp", "0", "-g", str(gop), str(out)]
    subprocess.run(cmd, check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def three(tmp_path_factory):
    """Three distinct 1080p slides shown for 1.0 s, 2.5 s and 0.5 s, a keyframe every 15."""
    work = tmp_path_factory.mktemp("stills")
    pngs = [work / f"slide-{n}.png" for n in (1, 2, 3)]
    for n, png in enumerate(pngs, 1):
        synth.frame(png, n)
    return _mp4(work / "three.mp4", pngs, [1.0, 2.5, 0.5], gop=15)


def test_runs_are_each_pictures_seconds_within_a_frame(three):
    runs = stills.still_runs(three)
    assert runs == pytest.approx([1.0, 2.5, 0.5], abs=FRAME)


def test_summary_of_the_runs(three):
    got = stills.summary(stills.still_runs(three))
    assert got["median"] == pytest.approx(1.0, abs=FRAME)
    assert got["longest"] == pytest.approx(2.5, abs=FRAME)
    assert got["count"] == 3
    assert got["changes_per_minute"] == pytest.approx(30.0, rel=0.02)  # 2 changes in 4 s


def test_summary_of_nothing():
    assert stills.summary([]) == {
        "median": 0.0,
        "longest": 0.0,
        "count": 0,
        "changes_per_minute": 0.0,
    }


@pytest.mark.parametrize("at", [(120, 600), (1720, 1040)], ids=["bullet", "corner"])
def test_a_text_line_appearing_is_a_change(tmp_path, at):
    """1080p: the second picture differs from the first by one 200x40 px line of text."""
    plain = Image.new("RGB", (1920, 1080), "white")
    ImageDraw.Draw(plain).text((120, 100), "Comprehensions", font=_font(90), fill="black")
    bullet = plain.copy()
    x, y = at
    ImageDraw.Draw(bullet).text((x, y), "• a new idea", font=_font(30), fill=(30, 41, 59))
    w, h = _changed(plain, bullet)
    assert 150 < w <= 200 and 15 < h <= 40  # one short line: 0.2% of the picture
    plain.save(tmp_path / "a.png")
    bullet.save(tmp_path / "b.png")
    video = _mp4(tmp_path / "v.mp4", [tmp_path / "a.png", tmp_path / "b.png"], [1.0, 1.0])
    assert stills.still_runs(video) == pytest.approx([1.0, 1.0], abs=FRAME)


def test_parts_decoded_side_by_side_give_the_same_runs(three, monkeypatch):
    """Split at keyframes into three parts: every frame once, the same runs."""
    monkeypatch.setattr(stills, "MIN_PART", 20)
    packets = probe.packets(three)
    parts = stills._parts(packets, 3)
    assert len(parts) == 3 and sum(p[2] for p in parts) == len(packets) == 120
    starts = {round(p.pts, 6) for p in packets if p.key}
    assert all(round(start - FRAME / 2, 6) in starts for _, start, _ in parts)
    monkeypatch.setattr(stills, "_cpus", lambda: 3)
    split = stills.still_runs(three)
    monkeypatch.setattr(stills, "_cpus", lambda: 1)
    assert split == stills.still_runs(three)


def test_a_part_that_comes_back_short_means_decoding_the_whole_video(three, monkeypatch):
    monkeypatch.setattr(stills, "_cpus", lambda: 2)
    short = [(0, FRAME / 2, 25), (1, 2.0, 60)]  # frames 25-59 (a change at 30) left out
    monkeypatch.setattr(stills, "_parts", lambda packets, cpus: short)
    assert stills.still_runs(three) == pytest.approx([1.0, 2.5, 0.5], abs=FRAME)


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(synth.FONT, size)


def _changed(a: Image.Image, b: Image.Image) -> tuple[int, int]:
    """Width and height of the box of pixels that differ between two pictures."""
    left, top, right, bottom = ImageChops.difference(a, b).getbbox()
    return right - left, bottom - top

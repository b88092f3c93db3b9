"""Optional extras from topic.yaml: intro/outro cards, music, watermark, burned captions, 720p."""

from __future__ import annotations

import numpy as np
from PIL import Image

from pipeline.checks.video import check
from pipeline.video import probe
from tests.conftest import run_cli
from tests.video import synth

AUDIO = f"output/example/audio/{synth.LECTURE}"
VIDEO = f"output/example/video/{synth.LECTURE}.mp4"
TITLE_BG = (0x1E, 0x1B, 0x4B)  # the default theme's title_background


def _tone_db(x: np.ndarray, hz: float = 1000.0) -> float:
    """Level of one frequency in a window (dB, arbitrary reference)."""
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    freqs = np.fft.rfftfreq(len(x), 1 / 48000)
    return 20 * np.log10(spec[(freqs > hz - 8) & (freqs < hz + 8)].max() + 1e-12)


def _write_assets(root):
    t = np.arange(3 * 48000) / 48000
    bed = (0.5 * np.sin(2 * np.pi * 1000 * t) * 32767).astype("<i2")
    (root / "assets/music").mkdir(parents=True, exist_ok=True)
    import wave

    with wave.open(str(root / "assets/music/bed.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(48000)
        w.writeframes(bed.tobytes())
    Image.new("RGBA", (200, 200), (255, 0, 0, 255)).save(root / "assets/logo.png")


def test_intro_outro_music_and_watermark(project):
    _write_assets(project)
    synth.set_video(
        project,
        intro=True,
        outro=True,
        intro_seconds=1,
        outro_seconds=1,
        music="assets/music/bed.wav",
        watermark="assets/logo.png",
    )
    synth.write_frames(project, 2)
    doc = synth.write_narration(project, [[0.8], [0.9]])
    proc = run_cli(project, "video", "example", "--lecture", synth.LECTURE)
    assert proc.returncode == 0, proc.stderr
    mp4 = project / VIDEO
    assert len(probe.packets(mp4)) == round((doc["duration"] + 2) * 30)
    assert all(ok for _, ok, _ in check(mp4, project / AUDIO / "narration.json"))
    assert np.allclose(synth.picture_changes(mp4), [1.0, 2.3, 3.7], atol=0.5 / 30)

    intro = synth.grab(mp4, 0.5).astype(int)
    assert np.abs(intro[20, 20] - TITLE_BG).max() <= 8  # the theme's colours
    assert (intro[300:700, 200:1700] > 200).all(axis=2).sum() > 2000  # a white title
    slide = synth.grab(mp4, 1.5).astype(int)
    corner = slide[-200:-40, -240:-40]  # the logo, 10% of the width, bottom right
    assert corner[..., 0].mean() - corner[..., 2].mean() > 60

    sound = probe.audio(mp4)[:, 0]
    intro_music = _tone_db(sound[int(0.7 * 48000) : int(1.0 * 48000)])
    under_speech = _tone_db(sound[int(1.15 * 48000) : int(1.45 * 48000)])
    assert intro_music - under_speech >= 6  # ducked under the voice
    rms = [
        float(np.sqrt(np.mean(sound[int(a * 48000) : int(b * 48000)] ** 2)))
        for a, b in ((0, 0.05), (0.7, 1.0))
    ]
    assert 0 < rms[0] < rms[1] / 2  # faded in
    assert -45 < 20 * np.log10(rms[1]) < -20  # at about video.music_db, not full level


def test_burned_captions_at_720p(project):
    synth.set_video(project, captions="burn", resolution=720)
    synth.write_frames(project, 1)
    # 25 characters in 1.3 s: readable as spoken, so no cue runs on into the pause
    doc = synth.write_narration(project, [[1.3, 1.3]], text="Caption number {n} is here.")
    proc = run_cli(project, "video", "example", "--lecture", synth.LECTURE)
    assert proc.returncode == 0, proc.stderr
    mp4 = project / VIDEO
    meta = probe.info(mp4)
    assert (meta.video["width"], meta.video["height"]) == (1280, 720)
    assert all(ok for _, ok, _ in check(mp4, project / AUDIO / "narration.json"))
    s1, s2 = doc["slides"][0]["sentences"]
    # caption, gap, caption, gap: four pictures of one slide, each changing on a keyframe
    assert np.allclose(
        synth.picture_changes(mp4), [s1["end"], s2["start"], s2["end"]], atol=0.5 / 30
    )
    band = slice(600, 700)
    white = [
        (synth.grab(mp4, t)[band] > 220).all(axis=2).sum()
        for t in (s1["start"] + 0.3, s1["end"] + 0.2)
    ]
    assert white[0] > 500 and white[1] == 0  # text while spoken, none in the pause

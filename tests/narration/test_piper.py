"""Piper really speaks, and a mastered lecture meets the loudness and peak targets."""

import json

import numpy as np
import pyloudnorm
import pytest

from pipeline.config import VoiceConfig
from pipeline.course import Course
from pipeline.errors import ConfigError, InputError
from pipeline.providers.tts import create
from pipeline.providers.tts.piper_provider import default_model
from pipeline.speech import master
from pipeline.stages import narration
from tests.conftest import run_cli
from tests.narration.helpers import LECTURE, read_wav, set_topic, true_peak_db, write_slides


def test_piper_speaks_a_sentence():
    clip = create(VoiceConfig()).synthesize("Welcome to the course on Python generators.")
    assert clip.rate == 22050
    assert 1.5 < clip.seconds < 6.0
    rms = float(np.sqrt(np.mean(clip.samples**2)))
    assert rms > 0.03 and np.abs(clip.samples).max() > 0.3  # a voice, not silence


def test_mastered_lecture_hits_loudness_and_peak_targets(project):
    write_slides(
        project,
        LECTURE,
        [
            "Hello there. This is the first slide.",
            "And here is the second slide, which ends the lecture.",
        ],
        pause=1.0,
    )
    proc = run_cli(project, "narration", "example", "--lecture", LECTURE)
    assert proc.returncode == 0, proc.stderr
    assert "2/2" in proc.stderr and "s of audio made" in proc.stderr
    out = project / "output" / "example" / "audio" / LECTURE
    x, rate, channels, width = read_wav(out / "narration.wav")
    assert (rate, channels, width) == (48000, 1, 2)
    lufs = pyloudnorm.Meter(rate).integrated_loudness(x)
    assert -17.0 <= lufs <= -15.0
    assert true_peak_db(x) <= -1.5
    assert np.abs(x).max() < 0.99  # no clipping
    doc = json.loads((out / "narration.json").read_text())
    _check_timings(doc, len(x) / rate)
    _check_pauses_are_room_tone(doc, x, rate)
    assert "This is the first slide." in (out / "narration.txt").read_text()


def _check_timings(doc: dict, seconds: float) -> None:
    """Slides tile the lecture; sentences sit inside their slide, in order."""
    slides = doc["slides"]
    assert doc["sample_rate"] == 48000 and abs(doc["duration"] - seconds) < 0.002
    assert slides[0]["start"] == 0 and slides[-1]["end"] == doc["duration"]
    assert all(a["end"] == b["start"] for a, b in zip(slides, slides[1:], strict=False))
    assert [len(s["sentences"]) for s in slides] == [2, 1]
    for s in slides:
        times = [t for x in s["sentences"] for t in (x["start"], x["end"])]
        assert times == sorted(times) and s["start"] <= times[0] and times[-1] < s["end"]
    # speech starts after the lead-in (no long leading silence), and the pause after the
    # last slide is the slide pause plus its @pause, not more
    assert 0.25 <= slides[0]["sentences"][0]["start"] <= 0.6
    assert 1.6 <= slides[-1]["end"] - slides[-1]["sentences"][-1]["end"] <= 2.0


def _check_pauses_are_room_tone(doc: dict, x: np.ndarray, rate: int) -> None:
    """The gap between slides is quiet noise, not digital silence."""
    a = doc["slides"][0]["sentences"][-1]["end"] + 0.1
    gap = x[int(a * rate) : int((doc["slides"][1]["start"] - 0.05) * rate)]
    level = 20 * np.log10(np.sqrt(np.mean(gap**2)))
    assert np.count_nonzero(gap) > 0.5 * len(gap) and -80 < level < -50


def test_limiter_keeps_a_peaky_signal_under_the_ceiling():
    t = np.arange(48000 * 4) / 48000
    x = (0.05 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    x[::4800] = 0.9  # sharp clicks far above the speech: they would clip after gain
    y, peak = master.master(x, -16, -1.5, -66)
    lufs = master.loudness(y)
    assert abs(lufs - -16) <= 1 and peak <= -1.5
    assert abs(pyloudnorm.Meter(48000).integrated_loudness(y.astype(np.float64)) + 16) <= 1
    assert true_peak_db(y.astype(np.float64)) <= -1.5


def test_non_latin_text_with_a_latin_only_voice_is_a_clear_error(project):
    path = write_slides(project, LECTURE, ["Say hello.", "In Chinese we write 你好 for hello."])
    with pytest.raises(InputError) as err:
        narration.run(Course.load("example"), [LECTURE])
    msg = err.value.message
    assert f"{path}:" in msg and "slide 2" in msg and "CJK" in msg and "你好" in msg
    assert "voice.voice" in msg  # says how to fix it
    assert not (project / "output" / "example" / "audio" / LECTURE).exists()


def test_empty_note_is_an_error_naming_the_slide_or_a_configured_pause(project):
    path = write_slides(project, LECTURE, ["Just one short sentence.", ""])
    with pytest.raises(InputError) as err:
        narration.run(Course.load("example"), [LECTURE])
    assert f"{path}:" in err.value.message and "Slide 2" in err.value.message
    assert "empty_note: pause" in err.value.message
    set_topic(
        project,
        narration={"empty_note": "pause", "empty_note_seconds": 2.0},
        voice={"concurrency": 1},
    )
    doc = narration.run(Course.load("example"), [LECTURE])["lectures"][LECTURE]
    silent = doc["slides"][1]
    assert silent["sentences"] == [] and silent["end"] - silent["start"] >= 2.0


def test_a_voice_model_outside_the_course_is_refused_and_one_in_assets_is_used(project):
    course = Course.load("example")
    model = default_model()
    with pytest.raises(ConfigError) as err:
        _ = create(VoiceConfig(voice=str(model)), course.image_dirs).model_path
    assert err.value.message == (
        f"topic.yaml: voice.voice: Piper voice '{model}' is outside the course (it is "
        f"{model.resolve()}, symlinks followed); copy the file into {project}/courses/example/ "
        f"or {project}/assets/ and name it from there (a .onnx file with its .onnx.json "
        "beside it), or remove voice.voice for the default en_US-joe-medium"
    )
    mine = project / "assets/voices/my-voice.onnx"
    mine.parent.mkdir()
    mine.write_bytes(b"a model")  # found by name only: nothing is loaded yet
    voice = create(VoiceConfig(voice="assets/voices/my-voice.onnx"), course.image_dirs)
    assert voice.model_path == mine

"""Bad input: wrong-size frames, missing audio, zero-length narration."""

from __future__ import annotations

import json
import wave

import numpy as np

from pipeline.checks.video import check
from pipeline.video import probe
from tests.conftest import run_cli
from tests.video import synth

AUDIO = f"output/example/audio/{synth.LECTURE}"
VIDEO = f"output/example/video/{synth.LECTURE}.mp4"


def _render(root):
    return run_cli(root, "video", "example", "--lecture", synth.LECTURE)


def test_wrong_size_frame_is_letterboxed_with_a_warning(project):
    synth.write_frames(project, 2, sizes={2: (1024, 768)})  # 4:3, not the contract's 16:9
    doc = synth.write_narration(project, [[0.7], [0.8]])
    proc = _render(project)
    assert proc.returncode == 0, proc.stderr
    assert "warning:" in proc.stderr and "slide-002.png" in proc.stderr
    assert "1024x768" in proc.stderr and "letterboxed" in proc.stderr
    mp4 = project / VIDEO
    assert all(ok for _, ok, _ in check(mp4, project / AUDIO / "narration.json"))
    pic = synth.grab(mp4, doc["slides"][1]["start"] + 0.2).astype(int)
    assert pic.shape == (1080, 1920, 3)
    bar_w = (1920 - 1024 * 1080 // 768) // 2  # 240 px of bar each side
    assert pic[:, : bar_w - 4].max() < 24 and pic[:, -(bar_w - 4) :].max() < 24  # black bars
    assert pic[:, bar_w + 8 : -(bar_w + 8)].mean() > 40  # the slide itself, scaled to fit


def test_missing_audio_segment_names_the_slide(project):
    synth.write_frames(project, 3)
    synth.write_narration(project, [[0.5], [0.5]])  # narration for 2 of 3 slides
    proc = _render(project)
    assert proc.returncode == 1
    assert "missing audio segment for slide 3" in proc.stderr
    assert "slide-003.png" in proc.stderr and "make narration" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (project / VIDEO).exists()


def test_truncated_narration_wav_names_the_slide(project):
    synth.write_frames(project, 3)
    synth.write_narration(project, [[0.5], [0.5], [0.6]])
    wav = project / AUDIO / "narration.wav"
    with wave.open(str(wav), "rb") as w:
        params, data = w.getparams(), w.readframes(int(2.2 * 48000))  # slide 3 runs 2.0-3.1 s
    with wave.open(str(wav), "wb") as w:
        w.setparams(params)
        w.writeframes(data)
    proc = _render(project)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "missing audio segment for slide 3" in proc.stderr and "narration.wav" in proc.stderr


def test_zero_length_narration_gets_the_minimum_slide_time(project):
    synth.write_frames(project, 3)
    doc = synth.write_narration(project, [[0.6], [], [0.7]])  # slide 2: no narration at all
    assert doc["slides"][1]["start"] == doc["slides"][1]["end"]
    proc = _render(project)
    assert proc.returncode == 0, proc.stderr
    mp4 = project / VIDEO
    want = doc["duration"] + 2.0  # video.min_slide_seconds defaults to 2 s
    assert len(probe.packets(mp4)) == round(want * 30)
    changes = synth.picture_changes(mp4)
    assert np.allclose(changes, [1.1, 3.1], atol=0.5 / 30)  # slide 2 shown for exactly 2 s
    assert all(ok for _, ok, _ in check(mp4, project / AUDIO / "narration.json"))
    cues = (project / VIDEO).with_suffix(".vtt").read_text()
    assert (
        "\n00:00:03.100 --> " in cues
    )  # slide 3's caption moved with it (and may stay on to be read)


def test_broken_narration_json_is_a_clear_error(project):
    synth.write_frames(project, 1)
    synth.write_narration(project, [[0.5]])
    path = project / AUDIO / "narration.json"
    path.write_text(json.dumps({"slides": [{"index": 1, "start": 1.0, "end": 0.5}]}))
    proc = _render(project)
    assert proc.returncode == 1 and "slide 1 ends (0.5) before it starts" in proc.stderr
    # a file that exists looks current to Make: the fix must force it
    assert "rebuild it with `make narration TOPIC=example FORCE=1`" in proc.stderr


def test_a_frame_listed_but_missing_names_a_command_that_makes_it(project):
    out = synth.write_frames(project, 2)
    synth.write_narration(project, [[0.5], [0.5]])
    (out / "slide-002.png").unlink()
    proc = _render(project)
    assert (
        proc.returncode == 1
        and "slide-002.png: listed in frames.json but missing" in proc.stderr
        and "run `make frames TOPIC=example FORCE=1`" in proc.stderr
    )


def test_narration_wav_with_extra_chunks_is_read_from_its_data_chunk(tmp_path):
    from pipeline.errors import InputError
    from pipeline.video.audio import read_wav

    samples = (np.sin(np.arange(4800) / 7) * 9000).astype("<i2")
    plain = tmp_path / "plain.wav"
    with wave.open(str(plain), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(48000)
        w.writeframes(samples.tobytes())
    data = plain.read_bytes()
    # an editor's LIST chunk (odd length: padded) between the header and the samples
    extra = b"LIST" + (5).to_bytes(4, "little") + b"INFOx\x00"
    body = data[12:36] + extra + data[36:]
    tagged = tmp_path / "tagged.wav"
    tagged.write_bytes(b"RIFF" + (4 + len(body)).to_bytes(4, "little") + b"WAVE" + body)
    assert np.array_equal(read_wav(tagged), samples)
    cut = tmp_path / "cut.wav"
    cut.write_bytes(data[:36] + b"junk" + (0).to_bytes(4, "little"))
    try:
        read_wav(cut)
    except InputError as e:
        assert "cut.wav" in str(e) and "make narration" in str(e)
    else:
        raise AssertionError("a WAV without samples must be refused")


def test_broken_narration_wav_is_a_clear_error_and_the_old_video_stays(project):
    synth.write_frames(project, 2)
    synth.write_narration(project, [[0.7], [0.8]])
    assert _render(project).returncode == 0
    before = (project / VIDEO).read_bytes()
    (project / AUDIO / "narration.wav").write_bytes(b"RIFF\x04\x00\x00\x00WAVE")
    proc = _render(project)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "narration.wav: not a readable WAV file" in proc.stderr
    assert "make narration" in proc.stderr
    assert (project / VIDEO).read_bytes() == before


def test_narration_wav_cut_short_names_the_file_and_the_command_that_rebuilds_it(project):
    synth.write_frames(project, 2)
    synth.write_narration(project, [[0.7], [0.8]])
    assert _render(project).returncode == 0
    before = (project / VIDEO).read_bytes()
    wav = project / AUDIO / "narration.wav"
    data = wav.read_bytes()
    wav.write_bytes(data[: len(data) // 2])  # an interrupted copy: the header promises more
    proc = _render(project)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    have, want = len(data) // 2 - 44, len(data) - 44
    assert proc.stderr.strip() == (
        f"error: {wav}: the WAV file is cut short ({have:,} of {want:,} bytes of sound): it "
        "was not written completely; rebuild it with `make narration TOPIC=example FORCE=1`"
    )
    assert (project / VIDEO).read_bytes() == before


def test_music_and_watermark_outside_the_course_are_refused(project, tmp_path):
    from PIL import Image

    secret = tmp_path / "private.png"
    Image.new("RGB", (64, 64), "red").save(secret)
    topic = project / "courses/example/topic.yaml"
    synth.write_frames(project, 2)
    synth.write_narration(project, [[0.7], [0.8]])
    synth.set_video(project, watermark=str(secret))
    proc = _render(project)
    assert proc.returncode == 1 and not (project / VIDEO).exists()
    assert proc.stderr.strip() == (
        f"error: {topic}: video.watermark: file '{secret}' is outside the course (it is "
        f"{secret}, symlinks followed); copy the file into {project}/courses/example/ or "
        f"{project}/assets/ and name it from there"
    )
    (project / "assets/music").mkdir()
    (project / "assets/music/bed.wav").symlink_to(project / ".env")  # a link in assets/
    (project / ".env").write_text("OPENAI_API_KEY=sk-not-for-videos\n")
    synth.set_video(project, watermark=None, music="assets/music/bed.wav")
    proc = _render(project)
    assert proc.returncode == 1 and not (project / VIDEO).exists()
    assert proc.stderr.strip() == (
        f"error: {topic}: video.music: file 'assets/music/bed.wav' is outside the course (it "
        f"is {project}/.env, symlinks followed); copy the file into {project}/courses/example/ "
        f"or {project}/assets/ and name it from there"
    )

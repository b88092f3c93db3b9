"""Video conformance: read an MP4 back with ffmpeg and check Lectern's (and Udemy's) rules.

`check` returns (rule, ok, detail) rows; `report` prints them for `lectern check-video`
and fails (non-zero exit) when any rule fails. With the lecture's narration.json (found
beside the video's output folder, or given) it also checks the duration and the A/V
sync at every slide boundary: the picture must change on a keyframe within half a
frame of the narration's slide start, and the sound there must be the narration's.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from pipeline.errors import LecternError
from pipeline.video import probe, timeline
from pipeline.video.audio import read_wav
from pipeline.video.timeline import FPS, RATE

SIZES = {(1920, 1080), (1280, 720)}
SYNC_TOLERANCE = 0.045  # s; audio/picture offsets below ~45 ms are not noticed
DURATION_TOLERANCE = 0.1
MAX_KEYFRAME_GAP = 4.0
WINDOW, SEARCH = 1.5, 0.3  # s of narration compared per slide, and the lag searched
MIN_MATCH = 0.6  # correlation below this: the narration is not there at all
# the sync rule correlates sound at 16 kHz (a third of the FFT work): speech is mostly
# below 8 kHz and lags still resolve to 0.06 ms (the tolerance is 45 ms). The dual-mono
# rule keeps every 48 kHz sample.
SYNC_RATE = 16000


class VideoCheckFailed(LecternError):
    """A video breaks one or more conformance rules."""


def check(path: Path, narration_json: Path | None = None) -> list[tuple[str, bool, str]]:
    """Every rule as (rule, ok, detail)."""
    path = Path(path)
    narration_json = Path(narration_json) if narration_json else None
    wav = narration_json.with_name("narration.wav") if narration_json else None
    # each read is one ffmpeg process: run them side by side (the audio decode is longest)
    with ThreadPoolExecutor(5) as pool:
        reads = {"meta": pool.submit(probe.info, path),
                 "video": pool.submit(probe.packets, path, "v:0"),
                 "sound": pool.submit(probe.packets, path, "a:0")}
        if wav and wav.exists():
            reads["heard"] = pool.submit(probe.audio16, path, RATE, 2)
            reads["ref"] = pool.submit(read_wav, wav)
        meta = reads["meta"].result()
        rows = _format_rules(meta) + [_faststart(path)]
        if not meta.video or not meta.audio:
            return rows  # the other reads' errors are moot
        got = {k: f.result() for k, f in reads.items()}
    rows += _timing_rules(got["video"], got["sound"])
    if narration_json:
        rows += _narration_rules(meta, got, narration_json)
    return rows


def report(path: Path) -> str:
    """A PASS/FAIL line per rule; raises VideoCheckFailed when any rule fails."""
    path = Path(path)
    rows = check(path, find_narration(path))
    text = "\n".join(f"{'PASS' if ok else 'FAIL'}  {rule}: {detail}" for rule, ok, detail in rows)
    if not all(ok for _, ok, _ in rows):
        raise VideoCheckFailed(f"{path} fails the video check:\n{text}")
    return text


def find_narration(video: Path) -> Path | None:
    """output/T/video/ID.mp4 → output/T/audio/ID/narration.json, when it exists."""
    guess = video.resolve().parent.parent / "audio" / video.stem / "narration.json"
    return guess if guess.exists() else None


# --- stream format --------------------------------------------------------------------

def _format_rules(meta: probe.MediaInfo) -> list[tuple[str, bool, str]]:
    v, a = meta.video, meta.audio
    if not v:
        return [("video stream", False, "no video stream")]
    rows = [
        ("video codec", v["codec"] == "h264", f"{v['codec']} (want h264)"),
        ("profile", v["profile"] == "High", f"{v['profile'] or 'unknown'} (want High)"),
        ("pixel format", v["pix_fmt"] == "yuv420p", f"{v['pix_fmt']} (want yuv420p)"),
        ("resolution", (v["width"], v["height"]) in SIZES,
         f"{v['width']}x{v['height']} (want 1920x1080 or 1280x720)"),
    ]
    if not a:
        return rows + [("audio stream", False, "no audio stream")]
    return rows + [
        ("audio codec", a["codec"] == "aac" and a["profile"] == "LC",
         f"{a['codec']} {a['profile']} (want aac LC)"),
        ("audio rate", a["rate"] == RATE, f"{a['rate']} Hz (want {RATE})"),
        ("audio channels", a["layout"] == "stereo", f"{a['layout']} (want stereo)"),
    ]


def _faststart(path: Path) -> tuple[str, bool, str]:
    boxes = [b for b in probe.box_order(path) if b in ("moov", "mdat")]
    return ("faststart", boxes[:1] == ["moov"], f"top-level boxes {' '.join(boxes)} (moov first)")


def _timing_rules(video: list[probe.Packet], sound: list[probe.Packet]) -> list:
    """Constant 30 fps, keyframes often enough, audio as long as the picture."""
    step = 1 / FPS
    drift = max((abs(p.pts - i * step) for i, p in enumerate(video)), default=1.0)
    durs = {round(p.duration * FPS, 3) for p in video}
    keys = [p.pts for p in video if p.key]
    gap = max(np.diff(keys + [_end(video)]), default=0.0) if keys else float("inf")
    vdur, adur = _end(video), _end(sound)
    return [
        ("frame rate", drift < step / 2 and durs == {1.0},
         f"{len(video)} frames, every one 1/30 s, largest offset {drift * 1000:.1f} ms"),
        ("keyframes", bool(keys) and keys[0] == 0 and gap <= MAX_KEYFRAME_GAP + 1e-6,
         f"{len(keys)} keyframes, longest gap {gap:.2f} s (max {MAX_KEYFRAME_GAP:.0f})"),
        ("a/v length", abs(vdur - adur) <= 0.05,
         f"video {vdur:.3f} s, audio {adur:.3f} s"),
    ]


def _end(packets: list[probe.Packet]) -> float:
    return max((p.pts + p.duration for p in packets), default=0.0)


# --- against the narration ----------------------------------------------------------------

def _narration_rules(meta: probe.MediaInfo, got: dict, narration_json: Path) -> list:
    """Duration and per-slide A/V sync against narration.json (and its WAV)."""
    video = got["video"]
    spans = timeline.plan(timeline.load_narration(narration_json), **_layout(meta.comment))
    want, end = timeline.expected_duration(spans), _end(video)
    rows = [("duration", abs(end - want) <= DURATION_TOLERANCE,
             f"{end:.3f} s, narration says {want:.3f} s (±{DURATION_TOLERANCE})")]
    slides = [s for s in spans if s.kind == "slide"]
    rows.append(_keyframe_rule(slides, video))
    if "heard" in got:
        heard, ref = got["heard"], got["ref"]
        rows.append(_both_channels(heard))
        # reference and video sound brought to SYNC_RATE by the very same averaging
        rows.append(_sync_rule(slides, video, _decimate(ref, 1), _decimate(heard, 2)))
    return rows


def _decimate(pcm: np.ndarray, channels: int) -> np.ndarray:
    """Interleaved int16 at RATE → mono float32 at SYNC_RATE (mean of each group)."""
    k = channels * (RATE // SYNC_RATE)  # samples (all channels) per output sample
    flat = pcm.reshape(-1)
    flat = flat[:len(flat) // k * k]
    total = sum(flat[i::k].astype(np.int32) for i in range(k))  # strided adds: fast
    return total.astype(np.float32) / (k * 32768.0)


def _layout(comment: str) -> dict:
    """intro/outro/min_slide that the renderer wrote into the MP4's comment."""
    found = dict(re.findall(r"(\w+)=([\d.]+)", comment)) if comment.startswith("lectern") else {}
    return {"intro": float(found.get("intro", 0)), "outro": float(found.get("outro", 0)),
            "min_slide": float(found.get("min_slide", 2.0))}


def _keyframe_rule(slides: list, video: list[probe.Packet]) -> tuple[str, bool, str]:
    """Each slide starts on a keyframe within half a frame of its narration start."""
    keys = np.array([p.pts for p in video if p.key] or [np.inf])
    errs = [float(np.min(np.abs(keys - s.start))) for s in slides]
    bad = [s.index for s, e in zip(slides, errs, strict=True) if e > 0.5 / FPS + 1e-3]
    return ("slide starts", not bad,
            f"{len(slides)} slides, largest offset {max(errs) * 1000:.1f} ms"
            + (f"; no keyframe at slide {', '.join(map(str, bad))}" if bad else ""))


def _both_channels(heard: np.ndarray) -> tuple[str, bool, str]:
    """Narration on both channels (dual mono), as Udemy requires (int16, every sample)."""
    diff = np.subtract(heard[:, 0], heard[:, 1], dtype=np.int32)
    worst = max(int(diff.max(initial=0)), -int(diff.min(initial=0))) / 32768.0
    level = max(int(heard.max(initial=0)), -int(heard.min(initial=0))) / 32768.0
    return ("both channels", level > 0 and worst <= 0.02 * level,
            f"peak {level:.3f}, largest left/right difference {worst:.4f}")


def _sync_rule(slides: list, video: list[probe.Packet], ref: np.ndarray,
               heard: np.ndarray) -> tuple[str, bool, str]:
    """At each slide start, picture change and narration sound line up."""
    keys = np.array([p.pts for p in video if p.key])
    offsets, bad = [], []
    for s in slides:
        found = _audio_lag(ref, heard, s)
        if found is None:
            continue  # silence at this slide's start: nothing to line up
        lag, match = found
        picture = float(keys[np.argmin(np.abs(keys - s.start))]) - s.start
        offsets.append(abs(lag - picture))
        if match < MIN_MATCH or offsets[-1] > SYNC_TOLERANCE:
            bad.append(f"slide {s.index} ({(lag - picture) * 1000:+.0f} ms, match {match:.2f})")
    detail = (f"{len(offsets)} slide starts measured, largest A/V offset "
              f"{max(offsets, default=0) * 1000:.1f} ms (max {SYNC_TOLERANCE * 1000:.0f})")
    return ("a/v sync", not bad, detail + (f"; off at {', '.join(bad)}" if bad else ""))


def _audio_lag(ref: np.ndarray, heard: np.ndarray, span) -> tuple[float, float] | None:
    """Where the slide's narration really plays relative to where it should (s), and how
    well it matches there (normalised correlation, 1 = identical). None when silent."""
    a0, t0 = int(round(span.audio[0] * SYNC_RATE)), int(round(span.start * SYNC_RATE))
    pad = int(SEARCH * SYNC_RATE)
    # the whole search range must fit inside the video's audio (the last slide ends there)
    n = min(int(min(WINDOW, span.end - span.start) * SYNC_RATE), len(heard) - t0 - pad)
    want = ref[a0:a0 + n]
    if len(want) < SYNC_RATE // 10 or float(np.sqrt(np.mean(want ** 2))) < 1e-3:
        return None
    lo = max(t0 - pad, 0)
    got = heard[lo:t0 + n + pad]
    if len(got) < len(want):
        return 0.0, 0.0  # the video's audio ends before this slide's narration
    size = 1 << int(np.ceil(np.log2(len(got) + len(want))))
    corr = np.fft.irfft(np.fft.rfft(got, size) * np.conj(np.fft.rfft(want, size)), size)
    corr = corr[:len(got) - len(want) + 1]
    energy = np.concatenate([[0.0], np.cumsum(got.astype(np.float64) ** 2)])
    norms = np.sqrt(energy[len(want):] - energy[:-len(want)]) * np.linalg.norm(want)
    score = corr / np.maximum(norms, 1e-9)
    best = int(np.argmax(score))
    return (lo + best - t0) / SYNC_RATE, float(score[best])

"""Mastering: trim clips, resample to 48 kHz, hit the loudness target under a true-peak ceiling.

Speech clips arrive at the provider's rate, peak-normalised by the voice. Each slide is
assembled at 48 kHz, brought to the target integrated loudness (ITU-R BS.1770, with
pyloudnorm's filters), any peak above the ceiling is caught by a look-ahead limiter
that works on the 4×-oversampled signal (true peak, not sample peak), and a faint room
tone runs underneath so pauses are not digital silence.
"""

from __future__ import annotations

import io
import math
import wave
from functools import cache
from math import gcd
from pathlib import Path

import numpy as np
import pyloudnorm
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import lfilter, resample_poly

from pipeline.providers.tts import Clip

RATE = 48000
GATE_S, ABSOLUTE_GATE = 0.4, -70.0  # BS.1770 gating blocks (s) and absolute gate (LUFS)
OVERSAMPLE = 4
LOOKAHEAD_S = 0.005  # the limiter's attack: short enough to keep consonants crisp
BLOCK, MARGIN = 4800, 64  # oversampling works on 0.1 s blocks with filter run-in either side
# Between samples a band-limited signal overshoots its sample peak by well under 4 dB
# (≈3 dB in contrived worst cases), so quieter blocks cannot reach a peak that matters.
HEADROOM = 10 ** (-4.0 / 20)


def db_to_gain(db: float) -> float:
    """Decibels to a linear factor."""
    return float(10 ** (db / 20))


def trim(clip: Clip, floor_db: float = -45.0, pad_s: float = 0.03) -> np.ndarray:
    """Cut leading/trailing silence (frames 45 dB under the loudest), keeping a short pad."""
    x, hop = clip.samples, max(1, int(clip.rate * 0.01))
    if len(x) < hop:
        return x
    frames = x[: len(x) // hop * hop].reshape(-1, hop)
    rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1)) + 1e-12
    loud = np.flatnonzero(20 * np.log10(rms / rms.max()) > floor_db)
    pad = int(pad_s * clip.rate)
    start, end = max(0, loud[0] * hop - pad), min(len(x), (loud[-1] + 1) * hop + pad)
    return _fade(x[start:end].copy(), int(0.005 * clip.rate))


def _fade(x: np.ndarray, n: int) -> np.ndarray:
    """Short fades so a cut never clicks."""
    n = min(n, len(x) // 2)
    if n:
        ramp = np.linspace(0.0, 1.0, n, dtype=x.dtype)
        x[:n] *= ramp
        x[-n:] *= ramp[::-1]
    return x


def resample(x: np.ndarray, rate: int, to: int = RATE) -> np.ndarray:
    """Polyphase resampling (band-limited, no imaging) to `to` Hz."""
    if rate == to:
        return x.astype(np.float32)
    g = gcd(rate, to)
    return resample_poly(x.astype(np.float64), to // g, rate // g).astype(np.float32)


def room_tone(n: int, level_db: float, seed: int = 7) -> np.ndarray:
    """Soft brown-ish noise at `level_db` dBFS RMS: sounds like a quiet room, not a dead line."""
    white = np.random.default_rng(seed).standard_normal(n)
    tone = lfilter([1.0], [1.0, -0.95], white)  # tilt towards low frequencies, like a room
    tone /= np.sqrt(np.mean(tone**2)) + 1e-12
    return (tone * db_to_gain(level_db)).astype(np.float32)


def loudness(x: np.ndarray, rate: int = RATE) -> float:
    """Integrated loudness in LUFS (−inf for silence or under 0.4 s): BS.1770-4 as
    pyloudnorm measures it, with its gating done on whole arrays (its own loop over
    400 ms blocks cost more than the filtering)."""
    if len(x) < int(GATE_S * rate) or not np.any(x):
        return -math.inf
    y = x.astype(np.float64)
    for b, a in _k_weighting(rate):
        y = lfilter(b, a, y)
    power = _block_power(y, rate)
    with np.errstate(divide="ignore"):
        block = -0.691 + 10 * np.log10(power)
        gated = power[block >= ABSOLUTE_GATE]
        relative = -0.691 + 10 * np.log10(gated.mean()) - 10 if gated.size else math.inf
        kept = power[(block > relative) & (block > ABSOLUTE_GATE)]
        return float(-0.691 + 10 * np.log10(kept.mean())) if kept.size else -math.inf


@cache
def _k_weighting(rate: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """BS.1770's K-weighting (high shelf, then high pass) as pyloudnorm designs it."""
    shelf = pyloudnorm.IIRfilter(4.0, 1 / np.sqrt(2), 1500.0, rate, "high_shelf")
    high_pass = pyloudnorm.IIRfilter(0.0, 0.5, 38.0, rate, "high_pass")
    return [(f.b, f.a) for f in (shelf, high_pass)]


def _block_power(y: np.ndarray, rate: int) -> np.ndarray:
    """Mean square of each 400 ms block, blocks 100 ms apart (pyloudnorm's bounds)."""
    count = int(np.round((len(y) / rate - GATE_S) / (GATE_S * 0.25))) + 1
    j = np.arange(count)
    lo = (GATE_S * (j * 0.25) * rate).astype(np.int64)
    hi = np.minimum((GATE_S * (j * 0.25 + 1) * rate).astype(np.int64), len(y))
    sums = np.concatenate(([0.0], np.cumsum(y * y)))
    return (sums[hi] - sums[lo]) / (GATE_S * rate)


def _oversampled_peaks(x: np.ndarray, floor: float = 0.0) -> np.ndarray:
    """Per input sample, the largest |value| of the 4×-oversampled signal around it.

    Oversampling a whole lecture is slow, and only loud passages can have a true peak
    near the ceiling: blocks whose sample peak is under `floor` keep their sample values.
    The loud blocks, each with MARGIN samples of run-in either side, are oversampled
    in one call (one filter design, one pass) rather than one call per block.
    """
    peaks = np.abs(x).astype(np.float64)
    n = -(-len(x) // BLOCK)  # blocks, the last one zero-padded
    padded = np.zeros(n * BLOCK + 2 * MARGIN)
    padded[MARGIN : MARGIN + len(x)] = x
    block_max = np.abs(padded[MARGIN : MARGIN + n * BLOCK]).reshape(n, BLOCK).max(axis=1)
    loud = np.flatnonzero(block_max >= floor).tolist()
    if not loud:
        return peaks
    width = BLOCK + 2 * MARGIN
    blocks = np.stack([padded[b * BLOCK : b * BLOCK + width] for b in loud])
    up = np.abs(resample_poly(blocks, OVERSAMPLE, 1, axis=1))
    up = up.reshape(len(loud), width, OVERSAMPLE).max(axis=2)[:, MARGIN : MARGIN + BLOCK]
    for row, b in zip(up, loud, strict=True):
        end = min(len(x), (b + 1) * BLOCK)
        peaks[b * BLOCK : end] = np.maximum(peaks[b * BLOCK : end], row[: end - b * BLOCK])
    return peaks


def true_peak_db(x: np.ndarray) -> float:
    """True peak in dBTP, estimated by 4× oversampling (as BS.1770 describes)."""
    if not len(x):
        return -math.inf
    peak = float(_oversampled_peaks(x, float(np.abs(x).max()) * HEADROOM).max())
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def limit(
    x: np.ndarray, ceiling_db: float, rate: int = RATE, true_peak: bool = False
) -> np.ndarray:
    """Look-ahead limiter: a smooth gain that keeps peaks under the ceiling.

    Voices arrive band-limited far below 24 kHz, so at 48 kHz their intersample peaks
    sit within a fraction of a dB of the sample peaks: limiting sample peaks (fast) is
    enough, and `master` checks the true peak afterwards, re-limiting on the
    oversampled signal (`true_peak=True`) only if that check fails.
    """
    ceiling = db_to_gain(ceiling_db)
    peaks = _oversampled_peaks(x, ceiling * HEADROOM) if true_peak else np.abs(x)
    need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-9)).astype(np.float32)
    w = max(1, int(LOOKAHEAD_S * rate))
    # Averaging a minimum over a window twice as wide never exceeds what each sample needs.
    gain = uniform_filter1d(minimum_filter1d(need, 2 * w + 1), w)
    return (x * np.minimum(gain, need)).astype(np.float32)


def master(
    x: np.ndarray, target_lufs: float, ceiling_db: float, room_db: float, seed: int = 7
) -> tuple[np.ndarray, float]:
    """Loudness-normalise, limit, add room tone; return the audio and its true peak (dBTP)."""
    y, now = x.astype(np.float32), loudness(x)
    if math.isfinite(now):
        y = _normalise(x, now, target_lufs, ceiling_db - 0.5)  # room for intersample peaks
    y = y + room_tone(len(y), room_db, seed)
    peak = true_peak_db(y)
    if peak > ceiling_db - 0.05:  # an intersample peak got through: catch it
        y = limit(y, ceiling_db - 0.2, true_peak=True)
        peak = true_peak_db(y)
    return y, peak


def _normalise(x: np.ndarray, now: float, target: float, ceiling_db: float) -> np.ndarray:
    """Gain + limiter until the loudness is on target (secant steps: the limiter eats gain)."""
    prev_gain, prev, gain = 0.0, now, target - now
    for _ in range(5):
        y = limit(x * db_to_gain(gain), ceiling_db)
        now = loudness(y)
        if abs(now - target) < 0.3:
            break
        slope = min(1.0, max(0.1, (now - prev) / (gain - prev_gain)))  # LU per dB of gain
        prev_gain, prev, gain = gain, now, gain + (target - now) / slope
    return y


HEADER_BYTES = 44  # what `wav_bytes` writes before the samples


def wav_bytes(x: np.ndarray, rate: int) -> bytes:
    """16-bit mono WAV bytes; samples are clipped to full scale, never wrapped."""
    pcm = np.clip(np.round(x * 32767.0), -32768, 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return buf.getvalue()


def is_whole_wav(path: Path) -> bool:
    """True when a file is a WAV holding every sample its header promises (a clip cut
    short by a crash, a full disk or a copy is not, and must be made again)."""
    try:
        with wave.open(str(path), "rb") as w:
            need = w.getnframes() * w.getsampwidth() * w.getnchannels()
    except (OSError, EOFError, wave.Error):
        return False
    return need > 0 and path.stat().st_size >= HEADER_BYTES + need


def read_wav(data: bytes) -> Clip:
    """A 16-bit mono WAV (as `wav_bytes` writes) back to float samples."""
    with wave.open(io.BytesIO(data), "rb") as w:
        rate, raw = w.getframerate(), w.readframes(w.getnframes())
    return Clip(np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32767.0, rate)

"""Video conformance: read an MP4 back with ffmpeg and check Lectern's (and Udemy's) rules.

`check` returns (rule, ok, detail) rows; `report` prints them for `lectern check-video`
and fails (non-zero exit) when any rule fails. With the lecture's narration.json (found
beside the video's output folder, or given) it also checks the duration and the A/V
sync at every slide boundary: the picture must change on a keyframe within half a
frame of the narration's slide start, and the sound there must be the narration's.
Only the sound around slide starts is decoded for that (a tenth of a typical lecture).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.errors import LecternError
from pipeline.video import annexb, probe, slices, stills, timeline
from pipeline.video.audio import read_wav
from pipeline.video.mp4 import AAC_PRIMING
from pipeline.video.timeline import AAC_FRAME, FPS, RATE

SIZES = {(1920, 1080), (1280, 720)}
SYNC_TOLERANCE = 0.045  # s; audio/picture offsets below ~45 ms are not noticed
DURATION_TOLERANCE = 0.1
MAX_KEYFRAME_GAP = 4.0
# s of narration compared per slide, and the lag searched each way: a slide's first half
# second finds its true lag at a match of 0.95 or more (measured on Piper narration), and
# offsets up to 150 ms are reported as such (larger ones as "no match")
WINDOW, SEARCH = 0.5, 0.15
MIN_MATCH = 0.6  # correlation below this: the narration is not there at all
# the sync rule correlates sound at 8 kHz (a sixth of the FFT work): speech is mostly
# below 4 kHz and lags still resolve to 0.125 ms (the tolerance is 45 ms). The dual-mono
# rule keeps every 48 kHz sample.
SYNC_RATE = 8000
PACKET = AAC_FRAME / RATE  # s of sound in one AAC packet
TAIL = 2.0  # s before the end of the file whose sound is decoded to find where it ends


class VideoCheckFailed(LecternError):
    """A video breaks one or more conformance rules."""


def check(
    path: Path,
    narration_json: Path | None = None,
    layout: dict | None = None,
    exact_stills: bool = True,
) -> list[tuple[str, bool, str]]:
    """Every rule as (rule, ok, detail). `layout`: the intro, outro and min_slide the
    renderer used, when it is the caller (else they are read from the file's comment).
    `exact_stills=False`: some pictures are full x264 segments, whose P-frames refine
    the picture a little, so their GOPs are counted but not failed."""
    path = Path(path)
    narration_json = Path(narration_json) if narration_json else None
    wav = narration_json.with_name("narration.wav") if narration_json else None
    sync = bool(wav and wav.exists())
    if layout is None or narration_json is None:  # the layout is in the file's comment
        meta = probe.info(path)
        if not meta.video or not meta.audio:
            return _format_rules(meta) + [_faststart(path)]
        spans, tail, keep = _plan(narration_json, _layout(meta.comment), sync, meta.duration)
    else:  # the renderer's own file: straight to the reads
        spans, tail, keep = _plan(narration_json, layout, sync, None)
    with ThreadPoolExecutor(1) as pool:  # two ffmpeg processes side by side, a core each
        reading = pool.submit(probe.packets, path, "v:0", 0)
        keyframes = pool.submit(probe.keyframes_h264, path)  # after the packets, same core
        segments = pool.submit(stills.still_segments, path)
        pcm, sound, meta = probe.audio_packets(path, keep, 1)
        video = reading.result()
    rows = _format_rules(meta) + [_faststart(path)] + _timing_rules(video, sound, tail)
    rows += [_idr_rule(video, keyframes.result()), _priming_rule(path)]
    rows.append(_still_rule(*segments.result(), exact_stills))
    if layout is not None:
        rows.append(
            (
                "timeline facts",
                _layout(meta.comment) == layout,
                f"metadata comment '{meta.comment}'",
            )
        )
    if narration_json:
        heard = _heard(path, sound, pcm) if wav and sync and _slides(spans) else None
        rows += _narration_rules(spans, video, heard, read_wav(wav) if wav and heard else None)
    return rows


def _plan(
    narration_json: Path | None, layout: dict, sync: bool, duration: float | None
) -> tuple[list, float, list]:
    """The timeline to check against, where the tail of the sound starts, and what sound
    to decode: near slide starts (for sync) and the tail (for its length)."""
    narration = timeline.load_narration(narration_json) if narration_json else None
    spans = timeline.plan(narration, **layout) if narration else []
    if duration is None:
        duration = timeline.expected_duration(spans)
    tail = max(duration - TAIL, 0.0)
    starts = [(t, t + 2 * SEARCH + WINDOW) for t in _starts(_slides(spans) if sync else [])]
    return spans, tail, _windows(starts + [(tail, 1e9)])


def _still_rule(gops: int, still: int, exact: bool) -> tuple[str, bool, str]:
    """Every segment holds its picture: each GOP's P-frames change nothing on screen."""
    return (
        "still segments decode as their picture",
        gops > 0 and (still == gops or not exact),
        f"{still} of {gops} GOPs shown to repeat their keyframe exactly (one GOP of each "
        "set of identical P-frames decoded in full)"
        + ("" if exact else "; the others are full x264 segments, refined as they play"),
    )


def _slides(spans: list) -> list:
    return [s for s in spans if s.kind == "slide"]


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
        _colour_rule(meta.colour),
        (
            "resolution",
            (v["width"], v["height"]) in SIZES,
            f"{v['width']}x{v['height']} (want 1920x1080 or 1280x720)",
        ),
    ]
    if not a:
        return rows + [("audio stream", False, "no audio stream")]
    return rows + [
        (
            "audio codec",
            a["codec"] == "aac" and a["profile"] == "LC",
            f"{a['codec']} {a['profile']} (want aac LC)",
        ),
        ("audio rate", a["rate"] == RATE, f"{a['rate']} Hz (want {RATE})"),
        ("audio channels", a["layout"] == "stereo", f"{a['layout']} (want stereo)"),
    ]


def _colour_rule(colour: list[str]) -> tuple[str, bool, str]:
    """BT.709 primaries, transfer and matrix, limited range (ffmpeg prints one name when
    all three agree, else matrix/primaries/transfer)."""
    return (
        "colour",
        "tv" in colour and "bt709" in colour,
        f"{', '.join(colour[:2]) or 'unspecified'} (want tv, bt709: BT.709 primaries, "
        "transfer and matrix, limited range)",
    )


def _idr_rule(video: list[probe.Packet], keyframes: bytes) -> tuple[str, bool, str]:
    """Back-to-back IDR frames differ in idr_pic_id (H.264 7.4.3; OpenH264 and MP4Box
    complain otherwise)."""
    frames = annexb.access_units(keyframes) if keyframes else []
    p = slices.params(*annexb.parameter_sets(frames)) if frames else None
    ids = [slices.idr_pic_id(au.nals[-1], p)[0] for au in frames if au.key and p]
    keys = [i for i, pk in enumerate(video) if pk.key]
    bad = [
        f"{video[keys[j + 1]].pts:.3f} s"
        for j in range(min(len(keys), len(ids)) - 1)
        if keys[j + 1] == keys[j] + 1 and ids[j] == ids[j + 1]
    ]
    return (
        "idr_pic_id",
        not bad and len(ids) == len(keys),
        f"{len(ids)} IDR frames, {len(bad)} right after another with the same idr_pic_id"
        + (f" (at {', '.join(bad[:5])})" if bad else ""),
    )


def _priming_rule(path: Path) -> tuple[str, bool, str]:
    """The audio edit list skips the AAC encoder's priming, so sound starts at 0."""
    skip = probe.edit_starts(path).get("soun")
    return (
        "audio priming",
        skip == AAC_PRIMING,
        f"audio edit list starts at sample {skip} (want {AAC_PRIMING}: the encoder's delay)",
    )


def _faststart(path: Path) -> tuple[str, bool, str]:
    boxes = [b for b in probe.box_order(path) if b in ("moov", "mdat")]
    return ("faststart", boxes[:1] == ["moov"], f"top-level boxes {' '.join(boxes)} (moov first)")


def _timing_rules(video: list[probe.Packet], sound: list[probe.Packet], tail: float) -> list:
    """Constant 30 fps, keyframes often enough, audio as long as the picture (`sound`
    holds every packet from `tail` seconds on)."""
    step = 1 / FPS
    drift = max((abs(p.pts - i * step) for i, p in enumerate(video)), default=1.0)
    durs = {round(p.duration * FPS, 3) for p in video}
    keys = [p.pts for p in video if p.key]
    gap = max(np.diff(keys + [_end(video)]), default=0.0) if keys else float("inf")
    vdur, adur = _end(video), _end(sound)
    return [
        (
            "frame rate",
            drift < step / 2 and durs == {1.0},
            f"{len(video)} frames, every one 1/30 s, largest offset {drift * 1000:.1f} ms",
        ),
        (
            "keyframes",
            bool(keys) and keys[0] == 0 and gap <= MAX_KEYFRAME_GAP + 1e-6,
            f"{len(keys)} keyframes, longest gap {gap:.2f} s (max {MAX_KEYFRAME_GAP:.0f})",
        ),
        (
            "a/v length",
            abs(vdur - adur) <= 0.05 and adur >= tail,
            f"video {vdur:.3f} s, audio {adur:.3f} s"
            if adur >= tail
            else f"video {vdur:.3f} s, audio ends before {tail:.3f} s",
        ),
    ]


def _end(packets: list[probe.Packet]) -> float:
    return max((p.pts + p.duration for p in packets), default=0.0)


# --- against the narration ----------------------------------------------------------------


def _narration_rules(
    spans: list, video: list[probe.Packet], heard: Heard | None, ref: np.ndarray | None
) -> list:
    """Duration and per-slide A/V sync against narration.json (and its WAV)."""
    want, end = timeline.expected_duration(spans), _end(video)
    rows = [
        (
            "duration",
            abs(end - want) <= DURATION_TOLERANCE,
            f"{end:.3f} s, narration says {want:.3f} s (±{DURATION_TOLERANCE})",
        )
    ]
    rows.append(_keyframe_rule(_slides(spans), video))
    if heard is not None:
        rows.append(_both_channels(heard.parts))
        rows.append(_sync_rule(_slides(spans), video, ref, heard))
    return rows


def _starts(slides: list) -> list[float]:
    """Where the sync rule starts reading each slide's sound (it searches ±SEARCH)."""
    return [s.start - SEARCH for s in slides]


def _windows(ranges: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Ranges of seconds to decode, sorted and merged, each from two packets early: the
    decoder rebuilds a packet from the one before it, so a range's first is lost."""
    out: list[list[float]] = []
    for a, b in sorted(ranges):
        a, b = round(max(a - 2 * PACKET, 0.0), 6), round(b + PACKET, 6)
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


@dataclass
class Heard:
    """The video's sound (int16 stereo) as decoded stretches on its timeline, silence
    between them; sliced like the whole track's array, without ever building it."""

    starts: list[int]  # the first sample of each stretch
    parts: list[np.ndarray]
    length: int  # samples in the whole track

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, cut: slice) -> np.ndarray:
        a, b = (
            max(cut.start or 0, 0),
            min(self.length if cut.stop is None else cut.stop, self.length),
        )
        i = bisect_right(self.starts, a) - 1
        if i >= 0 and b - self.starts[i] <= len(self.parts[i]):
            return self.parts[i][a - self.starts[i] : b - self.starts[i]]  # a view
        out = np.zeros((max(b - a, 0), 2), "<i2")
        for start, part in zip(self.starts, self.parts, strict=True):
            lo, hi = max(a, start), min(b, start + len(part))
            if lo < hi:
                out[lo - a : hi - a] = part[lo - start : hi - start]
        return out


def _heard(path: Path, sound: list[probe.Packet], pcm: np.ndarray) -> Heard:
    """Place the packets `probe.audio_packets` decoded on the timeline (the full decode
    instead when they are not 1024 stereo samples each)."""
    pos = np.rint(np.array([p.pts for p in sound]) * RATE).astype(np.int64)
    # the decoder trims the edit list's priming off the first packet it decodes, even when
    # that is not the priming packet: a warm-up packet, dropped below, so pad it back
    short = len(sound) * 2 * AAC_FRAME - pcm.size
    if 0 < short <= 2 * AAC_FRAME:
        pcm = np.concatenate([np.zeros(short, pcm.dtype), pcm])
    if pcm.size != len(sound) * 2 * AAC_FRAME:
        whole = probe.audio16(path, RATE, 2)  # not Lectern's kind of file
        return Heard([0], [whole], len(whole))
    # where packets stop being back to back a stretch starts, and its first packet only
    # warms the decoder up (it rebuilds a packet from the one before)
    firsts = np.flatnonzero(np.diff(pos, prepend=-2 * AAC_FRAME) != AAC_FRAME)
    blocks = pcm.reshape(-1, AAC_FRAME, 2)
    heard = Heard([], [], int(round(_end(sound) * RATE)))
    for a, b in zip(firsts + 1, [*firsts[1:], len(sound)], strict=True):
        if a < b:
            heard.starts.append(int(pos[a]))
            heard.parts.append(blocks[a:b].reshape(-1, 2))
    return heard


def _decimate(pcm: np.ndarray, channels: int) -> np.ndarray:
    """Interleaved int16 at RATE → mono float32 at SYNC_RATE (mean of each group)."""
    k = channels * (RATE // SYNC_RATE)  # samples (all channels) per output sample
    flat = pcm.reshape(-1)
    flat = flat[: len(flat) // k * k]
    total = sum(flat[i::k].astype(np.int32) for i in range(k))  # strided adds: fast
    return total.astype(np.float32) / (k * 32768.0)


def _layout(comment: str) -> dict:
    """intro/outro/min_slide that the renderer wrote into the MP4's comment."""
    found = dict(re.findall(r"(\w+)=([\d.]+)", comment)) if comment.startswith("lectern") else {}
    return {
        "intro": float(found.get("intro", 0)),
        "outro": float(found.get("outro", 0)),
        "min_slide": float(found.get("min_slide", 2.0)),
    }


def _keyframe_rule(slides: list, video: list[probe.Packet]) -> tuple[str, bool, str]:
    """Each slide starts on a keyframe within half a frame of its narration start."""
    keys = np.array([p.pts for p in video if p.key] or [np.inf])
    errs = [float(np.min(np.abs(keys - s.start))) for s in slides]
    bad = [s.index for s, e in zip(slides, errs, strict=True) if e > 0.5 / FPS + 1e-3]
    return (
        "slide starts",
        not bad,
        f"{len(slides)} slides, largest offset {max(errs) * 1000:.1f} ms"
        + (f"; no keyframe at slide {', '.join(map(str, bad))}" if bad else ""),
    )


def _both_channels(parts: list[np.ndarray]) -> tuple[str, bool, str]:
    """Narration on both channels (dual mono), as Udemy requires (int16, every sample)."""
    worst = (
        max((_peak(np.subtract(p[:, 0], p[:, 1], dtype=np.int32)) for p in parts), default=0)
        / 32768.0
    )
    level = max((_peak(p) for p in parts), default=0) / 32768.0
    return (
        "both channels",
        level > 0 and worst <= 0.02 * level,
        f"peak {level:.3f}, largest left/right difference {worst:.4f}",
    )


def _peak(x: np.ndarray) -> int:
    return max(int(x.max(initial=0)), -int(x.min(initial=0)))


def _sync_rule(
    slides: list, video: list[probe.Packet], ref: np.ndarray, heard: np.ndarray
) -> tuple[str, bool, str]:
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
    detail = (
        f"{len(offsets)} slide starts measured, largest A/V offset "
        f"{max(offsets, default=0) * 1000:.1f} ms (max {SYNC_TOLERANCE * 1000:.0f})"
    )
    return ("a/v sync", not bad, detail + (f"; off at {', '.join(bad)}" if bad else ""))


def _audio_lag(ref: np.ndarray, heard: np.ndarray, span) -> tuple[float, float] | None:
    """Where the slide's narration really plays relative to where it should (s), and how
    well it matches there (normalised correlation, 1 = identical). None when silent."""
    k = RATE // SYNC_RATE  # only the stretches compared are brought to SYNC_RATE
    a0, t0 = int(round(span.audio[0] * SYNC_RATE)), int(round(span.start * SYNC_RATE))
    pad = int(SEARCH * SYNC_RATE)
    # the whole search range must fit inside the video's audio (the last slide ends there)
    n = min(int(min(WINDOW, span.end - span.start) * SYNC_RATE), len(heard) // k - t0 - pad)
    want = _decimate(ref[a0 * k : (a0 + n) * k], 1)
    if len(want) < SYNC_RATE // 10 or float(np.sqrt(np.mean(want**2))) < 1e-3:
        return None
    lo = max(t0 - pad, 0)
    got = _decimate(heard[lo * k : (t0 + n + pad) * k], 2)
    if len(got) < len(want):
        return 0.0, 0.0  # the video's audio ends before this slide's narration
    # circular correlation: lags up to len(got) - len(want) never wrap round, so a size of
    # len(got) is enough (not len(got) + len(want), half the FFT work)
    size = 1 << int(np.ceil(np.log2(len(got))))
    corr = np.fft.irfft(np.fft.rfft(got, size) * np.conj(np.fft.rfft(want, size)), size)
    corr = corr[: len(got) - len(want) + 1]
    energy = np.concatenate([[0.0], np.cumsum(got.astype(np.float64) ** 2)])
    norms = np.sqrt(energy[len(want) :] - energy[: -len(want)]) * np.linalg.norm(want)
    score = corr / np.maximum(norms, 1e-9)
    best = int(np.argmax(score))
    return (lo + best - t0) / SYNC_RATE, float(score[best])

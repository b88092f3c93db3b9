"""video: frames + mastered narration → output/T/video/ID.mp4 (+ .vtt, .srt), fast.

Each distinct picture is encoded once into a short closed-GOP still segment and each
span's audio once into an AAC chunk, both cached in output/T/video/.segments/ by
content hash; a lecture is then joined from those H.264 access units and AAC packets
and written as an MP4 in Python (video/mp4.py). So a 10-minute lecture takes seconds, and
editing one slide re-encodes one picture or one chunk. Every MP4 passes the conformance
check (pipeline/checks/video.py) before it replaces the old one.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pipeline import captions, stages, tempfiles
from pipeline.course import Course
from pipeline.errors import InputError, LecternError, remake
from pipeline.formats import jsonfile
from pipeline.formats.frames import FrameIndex
from pipeline.fsutil import atomic_write_text, file_hash, hash_json, sha256_file, sha256_if_exists
from pipeline.keys import Key
from pipeline.log import Progress, info, warn
from pipeline.paths import check_image
from pipeline.video import annexb, audio, mp4, segments, timeline
from pipeline.video.timeline import FPS, RATE, SIZES, Span

if TYPE_CHECKING:
    from PIL import Image  # Pillow is slow to load: only where something is drawn

CONTRACT_SIZE = (1920, 1080)  # frames.json's promise (docs/ARCHITECTURE.md)
LECTURES_AT_ONCE = 2


class RenderError(LecternError):
    """A rendered video failed its conformance check."""


@dataclass
class Inputs:
    """A lecture's frames and narration, checked against each other."""

    frames: list[Path]
    narration: dict
    narration_path: Path
    wav_path: Path


@dataclass
class Picture:
    """A distinct picture to encode once: a frame, fixed up or captioned, or a card."""

    key: str
    source: Path | None = None  # a PNG usable as is
    draw: Callable[[], Image.Image] | None = None  # else a function that draws it


@dataclass
class Stats:
    """What a render did (tests count encodes; the log reports them)."""

    video_encoded: int = 0
    video_reused: int = 0
    audio_encoded: int = 0
    audio_reused: int = 0
    still: int = 0  # distinct pictures shown as one IDR frame + the all-skip template
    pictures: int = 0  # distinct pictures
    warnings: list[str] = field(default_factory=list)
    duration: float = 0.0


# --- the stage contract ---------------------------------------------------------------

STAGE = stages.stage("video")


def target(course: Course, lecture_id: str) -> Path:
    """The MP4 Make tracks for a lecture."""
    return STAGE.target(course, lecture_id)


# --- parts of the key (declared in the stage registry) ----------------------------------------


def frame_facts(course: Course, lecture_id: str) -> dict:
    """Each frame's name and hash, and the script slide it shows."""
    path = stages.stage("frames").target(course, lecture_id)
    index = _frame_index(path) if path.exists() else None
    return {
        "frames": [[n, file_hash(path.parent / n)] for n in (index.frames if index else [])],
        "script_slide": index.script_slide if index else None,
        "states": [index.page, index.at] if index and index.page else None,
    }


def sound_facts(course: Course, lecture_id: str) -> list | None:
    """The key of each span's audio chunk (None before there is narration): the render
    finds them here again, so the narration is hashed once per run."""
    npath, wav, _ = stages.stage("narration").outputs(course, lecture_id)
    if not npath.exists() or not wav.exists():
        return None
    path = stages.stage("frames").target(course, lecture_id)
    index = _frame_index(path) if path.exists() else None
    doc = timeline.per_page(timeline.load_narration(npath), index)
    return audio.span_keys(wav, plan_spans(course, doc))


def card_facts(course: Course, lecture_id: str) -> list | None:
    """The intro and outro cards' text, colours and fonts, when the video has them."""
    cfg = course.topic.video
    return _cards(course, lecture_id) if cfg.intro or cfg.outro else None


def asset_facts(course: Course, _item: str | None) -> dict:
    """The music and watermark files' hashes."""
    cfg = course.topic.video
    return {
        "music": sha256_if_exists(_asset(course, cfg.music, "music")),
        "watermark": sha256_if_exists(_asset(course, cfg.watermark, "watermark")),
    }


def plan_spans(course: Course, narration: dict) -> list[Span]:
    """The lecture's timeline: intro, one span per slide, outro."""
    cfg = course.topic.video
    return timeline.plan(
        narration,
        cfg.intro_seconds if cfg.intro else 0,
        cfg.outro_seconds if cfg.outro else 0,
        cfg.min_slide_seconds,
    )


def run(course: Course, only: list[str] | None = None, force: bool = False) -> dict:
    """Render lectures whose inputs changed; return per-lecture stats."""
    ids = course.lecture_ids(only)
    bar = Progress("video", len(ids))
    todo = list(STAGE.pending(course, ids, force, bar))

    def render(job: tuple[str, Key]) -> tuple[str, Stats]:
        with _cache_lock(course, fcntl.LOCK_SH):
            stats = render_lecture(course, *job)
        bar.step(job[0])
        return job[0], stats

    # two lectures at a time: one's encodes keep the cores busy while the other is
    # joined, written and checked (mostly one process at a time)
    with ThreadPoolExecutor(LECTURES_AT_ONCE) as pool:
        done = dict(pool.map(render, todo))
    if done:
        prune_segments(course)
    else:
        info("video: up to date")
    return done


@contextmanager
def _cache_lock(course: Course, mode: int):
    """Renders share the segment cache (shared lock); pruning needs it alone."""
    cache = _mkdir(course.out / "video" / ".segments")
    with open(cache / ".lock", "w") as lock:
        fcntl.flock(lock, mode)
        yield


def prune_segments(course: Course) -> int:
    """Delete cached segments and chunks no current video uses (skipped while any other
    render runs, e.g. under `make -j`); return how many went."""
    cache = course.out / "video" / ".segments"
    videos = [p.stem for p in cache.parent.glob("*.mp4")]
    if any(not (cache / f"used-{v}.txt").exists() for v in videos):
        return 0  # a video made before these lists existed: its parts are unknown
    try:
        with _cache_lock(course, fcntl.LOCK_EX | fcntl.LOCK_NB):
            used = {line for f in cache.glob("used-*.txt") for line in f.read_text().split()}
            stale = [p for p in cache.glob("[av]-*") if p.name not in used]
            for path in stale:
                path.unlink(missing_ok=True)
            return len(stale)
    except BlockingIOError:
        return 0


# --- one lecture ----------------------------------------------------------------------


def render_lecture(course: Course, lecture_id: str, k: Key | None = None) -> Stats:
    """Render, caption, check and atomically publish one lecture's video."""
    k = k or STAGE.key(course, lecture_id)  # the inputs as they are now, before any work
    stats = Stats()
    inp = load_inputs(course, lecture_id)
    spans = plan_spans(course, inp.narration)
    stats.duration = timeline.expected_duration(spans)
    cues = captions.cues_for(spans, stats.duration)
    out = target(course, lecture_id)
    work = tempfiles.folder(out.parent, lecture_id)
    try:
        mp4 = _build(course, lecture_id, inp, spans, cues, work, stats)
        exact = stats.still == stats.pictures  # else some are full x264 segments
        _publish(course, lecture_id, mp4, inp, cues, k, _layout(course, spans), exact)
        # what this video is made of: the segment cache keeps only what videos use
        os.replace(work / "used.txt", out.parent / ".segments" / f"used-{lecture_id}.txt")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    info(
        f"video {lecture_id}: {stats.duration:.1f} s; segments {stats.video_encoded} encoded, "
        f"{stats.video_reused} reused ({stats.still} of {stats.pictures} pictures one IDR "
        f"frame + template); audio chunks {stats.audio_encoded} encoded, "
        f"{stats.audio_reused} reused"
    )
    if stats.still < stats.pictures:  # each such picture cost a full x264 segment
        warn(
            f"video {lecture_id}: {stats.pictures - stats.still} picture(s) did not fit the "
            "still-segment template and were encoded in full (slower, same video)"
        )
    return stats


def _build(
    course: Course,
    lecture_id: str,
    inp: Inputs,
    spans: list[Span],
    cues: list,
    work: Path,
    stats: Stats,
) -> Path:
    """Encode what is missing (in parallel), then join and write work/video.mp4."""
    cfg = course.topic.video
    enc = segments.Encoding(*SIZES[cfg.resolution], unit=cfg.keyframe_seconds * FPS, crf=cfg.crf)
    cache = _mkdir(course.out / "video" / ".segments")
    with ThreadPoolExecutor(max(1, min(4, os.cpu_count() or 2))) as pool:
        # the template is needed by every picture job: submitted first, so it runs first
        template = pool.submit(segments.load_template, cache, enc, work)
        chunks, end = audio_chunks(course, inp, spans, cache, stats, pool.submit)
        sound = chunks.pop("jobs")  # encoding while the pictures are planned
        pieces = picture_pieces(course, lecture_id, inp, spans, cues, enc, stats)
        _wait(
            [
                pool.submit(_segment, pic, cache, enc, work, template)
                for pic in _missing(pieces, cache, stats)
            ]
        )
        # while the sound may still encode: the picture track, and the chunks already made
        frames = _join_video(pieces, cache, enc, template.result(), stats)
        video = mp4.h264_track(frames, (enc.width, enc.height), FPS)
        ready = audio.load([path for path, _ in chunks["placed"] if path.exists()])
        meta = _metadata(course, lecture_id, spans)
        _wait(sound)
    tracks = [video, mp4.aac_track(audio.join(chunks["placed"], end, ready), RATE)]
    used = {segments.path_for(cache, p.key).name for p, _ in pieces}
    used |= {path.name for path, _ in chunks["placed"]}
    (work / "used.txt").write_text("\n".join(sorted(used)) + "\n")
    mp4.write(work / "video.mp4", tracks, meta)
    return work / "video.mp4"


def _missing(pieces: list[tuple[Picture, int]], cache: Path, stats: Stats) -> list[Picture]:
    """The distinct pictures without a cached segment (counted in stats)."""
    distinct = {p.key: p for p, _ in pieces}.values()
    missing = [p for p in distinct if not segments.path_for(cache, p.key).exists()]
    stats.video_encoded, stats.video_reused = len(missing), len(distinct) - len(missing)
    return missing


def _wait(jobs: list[Future]) -> None:
    for job in jobs:
        job.result()  # re-raises the first failure


def _join_video(
    pieces: list[tuple[Picture, int]],
    cache: Path,
    enc: segments.Encoding,
    template: list,
    stats: Stats,
) -> list[annexb.AccessUnit]:
    """The lecture's whole picture track, frame by frame, from cached segments (counting
    the pictures that are one IDR frame followed by the template's P-frames)."""
    loaded = {
        p.key: annexb.access_units(segments.path_for(cache, p.key).read_bytes()) for p, _ in pieces
    }
    stats.pictures, stats.still = len(loaded), sum(len(seg) == 1 for seg in loaded.values())
    return segments.frames_for([(loaded[p.key], n) for p, n in pieces], enc.unit, template)


def _layout(course: Course, spans: list[Span]) -> dict[str, float]:
    """The timeline facts (besides narration.json) the conformance check needs."""
    first, last = spans[0], spans[-1]
    return {
        "intro": round(first.end, 3) if first.kind == "intro" else 0.0,
        "outro": round(last.end - last.start, 3) if last.kind == "outro" else 0.0,
        "min_slide": round(course.topic.video.min_slide_seconds, 3),
    }


def _metadata(course: Course, lecture_id: str, spans: list[Span]) -> dict[str, str]:
    """Title, and the timeline facts in the comment, for `lectern check-video FILE`."""
    facts = " ".join(f"{k}={v:.3f}" for k, v in _layout(course, spans).items())
    return {
        "title": course.lecture(lecture_id).title,
        "encoder": "Lectern",
        "comment": f"lectern {facts}",
    }


def _segment(
    pic: Picture, cache: Path, enc: segments.Encoding, work: Path, template: Future
) -> None:
    """Encode a picture's segment (drawing it first when it is not a usable PNG)."""
    src = pic.source
    if src is None:
        src = work / f"{pic.key[:16]}.png"
        pic.draw().save(src, compress_level=1)
    segments.encode_picture(src, segments.path_for(cache, pic.key), enc, template.result())


def _publish(
    course: Course,
    lecture_id: str,
    mp4: Path,
    inp: Inputs,
    cues: list,
    k: Key,
    layout: dict[str, float],
    exact_stills: bool,
) -> None:
    """Check the new MP4; only a passing one replaces the old, with its captions."""
    from pipeline.checks.video import check

    results = check(mp4, inp.narration_path, layout, exact_stills)
    failed = [f"{rule}: {detail}" for rule, ok, detail in results if not ok]
    if failed:
        raise RenderError(
            f"{target(course, lecture_id)}: the rendered video fails its "
            "conformance check:\n  " + "\n  ".join(failed)
        )
    out, vtt, srt = STAGE.outputs(course, lecture_id)
    atomic_write_text(vtt, captions.to_vtt(cues))
    atomic_write_text(srt, captions.to_srt(cues))
    os.replace(mp4, out)  # same folder (the work dir is inside it): atomic
    STAGE.record(course, lecture_id, k)


# --- inputs -----------------------------------------------------------------------------


def load_inputs(course: Course, lecture_id: str) -> Inputs:
    """Frames and narration of a lecture, with clear errors when they do not match."""
    fdir, adir = course.frames_dir(lecture_id), course.audio_dir(lecture_id)
    fjson = fdir / "frames.json"
    if not fjson.exists():
        raise InputError(f"{fjson}: frames not found; run `make frames TOPIC={course.slug}`")
    index = _frame_index(fjson)
    frames = [fdir / n for n in index.frames]
    for f in frames:
        if not f.exists():
            raise InputError(
                f"{f}: listed in {fjson.name} but missing; run {remake(fjson, 'frames')}"
            )
    npath = adir / "narration.json"
    doc = timeline.per_page(timeline.load_narration(npath), index)
    pages = index.page or []
    firsts = [frames[pages.index(p)] for p in sorted(set(pages))]  # a frame per deck slide
    _match(course, firsts or frames, doc, npath)
    return Inputs(frames, doc, npath, adir / "narration.wav")


def _frame_index(path: Path) -> FrameIndex:
    """frames.json: the frames, and the script slide and build state each shows."""
    return jsonfile.read(FrameIndex, path, "frames")


def _match(course: Course, frames: list[Path], doc: dict, npath: Path) -> None:
    """Every slide needs a frame and an audio segment; name the first that has not."""
    slides = doc["slides"]
    fix = f"run `make narration TOPIC={course.slug}`"
    if len(slides) < len(frames):
        n = len(slides) + 1
        raise InputError(
            f"{npath}: missing audio segment for slide {n} "
            f"({frames[n - 1].name}): the narration has {len(slides)} slides, "
            f"the deck {len(frames)}; {fix}"
        )
    if len(slides) > len(frames):
        raise InputError(
            f"{npath.parent.parent.parent / 'frames'}: slide {len(frames) + 1} has "
            f"narration but no frame; run `make frames TOPIC={course.slug}`"
        )
    wav = npath.with_name("narration.wav")
    if not wav.exists():
        raise InputError(f"{wav}: narration audio not found; {fix}")
    _check_wav_length(wav, slides, fix)


def _check_wav_length(wav: Path, slides: list[dict], fix: str) -> None:
    """A slide whose span runs past the end of the WAV has (part of) its audio missing."""
    seconds = len(audio.read_wav(wav)) / RATE  # mapped, not read; a clear error if broken
    for n, s in enumerate(slides, 1):
        if float(s["end"]) > seconds + 0.05 and float(s["end"]) > float(s["start"]):
            raise InputError(
                f"{wav}: missing audio segment for slide {n}: it runs to "
                f"{float(s['end']):.2f} s but the audio ends at {seconds:.2f} s; "
                f"{fix}"
            )


# --- pictures and audio -----------------------------------------------------------------


def picture_pieces(
    course: Course,
    lecture_id: str,
    inp: Inputs,
    spans: list[Span],
    cues: list,
    enc: segments.Encoding,
    stats: Stats,
) -> list[tuple[Picture, int]]:
    """(picture, frames) in play order; every span starts on its own segment."""
    cfg, size = course.topic.video, (enc.width, enc.height)
    wm = _asset(course, cfg.watermark, "watermark")
    mark = [sha256_if_exists(wm), cfg.watermark_opacity] if wm else None
    extra = {"enc": asdict(enc), "wm": mark}
    out = []
    for span in spans:
        for a, b, frame in _states(span, inp.frames):
            base = _base(course, lecture_id, span.kind, frame, size, stats)
            burn = cfg.captions == "burn"
            for start, end, lines in _caption_parts(a, b, cues) if burn else [(a, b, [])]:
                n = timeline.frame_at(end) - timeline.frame_at(start)
                if n > 0:
                    out.append((_picture(base, lines, size, wm, cfg.watermark_opacity, extra), n))
    return out


def _states(span: Span, frames: list[Path]) -> list[tuple[float, float, Path | None]]:
    """The pictures of a span and when each shows: a slide's build states in turn (its
    frame alone when it does not build); a card has no frame."""
    if span.kind != "slide":
        return [(span.start, span.end, None)]
    shown = span.states or [(span.start, span.index - 1)]
    ends = [t for t, _ in shown[1:]] + [span.end]
    last = len(frames) - 1
    return [(t, end, frames[min(i, last)]) for (t, i), end in zip(shown, ends, strict=True)]


def _base(
    course: Course,
    lecture_id: str,
    kind: str,
    frame: Path | None,
    size: tuple[int, int],
    stats: Stats,
) -> tuple[dict, Path | None, object]:
    """A picture to show: (identity, PNG if usable as is, drawer)."""
    if frame is None:
        palette, fonts = _pictures().card_style(course.theme)
        title, sub = _card_text(course, lecture_id)[kind]
        ident = {"card": [title, sub, palette, fonts, size]}
        return ident, None, lambda: _pictures().card(size, title, sub, palette, fonts)
    actual = _image_size(frame)
    if actual != CONTRACT_SIZE:
        msg = (
            f"{frame}: frame is {actual[0]}x{actual[1]}, not 1920x1080; scaled and "
            f"letterboxed (to fix it: {remake(frame, 'frames')})"
        )
        warn(msg)
        stats.warnings.append(msg)
    ident = {"frame": file_hash(frame), "size": size}
    usable = frame if actual[0] * size[1] == actual[1] * size[0] else None
    return ident, usable, lambda: _pictures().fit(_pictures().Image.open(frame), size)


def _image_size(path: Path) -> tuple[int, int]:
    """A frame's width and height, from a PNG's header (else Pillow opens it)."""
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR":
        return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    with _pictures().Image.open(path) as im:
        return im.size


def _pictures():
    """The drawing module, loaded only when something is drawn (Pillow is slow to load)."""
    from pipeline.video import pictures

    return pictures


def _picture(
    base: tuple,
    lines: list[str],
    size: tuple[int, int],
    wm: Path | None,
    opacity: float,
    extra: dict,
) -> Picture:
    """Combine a base picture with a caption and a watermark into one cacheable picture."""
    ident, usable, draw = base
    k = hash_json({**ident, **extra, "caption": lines})
    if usable is not None and not lines and wm is None:
        return Picture(k, source=usable)

    def make():
        pictures = _pictures()
        img = pictures.fit(draw(), size)
        img = pictures.burn_caption(img, lines) if lines else img
        return pictures.watermark(img, wm, opacity) if wm else img

    return Picture(k, draw=make)


def _caption_parts(start: float, end: float, cues: list) -> list[tuple[float, float, list[str]]]:
    """Split a stretch of the timeline where burned captions appear and disappear."""
    cuts = sorted({start, end, *(t for c in cues for t in (c.start, c.end) if start < t < end)})
    parts = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        mid = (a + b) / 2
        lines = next((c.lines for c in cues if c.start <= mid < c.end), [])
        parts.append((a, b, lines))
    return parts


def audio_chunks(
    course: Course, inp: Inputs, spans: list[Span], cache: Path, stats: Stats, submit
) -> tuple[dict, int]:
    """Chunks placed on packet boundaries, and the end; missing chunks are handed to
    `submit` (a pool's) to encode as soon as they are found."""
    wav = audio.read_wav(inp.wav_path)
    # one packet more than the picture's length: packet 0 is the encoder's priming, which
    # the MP4's edit list skips (mp4.aac_track), so the sound still lasts as long
    end = timeline.packet_at(timeline.expected_duration(spans)) + 1
    music = _asset(course, course.topic.video.music, "music")
    if music:
        return _music_chunk(course, wav, spans, music, cache, stats, submit), end
    placed, jobs = [], {}
    for span, k in zip(spans, audio.span_keys(inp.wav_path, spans), strict=True):
        path = audio.path_for(cache, k)
        placed.append((path, timeline.packet_at(span.start)))
        if not path.exists() and path not in jobs:
            jobs[path] = submit(audio.encode, audio.span_samples(wav, span), path)
    stats.audio_encoded, stats.audio_reused = len(jobs), len(spans) - len(jobs)
    return {"placed": placed, "jobs": list(jobs.values())}, end


def _music_chunk(
    course: Course,
    wav: np.ndarray,
    spans: list[Span],
    music: Path,
    cache: Path,
    stats: Stats,
    submit,
) -> dict:
    """The whole lecture's voice on one timeline, mixed with music: one chunk."""
    voice = np.zeros(int(round(spans[-1].end * RATE)), "<i2")
    for span in spans:
        part = audio.span_samples(wav, span)
        at = int(round(span.start * RATE))
        voice[at : at + len(part)] = part[: len(voice) - at]
    db = course.topic.video.music_db
    path = audio.path_for(cache, hash_json([audio.key_of(voice), sha256_file(music), db]))
    jobs = [] if path.exists() else [submit(audio.mix_music, voice, music, path, db)]
    stats.audio_encoded, stats.audio_reused = len(jobs), 1 - len(jobs)
    return {"placed": [(path, 0)], "jobs": jobs}


# --- helpers ----------------------------------------------------------------------------


def _card_text(course: Course, lecture_id: str) -> dict:
    """Intro: lecture title over course title; outro: course title and author."""
    lec, topic = course.lecture(lecture_id), course.topic
    return {"intro": (lec.title, topic.title), "outro": (topic.title, f"by {topic.author}")}


def _cards(course: Course, lecture_id: str) -> list:
    """What the intro/outro cards show, and in which colours and fonts."""
    return [_card_text(course, lecture_id), _pictures().card_style(course.theme)]


def _asset(course: Course, name: str | None, what: str) -> Path | None:
    """A file named in topic.yaml (video.music / video.watermark), or a clear error."""
    if not name:
        return None
    path = course.file(name, f"video.{what}")
    if what == "watermark":
        check_image(path, f"{course.topic_path}: video.watermark", name)
    return path


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path

"""narration: each slide's note → speech, cached per sentence, mastered per lecture.

Reads courses/T/slides/ID.md; writes output/T/audio/ID/{narration.wav, narration.json,
narration.txt}. Every sentence's audio is cached in output/.cache/tts/ under a hash of
(provider, voice, settings, spoken text), so editing one note re-synthesises only the
sentences that changed, in any lecture, and a paid voice is never paid twice.
"""

from __future__ import annotations

import json
import math
import os
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from pipeline import locks, stages, tools
from pipeline.config import VoiceConfig
from pipeline.course import Course
from pipeline.errors import InputError
from pipeline.formats import jsonfile
from pipeline.formats.narration import Narration
from pipeline.fsutil import atomic_write_bytes, hash_json
from pipeline.keys import Key
from pipeline.log import Progress, info
from pipeline.providers.tts import TTSProvider, create, for_course
from pipeline.slides import parse_file
from pipeline.speech import master as m
from pipeline.speech.normalize import normalize
from pipeline.speech.sentences import fit, sentence_spans

# Mastered slides are cached by their content and this: bump it when mastering changes.
MASTERING = 4
JOIN_PAUSE = 0.12  # seconds between the two halves of a sentence cut at a [>] marker
_WORKER: dict[str, TTSProvider] = {}  # the provider a pool worker (or this process) uses


@dataclass
class Line:
    """One synthesised unit: a sentence (or a piece of a long one)."""

    caption: str  # as written in the note
    text: str  # as spoken, after normalisation
    clip: str  # cache key of its audio
    at: int = 0  # where it starts in the note (a build step may start there)
    joined: bool = False  # it goes on with the sentence before it (cut at a [>] marker)


@dataclass
class SlidePlan:
    """What the voice says on one slide, and the extra pause after it."""

    index: int
    title: str
    line: int
    pause: float
    lines: list[Line] = field(default_factory=list)


STAGE = stages.stage("narration")


def target(course: Course, lecture_id: str) -> Path:
    """narration.json, the file Make tracks for a lecture's narration."""
    return STAGE.target(course, lecture_id)


def clip_path(course: Course, clip: str) -> Path:
    """Where a sentence's audio is cached (shared by every course and lecture)."""
    return course.cache_dir / "tts" / clip[:2] / f"{clip}.wav"


# --- planning: notes → sentences → spoken text → cache keys -------------------------------


def plan_lecture(course: Course, lecture_id: str, provider: TTSProvider) -> list[SlidePlan]:
    """Split every slide's note into spoken lines with their cache keys."""
    path = course.slides_path(lecture_id)
    slides = parse_file(path, course.image_dirs, allow_empty_notes=True)
    if not course.topic.video.builds:
        for s in slides:
            s.marks = []  # no build steps: nothing to cut the sentences at
    ident = provider.identity()
    return [_plan_slide(course, path, i, s, provider, ident) for i, s in enumerate(slides, 1)]


def _plan_slide(
    course: Course, path: Path, index: int, slide, provider: TTSProvider, ident: dict
) -> SlidePlan:
    """One slide's plan; an empty note is an error unless narration.empty_note is pause."""
    cfg = course.topic.narration
    plan = SlidePlan(index, slide.title, slide.line, max(0.0, slide.pause))
    for at, text, joined in _parts(slide.note, slide.marks):
        for n, piece in enumerate(
            fit(text, provider.max_chars, lambda s: normalize(s, cfg.lexicon))
        ):
            spoken = normalize(piece, cfg.lexicon)
            if any(ch.isalnum() for ch in spoken):  # a lone "…" or "—" has nothing to say
                clip = hash_json({"tts": ident, "text": spoken})
                found = slide.note.find(piece, at)  # fit's pieces are the note's own text
                at = found if found >= 0 else at
                plan.lines.append(Line(piece, spoken, clip, at, joined and n == 0))
                at += len(piece)
    if not plan.lines and cfg.empty_note == "error":
        raise InputError(
            f"{path}:{slide.line}: slide {index} '{slide.title}' has no narration "
            "to speak: write what the voice should say after `Note:`, or set "
            "`narration: {empty_note: pause}` in topic.yaml for a silent slide"
        )
    return plan


def _parts(note: str, marks: list[int]) -> list[tuple[int, str, bool]]:
    """The note's sentences, each cut where a `[>]` marker falls inside it: (where it
    starts, its text, whether it goes on with the sentence before)."""
    out = []
    for a, b in sentence_spans(note):
        cuts = [a, *(m for m in marks if a < m < b), b]
        for n, (x, y) in enumerate(zip(cuts, cuts[1:], strict=False)):
            if note[x:y].strip():
                out.append((x, note[x:y].strip(), n > 0))
    return out


def _check_speakable(
    course: Course, lecture_id: str, plan: list[SlidePlan], provider: TTSProvider
) -> None:
    """Fail before synthesis when the voice cannot read a slide's text."""
    for slide in plan:
        for line in slide.lines:
            reason = provider.check_text(line.text)
            if reason:
                raise InputError(
                    f"{course.slides_path(lecture_id)}:{slide.line}: slide "
                    f"{slide.index} '{slide.title}': {reason}"
                )


# --- synthesis: missing sentences, in parallel, written to the cache ----------------------


def _init_worker(voice: dict, dirs: list[Path], threads: int) -> None:
    """Pool worker start-up: build the provider once (Piper loads its model on first use)."""
    _WORKER["provider"] = create(VoiceConfig(**voice), dirs)
    _WORKER["provider"].threads = threads


def _synth_job(job: list[tuple[str, str, str]]) -> float:
    """Speak one slide's missing sentences into the cache; return seconds of audio made."""
    made = 0.0
    for _clip, text, dest in job:
        with locks.key_lock(Path(dest)):  # another run may be speaking the same sentence
            if m.is_whole_wav(Path(dest)):
                continue
            clip = _WORKER["provider"].synthesize(text)
            atomic_write_bytes(Path(dest), m.wav_bytes(clip.samples, clip.rate))
        made += clip.seconds
    return made


def _jobs(course: Course, plans: list[list[SlidePlan]]) -> list[list[tuple[str, str, str]]]:
    """Per slide, the sentences not in the cache yet (each sentence once per run)."""
    seen: set[str] = set()
    jobs = []
    for slide in (s for plan in plans for s in plan):
        job = []
        for line in slide.lines:
            dest = clip_path(course, line.clip)
            if line.clip not in seen and not m.is_whole_wav(dest):
                job.append((line.clip, line.text, str(dest)))
            seen.add(line.clip)
        jobs.append(job)
    return jobs


def _executor(provider: TTSProvider, n_jobs: int, dirs: list[Path]):
    """Threads for cloud voices, a small process pool for Piper, none for one worker."""
    workers = min(provider.voice.concurrency, n_jobs)
    if not provider.cloud:
        workers = min(workers, os.cpu_count() or 1)
    if workers <= 1:
        return None
    if provider.cloud:
        return ThreadPoolExecutor(workers)
    # Measured here: 2 processes × 1 onnxruntime thread beat 1 process × 2 threads by ~10%
    # and 2 processes × 2 threads (oversubscribed) by ~40%.
    threads = max(1, (os.cpu_count() or 1) // workers)
    return ProcessPoolExecutor(
        workers, initializer=_init_worker, initargs=(provider.voice.model_dump(), dirs, threads)
    )


def synthesize(course: Course, provider: TTSProvider, plans: list[list[SlidePlan]]) -> dict:
    """Fill the cache for every line of `plans`; return counts for the report."""
    jobs = _jobs(course, plans)
    todo = [j for j in jobs if j]
    bar, made, start = Progress("narration", len(jobs)), [0.0], time.monotonic()
    for _ in range(len(jobs) - len(todo)):
        bar.step("cached")
    _WORKER["provider"] = provider
    pool = _executor(provider, len(todo), course.image_dirs)
    if pool is None:
        for job in todo:
            made[0] += _synth_job(job)
            bar.step(f"{made[0]:.0f} s of audio made")
    else:
        _run_pool(pool, todo, bar, made)
    n = sum(len(j) for j in todo)
    return {"synthesized": n, "seconds": made[0], "wall": time.monotonic() - start}


def _run_pool(pool, todo: list, bar: Progress, made: list[float]) -> None:
    """Run jobs in the pool, stopping at the first error (its message reaches the person)."""
    with pool:
        futures = [pool.submit(_synth_job, job) for job in todo]
        try:
            for fut in as_completed(futures):
                made[0] += fut.result()
                bar.step(f"{made[0]:.0f} s of audio made")
        except BaseException:
            for fut in futures:  # do not keep paying for work whose lecture failed
                fut.cancel()
            raise


# --- assembly and output ------------------------------------------------------------------


def _load(course: Course, clip: str, memo: dict) -> np.ndarray:
    """A cached sentence, trimmed and at 48 kHz."""
    if clip not in memo:
        audio = m.read_wav(clip_path(course, clip).read_bytes())
        memo[clip] = m.resample(m.trim(audio), audio.rate)
    return memo[clip]


def slide_audio(course: Course, slide: SlidePlan, memo: dict) -> tuple[np.ndarray, list]:
    """One slide's sentences with pauses between them and its pause after; the sentence
    times are relative to the slide's start."""
    cfg, parts, sentences = course.topic.narration, [], []
    pos = _add_gap(parts, cfg.lead_in if slide.index == 1 else 0)
    for j, line in enumerate(slide.lines):
        gap = JOIN_PAUSE if line.joined else cfg.sentence_pause
        pos += _add_gap(parts, gap if j else 0)
        audio = _load(course, line.clip, memo)
        parts.append(audio)
        sentences.append(
            {
                "text": line.text,
                "caption": line.caption,
                "start": pos,
                "end": pos + len(audio),
                "at": line.at,
                "joined": line.joined,
            }
        )
        pos += len(audio)
    _add_gap(parts, (0 if slide.lines else cfg.empty_note_seconds) + cfg.slide_pause + slide.pause)
    return (np.concatenate(parts) if parts else np.zeros(0, np.float32)), sentences


def mastered_path(course: Course, lecture_id: str, slide: SlidePlan) -> tuple[Path, str]:
    """Where a slide's mastered audio is cached, and the key of its content."""
    plan = asdict(slide)
    for line in plan["lines"]:
        line.pop("at")  # where a line sits in the note does not change its sound
    k = hash_json(
        {
            "v": MASTERING,
            "slide": plan,
            "cfg": course.topic.narration.model_dump(exclude={"lexicon"}),
        }
    )
    return course.audio_dir(lecture_id) / "slides" / f"{k[:32]}.npz", k


def mastered_slide(course: Course, slide: SlidePlan, cached: tuple[Path, str], memo: dict):
    """A slide's mastered audio, its sentences and its true peak, cached by its content.

    Each slide is mastered on its own (same loudness target, room tone seeded by the
    slide), so editing one slide leaves every other slide's samples bit-identical and
    the render can reuse their encoded audio.
    """
    cfg, (path, k) = course.topic.narration, cached
    if path.exists():
        try:
            data = np.load(path, allow_pickle=False)
            return data["audio"], json.loads(str(data["sentences"])), float(data["peak"])
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):
            pass  # damaged (a crash, a full disk), or from before peaks were kept: again
    raw, sentences = slide_audio(course, slide, memo)
    audio, peak = m.master(
        raw, cfg.loudness_lufs, cfg.true_peak_db, cfg.room_tone_db, seed=int(k[:8], 16)
    )
    _save_npz(path, audio, sentences, peak)
    return audio, sentences, peak


def _save_npz(path: Path, audio: np.ndarray, sentences: list, peak: float) -> None:
    """Cache a mastered slide atomically."""
    import io

    buf = io.BytesIO()
    np.savez(buf, audio=audio.astype(np.float32), sentences=json.dumps(sentences), peak=peak)
    atomic_write_bytes(path, buf.getvalue())


def assemble(course: Course, lecture_id: str, plan: list[SlidePlan]):
    """The lecture: mastered slides end to end; slide timings that tile it; its true
    peak (the loudest slide's: slides start and end in quiet room tone, so joining them
    makes no new peak)."""
    memo, parts, slides, pos, used, peak = {}, [], [], 0, set(), -math.inf
    for slide in plan:
        cached = mastered_path(course, lecture_id, slide)
        used.add(cached[0].name)
        audio, sentences, slide_peak = mastered_slide(course, slide, cached, memo)
        peak = max(peak, slide_peak)
        slides.append(
            {
                "index": slide.index,
                "start": _s(pos),
                "end": _s(pos + len(audio)),
                "sentences": [
                    {**x, "start": _s(pos + x["start"]), "end": _s(pos + x["end"])}
                    for x in sentences
                ],
            }
        )
        parts.append(audio)
        pos += len(audio)
    _prune(course.audio_dir(lecture_id) / "slides", used)
    audio = np.concatenate(parts) if parts else np.zeros(0, np.float32)
    return audio, slides, peak


def _prune(folder: Path, keep: set[str]) -> None:
    """Drop mastered slides this lecture no longer uses."""
    for path in folder.glob("*.npz"):
        if path.name not in keep:
            path.unlink(missing_ok=True)


def _add_gap(parts: list, seconds: float) -> int:
    """Append a pause (room tone is added under it when mastering)."""
    n = int(round(seconds * m.RATE))
    if n > 0:
        parts.append(np.zeros(n, np.float32))
    return max(n, 0)


def _s(samples: int) -> float:
    """Seconds, exact to the sample (the render cuts slides at these times)."""
    return round(samples / m.RATE, 6)


def spoken_text(plan: list[SlidePlan]) -> str:
    """The text that was spoken, slide by slide, kept beside the audio."""
    blocks = [f"# slide {s.index}: {s.title}\n" + "\n".join(x.text for x in s.lines) for s in plan]
    return "\n\n".join(blocks) + "\n"


def write_lecture(course: Course, lecture_id: str, plan: list[SlidePlan], key: Key) -> dict:
    """Master one lecture and write its WAV, timings and spoken text, atomically."""
    audio, slides, peak = assemble(course, lecture_id, plan)
    lufs = m.loudness(audio)
    duration = _s(len(audio))
    if slides:
        slides[-1]["end"] = duration
    doc = {
        "sample_rate": m.RATE,
        "duration": duration,
        "loudness_lufs": round(lufs, 2),
        "true_peak_dbtp": round(peak, 2),
        "slides": slides,
    }
    timings, wav, text = STAGE.outputs(course, lecture_id)
    for path, data in (
        (wav, m.wav_bytes(audio, m.RATE)),  # the JSON Make tracks goes last
        (text, spoken_text(plan).encode("utf-8")),
        (timings, jsonfile.dumps(Narration.model_validate(doc), 2).encode()),
    ):
        atomic_write_bytes(path, data)
    STAGE.record(course, lecture_id, key)
    info(f"narration {lecture_id}: {duration:.1f} s, {lufs:.1f} LUFS, true peak {peak:.1f} dBTP")
    return doc


# --- the stage ----------------------------------------------------------------------------


def run(course: Course, only: list[str] | None = None, force: bool = False) -> dict:
    """Narrate lectures whose inputs changed; return what was done (for tests and bench)."""
    provider = for_course(course)
    todo = []
    for lecture_id, k in STAGE.pending(course, course.lecture_ids(only), force):
        plan = plan_lecture(course, lecture_id, provider)
        _check_speakable(course, lecture_id, plan, provider)
        todo.append((lecture_id, plan, k))
    if not todo:
        info("narration: up to date")
        return {"synthesized": 0, "seconds": 0.0, "lectures": {}}
    report = synthesize(course, provider, [plan for _, plan, _ in todo])
    # lectures are mastered side by side: numpy and scipy let go of the GIL in the filters
    with ThreadPoolExecutor(tools.cores()) as pool:
        docs = pool.map(lambda job: write_lecture(course, *job), todo)
        report["lectures"] = dict(zip([i for i, _, _ in todo], docs, strict=True))
    info(
        f"narration: {report['synthesized']} sentences synthesised "
        f"({report['seconds']:.0f} s of audio in {report['wall']:.0f} s)"
    )
    return report

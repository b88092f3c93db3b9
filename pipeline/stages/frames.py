"""frames stage: output/T/decks/ID.pptx → output/T/frames/ID/ (PDF, PNG frames, index).

LibreOffice renders the deck to PDF (kept: the Udemy bundle offers it as a download)
and poppler rasterises each page to exactly 1920x1080, so the video shows the deck
exactly as a viewer would. One run converts every changed deck: LibreOffice starts
once per core (not once per deck), each with its own profile directory, so parallel
`make -j` runs never share (and lock) one profile; one that crashes is started again
for the decks it left. Pages are rasterised side by side, as raw pixels that Pillow
writes as PNG (poppler's own PNG writer takes twice as long).
"""

from __future__ import annotations

import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from pptx import Presentation

from pipeline import log, stages, tempfiles, tools
from pipeline.course import Course
from pipeline.errors import LecternError, remake
from pipeline.formats import jsonfile
from pipeline.formats.frames import DeckMap, FrameIndex
from pipeline.keys import Key

SIZE = (1920, 1080)
SOFFICE_TIMEOUT = 300  # s per deck
ATTEMPTS = 2  # a LibreOffice that dies is started once more for the decks it left
PAGES_PER_JOB = 6  # pages one poppler process rasterises (jobs run one per core)
FRAME = re.compile(r"^slide-(\d+)\.png$")


STAGE = stages.stage("frames")


@dataclass
class Job:
    """One lecture's conversion: its deck (for the PDF) and the deck the frames come from."""

    lecture_id: str
    key: Key
    decks: list[Path]  # copies in the run's work folder, named after the lecture
    count: int  # slides in the deck
    source: Path  # the deck the frames come from: its build states, when it has steps
    slides: int  # slides in that deck
    states: list[tuple[int, int]]  # (deck slide, narration offset) per frame; [] one each

    @property
    def pdf(self) -> Path:
        return self.decks[0].with_suffix(".pdf")

    @property
    def frames_pdf(self) -> Path:
        return self.decks[-1].with_suffix(".pdf")


def run(course: Course, only: list[str] | None = None, force: bool = False) -> None:
    """Render the frames of every lecture whose deck changed, all in one conversion."""
    ids = course.lecture_ids(only)
    progress = log.Progress("frames", len(ids))
    todo = list(STAGE.pending(course, ids, force, progress))
    if not todo:
        return
    work = tempfiles.folder(course.out / "frames", "run")
    try:
        jobs = [_job(course, lecture_id, k, work) for lecture_id, k in todo]
        to_pdf([d for job in jobs for d in job.decks], work)
        pages = rasterise(jobs, work)
        for job in jobs:
            n = make_frames(course, job, pages[job.lecture_id])
            STAGE.record(course, job.lecture_id, job.key)
            progress.step(f"{job.lecture_id} ({n} frames)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _job(course: Course, lecture_id: str, k: Key, work: Path) -> Job:
    """Copy a lecture's deck (and its build states, when it has steps) into `work`."""
    deck, mapping, states = stages.stage("decks").outputs(course, lecture_id)
    count, frames = len(Presentation(str(deck)).slides), _deck_frames(mapping)
    stepped = states.exists() and len(frames) > count
    copies = {deck: work / f"{lecture_id}.pptx"}
    if stepped:
        copies[states] = work / f"{lecture_id}.states.pptx"
    for src, copy in copies.items():
        shutil.copyfile(src, copy)
    source = states if stepped else deck
    slides = len(Presentation(str(states)).slides) if stepped else count
    frames = frames if stepped or len(frames) == count else []
    return Job(lecture_id, k, list(copies.values()), count, source, slides, frames)


def make_frames(course: Course, job: Job, pngs: list[Path]) -> int:
    """Check the lecture's PNGs, move them and its PDF into place; frames.json last."""
    check_frames(job.source, job.slides, pngs)
    dest = course.frames_dir(job.lecture_id)
    dest.mkdir(parents=True, exist_ok=True)
    names = install(pngs, job.pdf, dest)
    frames = job.states
    pages = [p for p, _ in frames] or list(range(1, job.count + 1))
    slides = script_slides(course, job.lecture_id, job.count)
    index = FrameIndex(
        size=SIZE,
        frames=names,
        pdf="deck.pdf",
        script_slide=[slides[p - 1] for p in pages],
        page=pages if frames else None,
        at=[a for _, a in frames] if frames else None,
    )
    jsonfile.write(STAGE.target(course, job.lecture_id), index)
    return len(names)


def _deck_frames(mapping: Path) -> list[tuple[int, int]]:
    """The build states decks/ID.json lists (deck slide, narration offset)."""
    return jsonfile.read(DeckMap, mapping, "decks").frames if mapping.exists() else []


def to_pdf(decks: list[Path], work: Path) -> None:
    """Each PPTX → a PDF beside it: one LibreOffice per core, each converting its share
    of the decks in one run; decks a crashed LibreOffice left are tried once more."""
    left = list(decks)
    for attempt in range(ATTEMPTS):
        shares = [left[n :: tools.cores()] for n in range(min(tools.cores(), len(left)))]
        with ThreadPoolExecutor(len(shares)) as pool:
            tries = [
                pool.submit(_soffice, share, work, attempt, n) for n, share in enumerate(shares)
            ]
            errors = [t.result() for t in tries]
        left = [d for d in left if not d.with_suffix(".pdf").exists()]
        if not left:
            return
        if attempt == ATTEMPTS - 1:
            why = next((e for e in errors if e), "it gave no reason")
            deck = work.parent.parent / "decks" / left[0].name  # the deck it was copied from
            raise LecternError(
                f"LibreOffice made no PDF from {deck}: {why}; open the deck in Impress "
                f"to see whether it is damaged, then run {remake(deck, 'decks frames')}"
            )
        log.warn(f"LibreOffice stopped before {len(left)} deck(s); starting it again")


def _soffice(decks: list[Path], work: Path, attempt: int, n: int) -> str:
    """Convert `decks` in one headless LibreOffice with a private profile; '' or the error."""
    profile = work / f"lo-profile-{attempt}-{n}"
    cmd = [
        tools.soffice(),
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "pdf",
        "--outdir",
        str(work),
        *map(str, decks),
    ]
    try:
        tools.run(cmd, f"converting {len(decks)} deck(s) to PDF", SOFFICE_TIMEOUT * len(decks))
    except LecternError as e:  # a crash: the decks it finished are kept, the rest retried
        return str(e)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return ""


def rasterise(jobs: list[Job], work: Path) -> dict[str, list[Path]]:
    """Every frames PDF's pages as SIZE PNGs, rasterised side by side; by lecture."""
    chunks = [
        (job, first, min(first + PAGES_PER_JOB - 1, job.slides))
        for job in jobs
        for first in range(1, job.slides + 1, PAGES_PER_JOB)
    ]
    with ThreadPoolExecutor(tools.cores()) as pool:
        done = list(pool.map(lambda c: to_png(c[0].frames_pdf, c[1], c[2], work), chunks))
    pages: dict[str, list[Path]] = {job.lecture_id: [] for job in jobs}
    for (job, _, _), pngs in zip(chunks, done, strict=True):
        pages[job.lecture_id] += pngs
    return pages


def to_png(pdf: Path, first: int, last: int, work: Path) -> list[Path]:
    """Pages first..last of `pdf` as PNGs of exactly SIZE (fewer if the PDF is short)."""
    w, h = SIZE
    stem = work / f"{pdf.stem}-{first}"
    cmd = [tools.pdftoppm(), "-scale-to-x", str(w), "-scale-to-y", str(h)]
    cmd += ["-f", str(first), "-l", str(last), str(pdf), str(stem)]
    try:
        tools.run(cmd, f"rasterising {pdf.name}", timeout=300)
    except LecternError as e:
        if "Wrong page range" not in str(e):
            raise
        return []  # fewer pages than slides: check_frames names the deck
    raw = sorted(work.glob(f"{stem.name}-*.ppm"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    pngs = []
    for ppm in raw:
        png = ppm.with_suffix(".png")
        with Image.open(ppm) as im:
            im.save(png, compress_level=1)  # flat slides: level 1 is 3x faster, 1.4x larger
        ppm.unlink()
        pngs.append(png)
    return pngs


def check_frames(deck: Path, slides: int, pngs: list[Path]) -> None:
    """Every slide became exactly one frame of the right size."""
    if len(pngs) != slides:
        raise LecternError(
            f"{deck}: LibreOffice rendered {len(pngs)} pages for {slides} "
            f"slides; rebuild the deck with {remake(deck, 'decks')}"
        )
    for png in pngs:
        with Image.open(png) as im:
            if im.size != SIZE:
                raise LecternError(
                    f"{png.name} is {im.size[0]}x{im.size[1]}, not "
                    f"{SIZE[0]}x{SIZE[1]}: the deck is not 16:9"
                )


def install(pngs: list[Path], pdf: Path, dest: Path) -> list[str]:
    """Rename the new files into the frames folder; drop frames of removed slides."""
    names = [f"slide-{i:03d}.png" for i in range(1, len(pngs) + 1)]
    for png, name in zip(pngs, names, strict=True):
        os.replace(png, dest / name)
    os.replace(pdf, dest / "deck.pdf")
    for old in dest.iterdir():
        m = FRAME.match(old.name)
        if m and int(m[1]) > len(names):
            old.unlink()
    return names


def script_slides(course: Course, lecture_id: str, count: int) -> list[int]:
    """The script slide each deck slide shows (from the deck's mapping; else one to one)."""
    path = stages.stage("decks").outputs(course, lecture_id)[1]  # the deck's slide map
    if path.exists():
        mapping = jsonfile.read(DeckMap, path, "decks").slides
        if len(mapping) == count:
            return mapping
        log.warn(
            f"{path} lists {len(mapping)} slides but the deck has {count}; "
            "assuming one frame per script slide"
        )
    return list(range(1, count + 1))

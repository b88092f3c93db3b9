"""frames stage: output/T/decks/ID.pptx → output/T/frames/ID/ (PDF, PNG frames, index).

LibreOffice renders the deck to PDF (kept: the Udemy bundle offers it as a download)
and pdftoppm rasterises each page to exactly 1920x1080, so the video shows the deck
exactly as a viewer would. Each conversion runs its own soffice with its own profile
directory, so parallel `make -j` runs never share (and lock) one profile.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from PIL import Image
from pptx import Presentation

from pipeline import log, stages, tempfiles, tools
from pipeline.course import Course
from pipeline.errors import LecternError, remake
from pipeline.formats import jsonfile
from pipeline.formats.frames import DeckMap, FrameIndex

SIZE = (1920, 1080)
SOFFICE_TIMEOUT = 300
FRAME = re.compile(r"^slide-(\d+)\.png$")


STAGE = stages.stage("frames")


def run(course: Course, only: list[str] | None = None, force: bool = False) -> None:
    """Render the frames of every lecture whose deck changed."""
    ids = course.lecture_ids(only)
    progress = log.Progress("frames", len(ids))
    profile = tempfiles.folder(None, "lo-profile")
    try:
        for lecture_id, k in STAGE.pending(course, ids, force, progress):
            n = make_frames(course, lecture_id, profile)
            STAGE.record(course, lecture_id, k)
            progress.step(f"{lecture_id} ({n} frames)")
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def make_frames(course: Course, lecture_id: str, profile: Path) -> int:
    """Convert the deck (for its PDF) and its build states (for the frames) in one
    LibreOffice run; move PDF and PNGs into place; write frames.json last."""
    deck, mapping, states = stages.stage("decks").outputs(course, lecture_id)
    dest = course.frames_dir(lecture_id)
    dest.mkdir(parents=True, exist_ok=True)
    work = tempfiles.folder(dest.parent, lecture_id)
    frames, count = _deck_frames(mapping), len(Presentation(str(deck)).slides)
    stepped = states.exists() and len(frames) > count
    try:
        shutil.copyfile(deck, work / "deck.pptx")
        if stepped:
            shutil.copyfile(states, work / "states.pptx")
        decks = [work / "deck.pptx", *([work / "states.pptx"] if stepped else [])]
        pdfs = to_pdf(decks, profile)
        pngs = to_png(pdfs[-1], work)
        check_frames(states if stepped else deck, pngs)
        names = install(pngs, pdfs[0], dest)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    frames = frames if stepped or len(frames) == count else []
    pages = [p for p, _ in frames] or list(range(1, count + 1))
    slides = script_slides(course, lecture_id, count)
    index = FrameIndex(
        size=SIZE,
        frames=names,
        pdf="deck.pdf",
        script_slide=[slides[p - 1] for p in pages],
        page=pages if frames else None,
        at=[a for _, a in frames] if frames else None,
    )
    jsonfile.write(STAGE.target(course, lecture_id), index)
    return len(names)


def _deck_frames(mapping: Path) -> list[tuple[int, int]]:
    """The build states decks/ID.json lists (deck slide, narration offset)."""
    return jsonfile.read(DeckMap, mapping, "decks").frames if mapping.exists() else []


def to_pdf(decks: list[Path], profile: Path) -> list[Path]:
    """LibreOffice headless: each PPTX → a PDF beside it, in one run, private profile."""
    cmd = [
        tools.soffice(),
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "pdf",
        "--outdir",
        str(decks[0].parent),
        *map(str, decks),
    ]
    names = " and ".join(d.name for d in decks)
    tools.run(cmd, f"converting {names} to PDF", timeout=SOFFICE_TIMEOUT * len(decks))
    for pptx in decks:
        if not pptx.with_suffix(".pdf").exists():
            raise LecternError(
                f"LibreOffice made no PDF from {pptx.name}; open the deck in Impress "
                f"to see whether it is damaged, then run {remake(pptx, 'decks frames')}"
            )
    return [d.with_suffix(".pdf") for d in decks]


def to_png(pdf: Path, work: Path) -> list[Path]:
    """pdftoppm: one PNG per page at exactly SIZE, in page order."""
    w, h = SIZE
    tools.run(
        [
            tools.pdftoppm(),
            "-png",
            "-scale-to-x",
            str(w),
            "-scale-to-y",
            str(h),
            str(pdf),
            str(work / "page"),
        ],
        f"rasterising {pdf.name}",
        timeout=300,
    )
    pages = sorted(work.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return pages


def check_frames(deck: Path, pngs: list[Path]) -> None:
    """Every slide became exactly one frame of the right size."""
    slides = len(Presentation(str(deck)).slides)
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

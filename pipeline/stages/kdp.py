"""Stage `kdp`: output/T/kdp/ with the EPUB, cover.jpg and listing.md, ready to upload."""

from __future__ import annotations

from pathlib import Path

from pipeline import log, secretguard, stages
from pipeline.book import listing
from pipeline.course import Course
from pipeline.fsutil import atomic_write_bytes
from pipeline.stages import book

STAGE = stages.stage("kdp")


def out_dir(course: Course) -> Path:
    """Where the KDP upload files go."""
    return STAGE.target(course).parent


def listing_text(course: Course, _item: str | None = None) -> str:
    """A part of the key: the listing as it would be written now."""
    return listing.render(course, course.epub_path.name)


def run(course: Course, only=None, force: bool = False) -> Path:
    """Copy the book (built by the book stage) with its cover and listing."""
    for warning in listing.title_warnings(course):
        log.warn(warning)
    STAGE.require(course)
    k, out = STAGE.key(course), STAGE.target(course)
    if not force and STAGE.fresh(course, None, k):
        log.info(f"kdp: {book.sources.shown(course, out_dir(course))}/ is up to date")
        return out
    folder = out_dir(course)
    files = {
        folder / course.epub_path.name: course.epub_path.read_bytes(),
        folder / "cover.jpg": book.cover_path(course).read_bytes(),
        out: listing.render(course, course.epub_path.name).encode(),
    }
    # The book may be up to date from before a key was added to .env: check what ships.
    secretguard.check(
        course, "kdp bundle", [(book.sources.shown(course, p), data) for p, data in files.items()]
    )
    for path, data in files.items():
        atomic_write_bytes(path, data)
    STAGE.record(course, None, k)
    log.info(
        f"kdp: wrote {book.sources.shown(course, folder)}/ ({course.epub_path.name}, "
        "cover.jpg, listing.md)"
    )
    return out

"""Stage `kdp`: output/T/kdp/ with the EPUB, cover.jpg and listing.md, ready to upload."""

from __future__ import annotations

from pathlib import Path

from pipeline import log, secretguard, stamps
from pipeline.book import listing
from pipeline.course import Course
from pipeline.fsutil import atomic_write_bytes, hash_json, sha256_file
from pipeline.stages import book


def out_dir(course: Course) -> Path:
    """Where the KDP upload files go."""
    return course.out / "kdp"


def target(course: Course, item: str | None = None) -> Path:
    """listing.md is written last, so Make uses it as the bundle's target."""
    return out_dir(course) / "listing.md"


def key(course: Course, item: str | None = None) -> str:
    """Hash of the EPUB, the cover and the listing's text."""
    return hash_json({"epub": sha256_file(course.epub_path),
                      "cover": sha256_file(book.cover_path(course)),
                      "listing": listing.render(course, course.epub_path.name)})


def run(course: Course, only=None, force: bool = False) -> Path:
    """Make sure the book is built and valid, then copy it with its cover and listing."""
    book.run(course, force=force)
    for warning in listing.title_warnings(course):
        log.warn(warning)
    k, out = key(course, None), target(course)
    if not force and stamps.fresh(course.out, out, k):
        log.info(f"kdp: {book.sources.shown(course, out_dir(course))}/ is up to date")
        return out
    folder = out_dir(course)
    files = {folder / course.epub_path.name: course.epub_path.read_bytes(),
             folder / "cover.jpg": book.cover_path(course).read_bytes(),
             out: listing.render(course, course.epub_path.name).encode()}
    # The book may be up to date from before a key was added to .env: check what ships.
    secretguard.check(course, "kdp bundle", [(book.sources.shown(course, p), data)
                                             for p, data in files.items()])
    for path, data in files.items():
        atomic_write_bytes(path, data)
    stamps.record(course.out, out, k)
    log.info(f"kdp: wrote {book.sources.shown(course, folder)}/ ({course.epub_path.name}, "
             "cover.jpg, listing.md)")
    return out

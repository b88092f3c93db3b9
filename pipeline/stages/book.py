"""Stage `book`: approved lectures and quizzes -> output/T/book/T.epub, checked by EPUBCheck."""

from __future__ import annotations

import time
from pathlib import Path

from pipeline import log, secretguard, stages, tempfiles
from pipeline.book import cover, epubcheck, sources
from pipeline.book.assemble import build
from pipeline.course import Course
from pipeline.errors import LecternError
from pipeline.fsutil import atomic_write_bytes, atomic_write_text


class EpubInvalid(LecternError):
    """EPUBCheck found errors: KDP would reject the file."""


STAGE = stages.stage("book")


def cover_path(course: Course) -> Path:
    """The cover JPEG made with the book (the KDP bundle uploads it separately)."""
    return STAGE.outputs(course)[1]


def report_path(course: Course) -> Path:
    """EPUBCheck's verdict on the last build."""
    return course.epub_path.parent / "epubcheck.txt"


def source_facts(course: Course, _item: str | None = None) -> str:
    """A part of the key: the hash of everything the book is made from."""
    return sources.key(course, sources.load(course))


def run(course: Course, only=None, force: bool = False) -> Path:
    """Build, validate and stamp the EPUB unless its inputs are unchanged."""
    STAGE.require(course)
    src, k = sources.load(course), STAGE.key(course)
    out = course.epub_path
    if not force and STAGE.fresh(course, None, k):
        log.info(f"book: {_rel(course, out)} is up to date")
        return out
    _warn_limits(course)
    start = time.monotonic()
    jpeg = _cover(course, src)
    tmp = tempfiles.path_for(out)
    try:
        build(course, src, jpeg, tmp)
        _guard(course, tmp, jpeg)
        report = _validate(course, tmp)
        atomic_write_bytes(cover_path(course), jpeg)
        tmp.replace(out)
        out.with_suffix(".invalid.epub").unlink(missing_ok=True)
    finally:
        tmp.unlink(missing_ok=True)
    STAGE.record(course, None, k)
    log.info(
        f"book: wrote {_rel(course, out)} ({out.stat().st_size / 1024:.0f} KB) in "
        f"{time.monotonic() - start:.1f}s; {report.summary()}"
    )
    return out


def _cover(course: Course, src: sources.Sources) -> bytes:
    """The person's cover fitted to KDP's size, or one drawn in the theme's colours and fonts."""
    t = course.topic
    if src.cover:
        return cover.from_file(src.cover, sources.shown(course, course.topic_path))
    return cover.generate(t.title, t.subtitle, t.author, src.theme)


def _guard(course: Course, epub_file: Path, jpeg: bytes) -> None:
    """Fail before the old book is replaced if the new one or its cover holds a key's value.

    Unlike a book EPUBCheck rejects, this one is not kept for inspection: that would put the
    key on disk (run() deletes the temp file).
    """
    secretguard.check(
        course,
        "book",
        [(_rel(course, course.epub_path), epub_file), (_rel(course, cover_path(course)), jpeg)],
    )


def _validate(course: Course, epub_file: Path) -> epubcheck.Report:
    """EPUBCheck the new file: errors fail the stage, warnings are shown and kept."""
    report = epubcheck.check(epub_file)
    atomic_write_text(report_path(course), report.text())
    for line in report.warnings:
        log.warn(f"EPUBCheck: {line}")
    if report.errors:
        bad = course.epub_path.with_suffix(".invalid.epub")
        epub_file.replace(bad)
        shown = "\n".join(report.errors[:20])
        raise EpubInvalid(
            f"{report.summary()}; KDP would reject this book. The file is kept as "
            f"{_rel(course, bad)} for inspection.\n{shown}"
        )
    return report


def _warn_limits(course: Course) -> None:
    """KDP limits that are not errors in topic.yaml but would be at upload."""
    from pipeline.book.listing import title_warnings

    for warning in title_warnings(course):
        log.warn(
            f"{sources.shown(course, course.topic_path)}: {warning} (the book is built anyway)"
        )


def _rel(course: Course, path: Path) -> str:
    return sources.shown(course, path)

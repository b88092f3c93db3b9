"""udemy stage: videos, captions, decks, PDFs and quizzes → output/T/udemy/ and udemy.zip,
in curriculum order, with the landing page, the course image and the practice test."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import click

from pipeline import log, secretguard, stages, tempfiles
from pipeline.course import Course
from pipeline.errors import LecternError
from pipeline.fsutil import atomic_write_text, sha256_if_exists
from pipeline.udemy import curriculum, image, landing, layout, probe, quizzes

STORED = (".mp4", ".jpg", ".pptx", ".zip")  # already compressed: deflating wastes time
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed entry times make the zip reproducible


STAGE = stages.stage("udemy")


def bundle_dir(course: Course) -> Path:
    """The unpacked bundle: output/T/udemy/."""
    return course.out / "udemy"


def file_facts(course: Course, _item: str | None = None) -> dict:
    """A part of the key: the hash of every file the bundle packs, and of the theme."""
    files = [p for lec in course.outline.lectures for p in layout.sources(course, lec.id).values()]
    files += [course.quiz_path(s.id) for s in course.outline.sections]
    return {
        "files": {str(p.relative_to(course.root)): sha256_if_exists(p) for p in files},
        "theme": course.theme.file_hashes(),
    }


def run(course: Course, only: list[str] | None = None, force: bool = False) -> None:
    """Build the bundle (the whole course: `only` does not apply) and print the report."""
    from pipeline.checks import udemy as checks

    zip_path, k = STAGE.target(course), STAGE.key(course)
    if not force and STAGE.fresh(course, None, k) and bundle_dir(course).is_dir():
        log.info(f"udemy bundle is up to date: output/{course.slug}/udemy.zip")
    else:
        entries = build(course)
        write_zip(bundle_dir(course), entries, zip_path, f"{course.slug}-udemy")
        STAGE.record(course, None, k)
        log.info(f"wrote output/{course.slug}/udemy/ and udemy.zip ({len(entries)} files)")
    rules = checks.check(course)
    click.echo(checks.report(course, rules))
    atomic_write_text(bundle_dir(course) / "CHECK.md", checks.markdown(course, rules))


def build(course: Course) -> list[str]:
    """Assemble the bundle in a staging folder, guard it, then swap it in; returns entries."""
    staging = course.out / f".udemy.{os.getpid()}.tmp"  # a tempfiles name
    shutil.rmtree(staging, ignore_errors=True)
    plan = layout.plan(course)
    try:
        entries = assemble(course, plan, staging)
        _guard(course, plan, staging, entries)
        _swap(staging, bundle_dir(course))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return entries


def _swap(staging: Path, final: Path) -> None:
    """Replace the old bundle folder with the new one (renames, never half a folder)."""
    old = final.with_name(f".udemy.{os.getpid()}.old.tmp")
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def _guard(course: Course, plan, staging: Path, entries: list[str]) -> None:
    """Fail before the old bundle is replaced if any file (or a deck's member) holds a key."""
    lecture_of = {
        lf.name(kind): lf.lecture.id for sf in plan for lf in sf.lectures for kind in lf.sources
    }
    secretguard.check(course, "udemy bundle", [(rel, staging / rel) for rel in entries], lecture_of)


def assemble(course: Course, plan, dest: Path) -> list[str]:
    """Write every file of the bundle under `dest`; returns their paths in upload order."""
    durations = {
        lf.lecture.id: probe.probe(lf.sources["video"]).duration
        for sf in plan
        for lf in sf.lectures
        if lf.sources["video"].exists()
    }
    entries = _texts(course, plan, durations, dest)
    entries += _course_image(course, dest)
    entries += _curriculum_files(plan, dest)
    return entries


def _put(dest: Path, rel: str, data: bytes) -> str:
    path = dest / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)  # inside the staging folder, which is swapped in atomically
    return rel


def _texts(course: Course, plan, durations: dict[str, float], dest: Path) -> list[str]:
    pairs = [(sf.section.title, sf.quiz) for sf in plan if sf.quiz]
    n_questions = sum(len(q.questions) for _, q in pairs)
    md = curriculum.to_markdown(course.topic.title, plan, durations, n_questions)
    entries = [
        _put(dest, "curriculum.md", md.encode()),
        _put(dest, "curriculum.csv", curriculum.to_csv(curriculum.rows(plan, durations)).encode()),
        _put(dest, "landing-page.md", landing.render(landing.build(course)).encode()),
    ]
    for sf in plan:
        if sf.quiz:
            doc = quizzes.document(sf.section.title, sf.quiz, sf.section.lectures[-1].title)
            entries.append(_put(dest, sf.quiz_doc, doc.encode()))
        else:
            log.warn(
                f"section {sf.section.id} has no quiz (courses/{course.slug}/quizzes/"
                f"{sf.section.id}.yaml): the bundle leaves it out"
            )
    if pairs:
        entries.append(_put(dest, "quizzes/practice-test.csv", quizzes.practice_test_csv(pairs)))
    return entries


def _course_image(course: Course, dest: Path) -> list[str]:
    return [_put(dest, "course-image.jpg", image.render(course.theme, course.slug))]


def _curriculum_files(plan, dest: Path) -> list[str]:
    entries, missing = [], []
    for sf in plan:
        for lf in sf.lectures:
            for kind, src in lf.sources.items():
                if src.exists():
                    entries.append(_link(src, dest, lf.name(kind)))
                elif kind == "video":
                    missing.append(lf.lecture.id)
    if missing:
        log.warn(
            f"no video yet for {', '.join(missing)} (run `make video`); the bundle "
            "lists them as missing"
        )
    return entries


def _link(src: Path, dest: Path, rel: str) -> str:
    """Hard-link a big file into the bundle (stages replace files, never rewrite them)."""
    path = dest / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, path)
    except OSError:
        shutil.copy2(src, path)
    return rel


def write_zip(root: Path, entries: list[str], zip_path: Path, top: str) -> None:
    """Zip the bundle's own files (nothing else) under one top folder, atomically."""
    tmp = tempfiles.path_for(zip_path)
    try:
        with zipfile.ZipFile(tmp, "w") as zf:
            for rel in entries:
                _add(zf, root, rel, top)
        atomic_replace(tmp, zip_path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_replace(tmp: Path, final: Path) -> None:
    """Flush a finished temp file to disk and rename it over the final name."""
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, final)


def _add(zf: zipfile.ZipFile, root: Path, rel: str, top: str) -> None:
    """Add one bundle file; videos are streamed, never read whole into memory."""
    path = (root / rel).resolve()
    if Path(rel).is_absolute() or ".." in Path(rel).parts or root.resolve() not in path.parents:
        raise LecternError(f"udemy bundle: refusing '{rel}', which is outside {root}")
    stored = rel.endswith(STORED)
    info = zipfile.ZipInfo(f"{top}/{rel}", date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    big = path.stat().st_size > 1 << 31  # ZIP64 headers for files over 2 GB
    with path.open("rb") as src, zf.open(info, "w", force_zip64=big) as dst:
        shutil.copyfileobj(src, dst, 1 << 20)

"""Everything the book is made from, read once, and the key (hash) of all of it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import stages
from pipeline.book.images import ImageRef, scan
from pipeline.code import fill
from pipeline.course import Course
from pipeline.errors import ConfigError, InputError
from pipeline.fsutil import atomic_write_text, hash_json, read_text, sha256_file
from pipeline.models import Quiz
from pipeline.paths import check_image
from pipeline.theme.model import Theme

# Bump when the book's layout changes, so existing stamps no longer match.
FORMAT = "book-3"  # 3: image manifest ids are XML names (img-<hash>)


@dataclass
class Sources:
    """Lecture markdown, quizzes, images and settings of one course's book."""

    lectures: dict[str, str]
    quizzes: dict[str, Quiz | None]
    images: dict[str, list[ImageRef]]
    preface: str | None
    cover: Path | None
    theme: Theme | None  # what a generated cover is drawn with (None with book.cover)
    book_id: str
    files: dict[str, str] = field(default_factory=dict)  # shown path -> text, for the key


def shown(course: Course, path: Path) -> str:
    """A path as the person sees it, relative to the project."""
    try:
        return Path(path).resolve().relative_to(course.root.resolve()).as_posix()
    except ValueError:
        return str(path)


def load(course: Course) -> Sources:
    """Read and check every input; missing lectures and images are clear errors."""
    lectures, images, files = {}, {}, {}
    for lec in course.outline.lectures:
        path = course.lecture_path(lec.id)
        if not path.exists():
            raise InputError(
                f"{shown(course, path)}: lecture draft missing; run "
                f"`make drafts TOPIC={course.slug}` or write it by hand"
            )
        text = fill.lecture_text(path, read_text(path), stages.stage("code").target(course, lec.id))
        lectures[lec.id], files[shown(course, path)] = text, text
        images[lec.id] = scan(path, text, course.image_dirs, shown(course, path))
    quizzes = {}
    for sec in course.outline.sections:
        path = course.quiz_path(sec.id)
        quizzes[sec.id] = course.quiz(sec.id) if path.exists() else None
        if path.exists():
            files[shown(course, path)] = read_text(path)
    preface = _preface(course)
    if preface:
        images["preface"] = scan(
            course.topic_path,
            preface,
            course.image_dirs,
            f"{shown(course, course.topic_path)} (book.preface)",
        )
    cover = _cover(course)
    return Sources(
        lectures,
        quizzes,
        images,
        preface,
        cover,
        None if cover else course.theme,
        book_id(course),
        files,
    )


def _preface(course: Course) -> str | None:
    """book.preface: markdown text, or the name of a .md file in the course folder."""
    value = course.topic.book.preface
    if not value or not value.strip():
        return None
    if value.strip().endswith(".md") and "\n" not in value.strip():
        return read_text(course.file(value, "book.preface"))
    return value


def _cover(course: Course) -> Path | None:
    """book.cover resolved in the course folder, or None for a generated cover."""
    name = course.topic.book.cover
    if not name:
        return None
    path = course.file(name, "book.cover")
    check_image(path, f"{course.topic_path}: book.cover", name)
    return path


def book_id(course: Course) -> str:
    """The book's UUID, made once and kept in courses/T/.lectern/book-id (commit it)."""
    path = course.state_dir / "book-id"
    if path.exists():
        value = path.read_text(encoding="utf-8").strip()
        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise ConfigError(
                f"{shown(course, path)}: '{value}' is not a UUID; delete the file "
                "to make a new one (the store then sees a new book)"
            ) from None
    value = str(uuid.uuid4())
    atomic_write_text(path, value + "\n")
    return value


def key(course: Course, src: Sources) -> str:
    """Hash of every input and setting the EPUB depends on."""
    topic = course.topic
    images = sorted(
        {str(r.path): sha256_file(r.path) for refs in src.images.values() for r in refs}.items()
    )
    return hash_json(
        {
            "format": FORMAT,
            "files": src.files,
            "outline": course.outline.model_dump(),
            "topic": topic.model_dump(
                include={"title", "subtitle", "author", "language", "book", "theme", "llm"}
            ),
            "images": images,
            "preface": src.preface,
            "book_id": src.book_id,
            "cover": sha256_file(src.cover) if src.cover else None,
            "theme": src.theme.file_hashes() if src.theme else None,
        }
    )

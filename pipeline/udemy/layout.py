"""Where each file of the course goes in the bundle, in curriculum order."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.course import Course
from pipeline.models import Lecture, Quiz, Section

# Characters Windows, macOS or zip tools refuse or misread in file names.
UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
# Invisible characters are dropped from names: controls (Cc), format characters (Cf:
# bidi embeddings, overrides, isolates and marks, which can make "x\u202egpj.mp4" read
# as "x4pm.jpg"; soft hyphens, BOMs) and lone surrogates (Cs, which zip cannot encode).
# Kept: ZWNJ and ZWJ, which spell Persian and Indic words and join emoji.
INVISIBLE = ("Cc", "Cf", "Cs")
JOINERS = {"\u200c", "\u200d"}


def safe_name(text: str, max_len: int = 60) -> str:
    """A file-system-safe name that keeps the title readable (Unicode letters kept)."""
    text = unicodedata.normalize("NFC", UNSAFE.sub(" ", text))
    text = "".join(c for c in text if c in JOINERS or unicodedata.category(c) not in INVISIBLE)
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > max_len:
        text = text[:max_len].rsplit(" ", 1)[0]
    return text.rstrip(". ") or "untitled"


@dataclass
class LectureFiles:
    """One lecture: its sources under output/ and its names in the bundle."""

    lecture: Lecture
    number: int
    folder: str
    stem: str
    sources: dict[str, Path]  # kind (video, captions, slides, pdf) -> file under output/

    def name(self, kind: str) -> str:
        """Bundle path (relative, POSIX) of one of this lecture's files."""
        suffix = {
            "video": ".mp4",
            "captions": ".vtt",
            "slides": " - slides.pptx",
            "pdf": " - slides.pdf",
        }[kind]
        return f"curriculum/{self.folder}/{self.stem}{suffix}"


@dataclass
class SectionFiles:
    """One section: its folder, its lectures and its quiz (None until written)."""

    section: Section
    number: int
    folder: str
    lectures: list[LectureFiles] = field(default_factory=list)
    quiz: Quiz | None = None

    @property
    def quiz_doc(self) -> str:
        """Bundle path of the section quiz as a readable document."""
        return f"quizzes/{self.folder}.md"


def plan(course: Course) -> list[SectionFiles]:
    """Every section and lecture in outline order, with the bundle's file names."""
    out = []
    for i, section in enumerate(course.outline.sections, 1):
        folder = f"{i:02d} - {safe_name(section.title)}"
        sf = SectionFiles(section, i, folder, quiz=_quiz(course, section.id))
        for j, lec in enumerate(section.lectures, 1):
            stem = f"{j:02d} - {safe_name(lec.title)}"
            sf.lectures.append(LectureFiles(lec, j, folder, stem, sources(course, lec.id)))
        out.append(sf)
    return out


def sources(course: Course, lecture_id: str) -> dict[str, Path]:
    """The files a lecture contributes, at the paths the other stages write them."""
    video = course.video_path(lecture_id)
    return {
        "video": video,
        "captions": video.with_suffix(".vtt"),
        "slides": course.deck_path(lecture_id),
        "pdf": course.frames_dir(lecture_id) / "deck.pdf",
    }


def _quiz(course: Course, section_id: str) -> Quiz | None:
    return course.quiz(section_id) if course.quiz_path(section_id).exists() else None

"""Data models for the files under courses/: the outline and the quizzes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from pipeline.config import Strict
from pipeline.yamlsrc import load_with_lines, validate

SECTION_ID = re.compile(r"^\d{2}-[a-z0-9]+(-[a-z0-9]+)*$")
LECTURE_ID = re.compile(r"^\d{2}-\d{2}-[a-z0-9]+(-[a-z0-9]+)*$")


class Lecture(Strict):
    """One lecture of the outline; its id names every file made for it."""

    id: str = Field(pattern=LECTURE_ID.pattern)
    title: str = Field(min_length=1)
    minutes: float = Field(default=5, ge=0.5, le=120)
    objectives: list[str] = []
    key_points: list[str] = []
    key_terms: list[str] = []


class Section(Strict):
    """A section: a chapter of the book, a folder of the Udemy curriculum."""

    id: str = Field(pattern=SECTION_ID.pattern)
    title: str = Field(min_length=1)
    lectures: list[Lecture] = Field(min_length=1)

    @model_validator(mode="after")
    def _lecture_ids_in_section(self) -> Section:
        prefix = self.id[:2] + "-"
        for lec in self.lectures:
            if not lec.id.startswith(prefix):
                raise ValueError(f"lecture id '{lec.id}' must start with '{prefix}'")
        return self


class Outline(Strict):
    """outline.yaml: sections of lectures, with stable ids."""

    sections: list[Section] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Outline:
        seen: set[str] = set()
        for sid in [s.id for s in self.sections] + [lec.id for lec in self.lectures]:
            if sid in seen:
                raise ValueError(f"id '{sid}' is used twice; ids must be unique")
            seen.add(sid)
        return self

    @property
    def lectures(self) -> list[Lecture]:
        """All lectures in course order."""
        return [lec for s in self.sections for lec in s.lectures]

    def section_of(self, lecture_id: str) -> Section:
        """The section holding a lecture."""
        return next(s for s in self.sections if any(x.id == lecture_id for x in s.lectures))


class Option(Strict):
    """One answer option with the reason it is right or wrong."""

    text: str = Field(min_length=1)
    correct: bool = False
    explanation: str = Field(min_length=1)


class Question(Strict):
    """A quiz question: multiple-choice (one right) or multi-select (several)."""

    question: str = Field(min_length=1)
    type: Literal["multiple-choice", "multi-select"] = "multiple-choice"
    lecture: str | None = None
    options: list[Option] = Field(min_length=2, max_length=6)
    explanation: str = ""

    @model_validator(mode="after")
    def _answer_set(self) -> Question:
        right = sum(o.correct for o in self.options)
        if self.type == "multiple-choice" and right != 1:
            raise ValueError(f"multiple-choice needs exactly one correct option, found {right}")
        if self.type == "multi-select" and not (2 <= right < len(self.options)):
            raise ValueError("multi-select needs at least two correct and one wrong option")
        return self


class Quiz(Strict):
    """quizzes/<section>.yaml."""

    section: str
    title: str = ""
    questions: list[Question] = Field(min_length=1)


def load_outline(path: Path) -> Outline:
    """Read and validate outline.yaml."""
    data, lines = load_with_lines(path)
    return validate(Outline, data, path, lines)


def load_quiz(path: Path) -> Quiz:
    """Read and validate a section quiz."""
    data, lines = load_with_lines(path)
    return validate(Quiz, data, path, lines)

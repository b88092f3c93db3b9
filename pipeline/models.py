"""Data models for the files under courses/: the outline and the quizzes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from pipeline import config
from pipeline.config import Strict
from pipeline.errors import ConfigError
from pipeline.yamlsrc import load_with_lines, located, validate

SECTION_ID = re.compile(config.SECTION_ID)
LECTURE_ID = re.compile(config.LECTURE_ID)


class Lecture(Strict):
    """One lecture of the outline; its id names every file made for it."""

    id: str = Field(pattern=LECTURE_ID.pattern)
    title: str = Field(min_length=1)
    minutes: float = Field(default=5, ge=0.5, le=120)
    objectives: list[str] = []
    key_points: list[str] = []
    key_terms: list[str] = []
    intro: bool = False  # the course's introduction, when it is not the first lecture


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


def load_quiz(path: Path, section: Section | None = None) -> Quiz:
    """Read and validate a section quiz (and, given its outline section, that it is that
    section's: its `section:` and the lectures its questions name)."""
    data, lines = load_with_lines(path)
    quiz = validate(Quiz, data, path, lines)
    if section is not None:
        problems = _foreign(quiz, section, path, lines)
        if problems:
            raise ConfigError("\n".join(problems))
    return quiz


def _foreign(quiz: Quiz, section: Section, path: Path, lines: dict) -> list[str]:
    """Errors for a `section:` or question `lecture:` that is not this section's."""
    problems = []
    if quiz.section != section.id:
        problems.append(
            located(
                path,
                lines,
                ("section",),
                f"'{quiz.section}' is not this "
                f"file's section: {Path(path).name} holds the quiz of section "
                f"{section.id}; write `section: {section.id}`, or move the "
                "quiz to the file of the section it is for",
            )
        )
    ids = [lec.id for lec in section.lectures]
    for i, q in enumerate(quiz.questions):
        if q.lecture is not None and q.lecture not in ids:
            problems.append(
                located(
                    path,
                    lines,
                    ("questions", i, "lecture"),
                    f"'{q.lecture}' is not a lecture of section {section.id}; "
                    f"use one of: {', '.join(ids)}",
                )
            )
    return problems

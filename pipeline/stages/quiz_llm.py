"""quizzes with an LLM: a section's lectures → quizzes/<section>.yaml (validated)."""

from __future__ import annotations

import json
from typing import Literal

import yaml
from pydantic import BaseModel

from pipeline import estimate, log
from pipeline.course import Course
from pipeline.fsutil import read_text
from pipeline.models import Question, Quiz, Section
from pipeline.providers.llm import calls

MAX_QUESTIONS = 10
HEADER = ("# Quiz for section {sid}, written by an LLM. Edit freely; format: docs/formats.md.\n")


class OptionPlan(BaseModel):
    """One answer option."""

    text: str
    correct: bool
    explanation: str


class QuestionPlan(BaseModel):
    """One question as the model writes it."""

    question: str
    type: Literal["multiple-choice", "multi-select"]
    lecture: str
    options: list[OptionPlan]
    explanation: str


class QuizPlan(BaseModel):
    """The structured answer of the quiz call."""

    title: str
    questions: list[QuestionPlan]


def _section(course: Course, section_id: str) -> Section:
    return next(s for s in course.outline.sections if s.id == section_id)


def question_count(section: Section) -> int:
    """Two questions per lecture, at least three, at most MAX_QUESTIONS."""
    return max(3, min(2 * len(section.lectures), MAX_QUESTIONS))


def messages(course: Course, section_id: str, texts: dict[str, str] | None = None) -> list[dict]:
    """The quiz prompt: the section's lecture texts, each marked with its id."""
    section = _section(course, section_id)
    texts = texts or {lec.id: read_text(course.lecture_path(lec.id))
                      for lec in section.lectures}
    body = "\n\n".join(f'<lecture id="{i}">\n{t.strip()}\n</lecture>' for i, t in texts.items())
    return calls.prompt("quiz", language=course.topic.language, section_title=section.title,
                        lecture_ids=", ".join(texts), count=question_count(section),
                        lectures=body)


def generate(course: Course, section_id: str) -> str:
    """The quiz YAML of one section."""
    s = calls.session(course)
    section = _section(course, section_id)
    text = s.ask("quizzes", section_id, messages(course, section_id),
                 parse=lambda answer: to_yaml(section, answer),
                 schema=calls.json_schema(QuizPlan, "quiz"),
                 expect_out=estimate.quiz_out(question_count(section)))
    log.info(f"quizzes {section_id}: {s.progress()} so far")
    return text


def to_yaml(section: Section, answer: str) -> str:
    """Validate the model's quiz against the quiz rules and write it as YAML."""
    plan = QuizPlan.model_validate(json.loads(answer))
    ids = [lec.id for lec in section.lectures]
    for n, q in enumerate(plan.questions, 1):
        if q.lecture not in ids:
            raise calls.Unusable(f"question {n} names lecture '{q.lecture}'; use one of "
                                 f"{', '.join(ids)}")
    quiz = Quiz(section=section.id, title=plan.title.strip() or section.title,
                questions=[Question(**q.model_dump()) for q in plan.questions])
    data = quiz.model_dump(exclude_none=True)
    return HEADER.format(sid=section.id) + yaml.safe_dump(data, sort_keys=False,
                                                          allow_unicode=True, width=88)


def estimate_row(course: Course) -> tuple:
    """(stage, calls, done, tokens in, tokens out) for `make estimate`."""
    from pipeline.stages import quiz

    calls_n = done = tin = tout = 0
    for section in course.outline.sections:
        calls_n += 1
        paths = [course.lecture_path(lec.id) for lec in section.lectures]
        if all(p.exists() for p in paths) and estimate._done(
                course, quiz.target(course, section.id), quiz.key(course, section.id)):
            done += 1
            continue
        texts = {lec.id: read_text(p) if p.exists() else
                 "x" * 4 * estimate.lecture_tokens(lec.minutes)
                 for lec, p in zip(section.lectures, paths, strict=True)}
        tin += estimate.message_tokens(messages(course, section.id, texts))
        tout += estimate.quiz_out(question_count(section))
    return ("quizzes", calls_n, done, tin, tout)

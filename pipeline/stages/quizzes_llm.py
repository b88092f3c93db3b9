"""quizzes with an LLM: a section's lectures → quizzes/<section>.yaml (validated)."""

from __future__ import annotations

import json
from typing import Literal

import yaml
from pydantic import BaseModel

from pipeline import estimate, log, stages
from pipeline.course import Course
from pipeline.fsutil import read_text
from pipeline.models import Question, Quiz, Section
from pipeline.providers.llm import calls, limits

MAX_QUESTIONS = 10
PER_LECTURE = 2  # questions per lecture when lectures are asked about one at a time
MIN_OPTIONS, MAX_OPTIONS = 3, 5  # as the prompt says
HEADER = "# Quiz for section {sid}, written by an LLM. Edit freely; format: docs/formats.md.\n"


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


def messages(
    course: Course, section_id: str, texts: dict[str, str] | None = None, count: int | None = None
) -> list[dict]:
    """The quiz prompt: the lectures' texts (the section's, unless given), each marked with
    its id, and how many questions to write."""
    section = _section(course, section_id)
    texts = texts or {lec.id: read_text(course.lecture_path(lec.id)) for lec in section.lectures}
    body = "\n\n".join(f'<lecture id="{i}">\n{t.strip()}\n</lecture>' for i, t in texts.items())
    return calls.prompt(
        "quiz",
        language=course.topic.language,
        section_title=section.title,
        lecture_ids=", ".join(texts),
        count=count or question_count(section),
        lectures=body,
    )


def generate(course: Course, section_id: str) -> str:
    """The quiz YAML of one section: one call, or one per lecture when the section's
    lectures do not fit the model's context window together."""
    s, section = calls.session(course), _section(course, section_id)
    texts = {
        lec.id: course.lecture_path(lec.id).read_text(encoding="utf-8") for lec in section.lectures
    }
    try:
        quizzes = [_ask(course, section, texts, question_count(section))]
    except limits.ContextTooSmall:
        log.info(
            f"quizzes {section_id}: its lectures do not fit the context window together; "
            "asking for each lecture's questions on its own"
        )
        quizzes = [_ask(course, section, {i: t}, PER_LECTURE) for i, t in texts.items()]
    log.info(f"quizzes {section_id}: {s.progress()} so far")
    whole = Quiz(
        section=section.id,
        title=quizzes[0].title,
        questions=[q for part in quizzes for q in part.questions],
    )
    data = whole.model_dump(exclude_none=True)
    return HEADER.format(sid=section.id) + yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, width=88
    )


def _ask(course: Course, section: Section, texts: dict[str, str], count: int) -> Quiz:
    """One quiz call for these lectures."""
    item = section.id if len(texts) > 1 else next(iter(texts))
    schema = calls.json_schema(
        QuizPlan,
        "quiz",
        counts={"questions": (count, count), "questions.options": (MIN_OPTIONS, MAX_OPTIONS)},
    )
    return calls.session(course).ask(
        "quizzes",
        item,
        messages(course, section.id, texts, count),
        parse=lambda answer: to_quiz(section, list(texts), answer),
        schema=schema,
        expect_out=estimate.quiz_out(count),
    )


def to_quiz(section: Section, ids: list[str], answer: str) -> Quiz:
    """Validate the model's quiz against the quiz rules (questions on these lectures)."""
    plan = QuizPlan.model_validate(json.loads(answer))
    for n, q in enumerate(plan.questions, 1):
        if q.lecture not in ids:
            raise calls.Unusable(
                f"question {n} names lecture '{q.lecture}'; use one of {', '.join(ids)}"
            )
    return Quiz(
        section=section.id,
        title=plan.title.strip() or section.title,
        questions=[Question(**q.model_dump()) for q in plan.questions],
    )


def planned_calls(course: Course) -> list[estimate.Planned]:
    """One call per section, for `make estimate` (drafts not written yet count at their
    planned length)."""
    out = []
    for section in course.outline.sections:
        paths = [course.lecture_path(lec.id) for lec in section.lectures]
        stage = stages.stage("quizzes")
        if all(p.exists() for p in paths) and estimate.is_done(
            course, stage.target(course, section.id), stage.key(course, section.id)
        ):
            out.append(estimate.Planned(section.id, True))
            continue
        texts = {
            lec.id: read_text(p) if p.exists() else "x" * 4 * estimate.lecture_tokens(lec.minutes)
            for lec, p in zip(section.lectures, paths, strict=True)
        }
        out.append(
            estimate.Planned(
                section.id,
                False,
                estimate.message_tokens(messages(course, section.id, texts)),
                estimate.quiz_out(question_count(section)),
            )
        )
    return out

"""A page per section quiz, answers hidden until the reader opens them."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import LecternError
from pipeline.preview.html import esc, lecture_page, page, quiz_page
from pipeline.preview.sources import mark


def render(course, section, page_dir: Path) -> str:
    """The quiz of one section, or why there is none yet."""
    path = course.quiz_path(section.id)
    parts = [f"<h1>{esc(section.title)}: quiz</h1>", f"<p>{mark(course, path, page_dir)}</p>"]
    if not path.exists():
        parts.append(
            f'<p class="notice">No quiz yet: run <code>make quizzes TOPIC={course.slug}</code>.</p>'
        )
    else:
        parts.append(_quiz(course, path, section.id))
    return page(course, f"Quiz: {section.title}", "".join(parts), quiz_page(section.id))


def _quiz(course, path: Path, section_id: str) -> str:
    try:
        quiz = course.quiz(section_id)
    except LecternError as e:
        return f'<p class="error">{esc(e.message)}</p>'
    title = f'<p class="subtitle">{esc(quiz.title)}</p>' if quiz.title else ""
    items = "".join(_question(course, i, q) for i, q in enumerate(quiz.questions, 1))
    return f'<div class="quiz">{title}<ol class="questions">{items}</ol></div>'


def _question(course, i: int, q) -> str:
    """A question, its options, and the answer behind a <details> toggle."""
    how = "Choose one." if q.type == "multiple-choice" else "Select all that apply."
    opts = "".join(f"<li>{esc(o.text)}</li>" for o in q.options)
    return (
        f'<li id="q{i}"><h2>{esc(q.question)}</h2>'
        f'<p class="meta">{how}{_lecture_link(course, q.lecture)}</p>'
        f'<ol class="options">{opts}</ol>{_answer(q)}</li>'
    )


def _lecture_link(course, lecture_id: str | None) -> str:
    if not lecture_id:
        return ""
    try:
        title = course.lecture(lecture_id).title
    except LecternError:
        return f" Tests lecture {esc(lecture_id)} (not in the outline)."
    return f' Tests <a href="{lecture_page(lecture_id)}">{esc(title)}</a>.'


def _answer(q) -> str:
    letters = "ABCDEF"
    rows = "".join(
        f'<li><span class="{"right" if o.correct else "wrong"}">{letters[n]}: '
        f"{'correct' if o.correct else 'wrong'}</span> — {esc(o.explanation)}</li>"
        for n, o in enumerate(q.options)
    )
    overall = f"<p>{esc(q.explanation)}</p>" if q.explanation else ""
    return (
        f'<details class="answer"><summary>Show the answer</summary>'
        f"<ul>{rows}</ul>{overall}</details>"
    )

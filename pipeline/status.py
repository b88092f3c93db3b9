"""`make status`: every stage of every lecture, in one table."""

from __future__ import annotations

import importlib
from pathlib import Path

from pipeline import protect, review, stamps
from pipeline.course import Course
from pipeline.errors import LecternError

LECTURE_COLUMNS = [  # (column title, stage module, lives under courses/)
    ("draft", "drafts", True),
    ("script", "scripts", True),
    ("deck", "decks", False),
    ("frames", "frames", False),
    ("audio", "narration", False),
    ("video", "video", False),
]


def table(course: Course) -> str:
    """The status table as text."""
    tables, notes = grids(course)
    parts = [_format(t) for t in tables] + notes
    waiting = [s for s in ("outline", "drafts") if _safe_pending(course, s)]
    if waiting:
        parts.append("Waiting for review: " + ", ".join(waiting) + f". Approve with "
                     f"`make approve TOPIC={course.slug} STAGE={waiting[0]}`.")
    return "\n\n".join(parts)


def grids(course: Course) -> tuple[list[list[list[str]]], list[str]]:
    """The status as tables of cells (first row = header) plus notes; the preview uses
    these too, so both show the same facts."""
    rows = [["outline", _outline_state(course)]]
    try:
        lectures = course.outline.lectures
    except LecternError as e:
        return [[["stage", "state"], *rows]], [e.message]
    head = ["lecture"] + [c for c, _, _ in LECTURE_COLUMNS]
    body = [[lec.id] + [lecture_state(course, lec.id, m, src) for _, m, src in LECTURE_COLUMNS]
            for lec in lectures]
    quizzes = [[f"quiz {s.id}", _source_state(course, course.quiz_path(s.id), "quizzes", s.id)]
               for s in course.outline.sections]
    course_rows = [[name, lecture_state(course, None, name, False)]
                   for name in ("book", "udemy", "kdp")]
    return [[["stage", "state"], *rows, *quizzes, *course_rows], [head, *body]], []


def _safe_pending(course: Course, stage: str) -> list[str]:
    try:
        return review.pending(course, stage)
    except LecternError:
        return ["?"]


def _outline_state(course: Course) -> str:
    path = course.outline_path
    state = _source_state(course, path, "outline", None)
    if state == "up to date" and _safe_pending(course, "outline"):
        return "waiting for review"
    return state


def lecture_state(course: Course, lecture_id: str | None, module: str, source: bool) -> str:
    """One cell: up to date / stale / waiting for review / edited by hand / missing."""
    if source:
        path = (course.lecture_path if module == "drafts" else course.slides_path)(lecture_id)
        state = _source_state(course, path, module, lecture_id)
        rel = path.relative_to(course.dir).as_posix()
        if module == "drafts" and state in ("up to date", "edited by hand") \
                and rel in _safe_pending(course, "drafts"):
            return "waiting for review"
        return state
    stage = _module(module)
    if stage is None or not hasattr(stage, "target"):
        return "n/a"
    target = stage.target(course, lecture_id)
    if not target.exists():
        return "missing"
    return "up to date" if _key_matches(course, stage, target, lecture_id) else "stale"


def _key_matches(course: Course, stage, target: Path, item: str | None) -> bool:
    try:
        return stamps.matches(course.out, target, stage.key(course, item))
    except LecternError:
        return False


def _source_state(course: Course, path: Path, module: str, item: str | None) -> str:
    """State of a file under courses/ from the edit-protection manifest."""
    if protect.proposed_path(path).exists():
        return "proposed version waiting"
    state = protect.state(course.dir, path)
    if state in ("missing", "deleted"):
        return "missing" if state == "missing" else "deleted by hand"
    entry = protect.Manifest(course.dir).read().get(
        path.relative_to(course.dir).as_posix(), {})
    stage = _module(module)
    if stage is not None and hasattr(stage, "key") and entry.get("source"):
        try:
            if entry["source"] != stage.key(course, item):
                return "stale"
        except LecternError:
            return "stale"
    return {"generated": "up to date", "authored": "written by hand"}.get(state, "edited by hand")


def _module(name: str):
    try:
        return importlib.import_module(f"pipeline.stages.{name}")
    except ImportError:
        return None


def _format(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)

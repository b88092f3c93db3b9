"""`make status` and `make why`: every stage's state for every item, and what changed.

Both come from the stage registry: a column per lecture stage, a row per course and
section stage, and for anything stale the parts of its key that changed since it was
made ("voice.speed changed", "the slide script changed").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline import keys, protect, review, stamps
from pipeline.config import STAGES_WITH_REVIEW
from pipeline.course import Course
from pipeline.errors import LecternError
from pipeline.stages import REGISTRY, Stage

UP_TO_DATE, STALE, MISSING, PLACEHOLDER = "up to date", "stale", "missing", "placeholder"
# States with nothing to explain: made from what is there now, or the person's own file.
CURRENT = (UP_TO_DATE, "written by hand", "edited by hand")


@dataclass
class Cell:
    """One stage's state for one item, and why (the changed parts, when stale)."""

    state: str
    reasons: list[str]


def table(course: Course) -> str:
    """The status table as text."""
    tables, notes = grids(course)
    parts = [_format(t) for t in tables] + notes
    waiting = [s for s in ("outline", "drafts") if _safe_pending(course, s)]
    if waiting:
        parts.append(
            "Waiting for review: " + ", ".join(waiting) + f". Approve with "
            f"`make approve TOPIC={course.slug} STAGE={waiting[0]}`."
        )
    cells = [c for t in tables for row in t[1:] for c in row[1:]]
    if STALE in cells:
        parts.append(f"Why something is stale: `make why TOPIC={course.slug}`.")
    if PLACEHOLDER in cells:
        parts.append(f"Placeholders to replace, with file:line: `make why TOPIC={course.slug}`.")
    return "\n\n".join(parts)


def grids(course: Course) -> tuple[list[list[list[str]]], list[str]]:
    """The status as tables of cells (first row = header) plus notes; the preview uses
    these too, so both show the same facts."""
    outline = next(s for s in REGISTRY if s.name == "outline")
    rows = [["outline", cell(course, outline, None).state]]
    try:
        lectures = course.outline.lectures
    except LecternError as e:
        return [[["stage", "state"], *rows]], [e.message]
    per_lecture = [s for s in REGISTRY if s.grain == "lecture"]
    head = ["lecture"] + [s.name for s in per_lecture]
    body = [[lec.id] + [cell(course, s, lec.id).state for s in per_lecture] for lec in lectures]
    for s in (s for s in REGISTRY if s.grain == "section"):
        rows += [[f"{s.name} {sid}", cell(course, s, sid).state] for sid in s.items(course)]
    rows += [
        [s.name, cell(course, s, None).state]
        for s in REGISTRY
        if s.grain == "course" and s is not outline
    ]
    return [[["stage", "state"], *rows], [head, *body]], []


def why(course: Course, lecture: str | None = None) -> str:
    """`make why`: every item that is not up to date, and what changed since it was made."""
    lines = []
    for stage in REGISTRY:
        try:
            items = stage.items(course)
        except LecternError:
            items = [None] if stage.grain == "course" else []
        for item in items:
            if lecture and not _concerns(course, stage, item, lecture):
                continue
            c = cell(course, stage, item)
            if c.state not in CURRENT:
                name = f"{stage.name} {item}" if item else stage.name
                detail = f": {'; '.join(c.reasons)}" if c.reasons else ""
                lines.append(f"{name}: {c.state}{detail}")
    return "\n".join(lines) or f"{course.slug}: everything is up to date"


def _concerns(course: Course, stage: Stage, item: str | None, lecture: str) -> bool:
    """Whether an item is the lecture, its section, or the whole course."""
    if stage.grain == "section":
        return item == course.outline.section_of(lecture).id
    return item in (None, lecture)


def cell(course: Course, stage: Stage, item: str | None) -> Cell:
    """One stage's state for one item."""
    path = stage.target(course, item)
    if stage.source:
        return _source_cell(course, stage, item, path)
    if not all(p.exists() for p in stage.outputs(course, item)):
        return Cell(MISSING, [f"run `make {stage.name} TOPIC={course.slug}`"])
    made = stamps.stored(course.out, path) or {}
    return _compare(course, stage, item, made.get("parts"), made.get("key"))


def _source_cell(course: Course, stage: Stage, item: str | None, path: Path) -> Cell:
    """A file under courses/: its edit-protection state, then whether it is current."""
    if protect.proposed_path(path).exists():
        return Cell("proposed version waiting", [f"see {protect.proposed_path(path).name}"])
    state = protect.state(course.dir, path)
    if state in ("missing", "deleted"):
        return Cell(MISSING if state == "missing" else "deleted by hand", [])
    found = review.unaccepted_placeholders(course, path)
    if found:
        return Cell(PLACEHOLDER, [p.where(course.root) for p in found])
    entry = protect.Manifest(course.dir).read().get(protect.Manifest(course.dir).rel(path), {})
    old = "parts" not in entry and state != "generated"  # adopted as is (protect.is_current)
    compared = _compare(course, stage, item, entry.get("parts"), entry.get("source"))
    # only Lectern's code moved on: a person's own text stays theirs (protect.is_current)
    mine = state != "generated" and compared.reasons == [_said(keys.CODE)]
    if compared.state != UP_TO_DATE and entry.get("source") and not old and not mine:
        return compared
    if stage.name in STAGES_WITH_REVIEW and _rel(course, path) in _safe_pending(course, stage.name):
        return Cell("waiting for review", [])
    label = {"generated": UP_TO_DATE, "authored": "written by hand"}
    return Cell(label.get(state, "edited by hand"), [])


def _compare(
    course: Course, stage: Stage, item: str | None, parts: dict | None, digest: str | None
) -> Cell:
    """Up to date when the stored digest is the current key's; else what changed."""
    try:
        key = stage.key(course, item)
    except LecternError as e:
        return Cell(STALE, [e.message])
    if digest == key.digest:
        return Cell(UP_TO_DATE, [])
    return Cell(STALE, [_said(name) for name in key.changes(parts)])


def _said(part: str) -> str:
    """A changed part as a person reads it."""
    if part.startswith("no record"):
        return part
    if part == keys.CODE:
        return "Lectern's code for this stage changed"
    return f"{part} changed"


def _safe_pending(course: Course, stage: str) -> list[str]:
    try:
        return review.pending(course, stage)
    except LecternError:
        return ["?"]


def _rel(course: Course, path: Path) -> str:
    return path.relative_to(course.dir).as_posix()


def _format(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)

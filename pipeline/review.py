"""Review checkpoints: what waits for the person, and the record of what they approved."""

from __future__ import annotations

import getpass
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from pipeline import placeholders, yamlsrc
from pipeline.code import check, sandbox
from pipeline.errors import CheckpointPending, InputError, LecternError
from pipeline.fsutil import atomic_write_text, sha256_file

if TYPE_CHECKING:  # the stage registry reads approvals, and a course loads the registry
    from pipeline.course import Course

HEADER = (
    "# Review approvals, written by `make approve`. Each entry records who approved\n"
    "# what and when, and the hash of every file approved. Edit a file afterwards\n"
    "# and its checkpoint asks for approval again.\n"
)


def reviewed_files(course: Course, stage: str) -> list[Path]:
    """The files a person reads at a checkpoint (or approves with placeholders)."""
    if stage == "outline":
        return [course.outline_path]
    if stage == "scripts":
        return [course.slides_path(lec.id) for lec in course.outline.lectures]
    return [course.lecture_path(lec.id) for lec in course.outline.lectures]


def load(course: Course) -> dict:
    """approvals.yaml as a dict."""
    if not course.approvals_path.exists():
        return {}
    return yamlsrc.load(course.approvals_path) or {}


def approve(course: Course, stage: str, force: bool = False) -> str:
    """Record approval of a stage's files; refuse when there is nothing to approve, when
    the outline has mistakes (an approved outline must be one the stages can read), or
    when a file still holds a placeholder, unless `force`."""
    if course.outline_path.exists():
        _ = course.outline  # raises with every mistake, each with its line
    files = reviewed_files(course, stage)
    missing = [f for f in files if not f.exists()]
    if missing:
        target = "outline" if stage == "outline" else "drafts"
        raise InputError(
            f"nothing to approve for '{stage}' yet: {_rel(course, missing[0])} "
            f"does not exist. Run `make {target} TOPIC={course.slug}` first"
        )
    if not force:
        _refuse_placeholders(course, stage, files)
        _refuse_failing_code(course, stage, files)
    data = load(course)
    data[stage] = {
        "approved_by": os.environ.get("LECTERN_USER") or _user(),
        "approved_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "files": {_rel(course, f): sha256_file(f) for f in files},
    }
    atomic_write_text(course.approvals_path, HEADER + yaml.safe_dump(data, sort_keys=False))
    where = _rel(course, course.approvals_path)
    return f"approved {stage}: {len(files)} file(s) recorded in {where}"


def _refuse_placeholders(course: Course, stage: str, files: list[Path]) -> None:
    found = [p for f in files for p in placeholders.find(f)]
    if found:
        raise InputError(
            f"not approved: {len(found)} placeholder(s) are still in the {stage}:\n"
            f"{placeholders.report(found, course.root)}\n"
            f"{placeholders.FIX}, then approve again; to publish them as they are: "
            f"`make approve TOPIC={course.slug} STAGE={stage} FORCE=1`"
        )


def _refuse_failing_code(course: Course, stage: str, files: list[Path]) -> None:
    """An approved lecture or slide script is one whose code runs as it says."""
    report = code_problems(course, stage, files)
    if report:
        raise InputError(
            f"not approved: code in the {stage} does not run as the text says.\n{report}\n"
            "Fix the lines above (or mark a block `@run: no`), then approve again; to "
            f"approve them as they are: `make approve TOPIC={course.slug} STAGE={stage} FORCE=1`"
        )


def code_problems(course: Course, stage: str, files: list[Path]) -> str:
    """The code check's report of these files when a block fails, else ''."""
    if stage == "outline" or not course.topic.code.check:
        return ""
    report = check.check_files(course, files, sandbox.unsafe_local())
    return report.text(passed_files=False) if report.failed else ""


def accepted(course: Course, path: Path) -> bool:
    """Whether a person approved this file as it is now (for placeholders they kept)."""
    rel, digest = _rel(course, path), sha256_file(path)
    return any(
        (record or {}).get("files", {}).get(rel) == digest for record in load(course).values()
    )


def unaccepted_placeholders(course: Course, path: Path) -> list[placeholders.Placeholder]:
    """The placeholders in a file that no approval covers. A slide script may repeat the
    ones its lecture was approved with (manual mode derives them from it)."""
    found = placeholders.find(path)
    if not found or accepted(course, path):
        return []
    lecture = course.lecture_path(path.stem)
    if path.parent.name == "slides" and lecture.exists() and accepted(course, lecture):
        kept = {p.phrase for p in placeholders.find(lecture)}
        found = [p for p in found if p.phrase not in kept]
    return found


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _rel(course: Course, path: Path) -> str:
    return path.relative_to(course.dir).as_posix()


def pending(course: Course, stage: str) -> list[str]:
    """Files that changed since approval (all of them if never approved); [] = approved."""
    if not needs_review(course, stage):
        return []
    record = load(course).get(stage) or {}
    approved = record.get("files", {})
    changed = []
    for f in reviewed_files(course, stage):
        rel = _rel(course, f)
        if not f.exists() or approved.get(rel) != sha256_file(f):
            changed.append(rel)
    return changed


def needs_review(course: Course, stage: str) -> bool:
    """False when the topic skips this checkpoint or AUTO_APPROVE=1 is set."""
    if os.environ.get("AUTO_APPROVE", "") not in ("", "0"):
        return False
    return stage in course.topic.review


def _code_report(course: Course, stage: str) -> str:
    """What the code check finds in the files waiting for review ('' when all run)."""
    try:
        return code_problems(
            course, stage, [f for f in reviewed_files(course, stage) if f.exists()]
        )
    except LecternError as exc:  # no sandbox: say so here, approve refuses with the fix
        return f"  (not checked: {exc.format_message()})"


def checkpoint(course: Course, stage: str) -> None:
    """Raise CheckpointPending (a normal stop) when the person has not approved yet; an
    outline with mistakes is an error (exit 1), never a normal stop."""
    _ = course.outline
    changed = pending(course, stage)
    if not changed:
        return
    first_time = stage not in load(course)
    lines = [f"Review checkpoint '{stage}': please read and edit these files, then approve."]
    if not first_time:
        lines[0] = f"Review checkpoint '{stage}': these files changed since you approved them."
    lines += [f"  courses/{course.slug}/{rel}" for rel in changed[:20]]
    if len(changed) > 20:
        lines.append(f"  … and {len(changed) - 20} more")
    problems = _code_report(course, stage)
    if problems:
        lines += ["Their code does not all run as the text says (fix it before approving):"]
        lines += [problems]
    slug = course.slug
    lines += [
        "When they read right, approve and continue with:",
        f"  make approve TOPIC={slug} STAGE={stage} && make course TOPIC={slug}",
    ]
    raise CheckpointPending("\n".join(lines))

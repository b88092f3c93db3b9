"""Review checkpoints: what waits for the person, and the record of what they approved."""

from __future__ import annotations

import getpass
import os
import time
from pathlib import Path

import yaml

from pipeline import yamlsrc
from pipeline.course import Course
from pipeline.errors import CheckpointPending, InputError
from pipeline.fsutil import atomic_write_text, sha256_file

HEADER = (
    "# Review approvals, written by `make approve`. Each entry records who approved\n"
    "# what and when, and the hash of every file approved. Edit a file afterwards\n"
    "# and its checkpoint asks for approval again.\n"
)


def reviewed_files(course: Course, stage: str) -> list[Path]:
    """The files a person reads at a checkpoint."""
    if stage == "outline":
        return [course.outline_path]
    return [course.lecture_path(lec.id) for lec in course.outline.lectures]


def load(course: Course) -> dict:
    """approvals.yaml as a dict."""
    if not course.approvals_path.exists():
        return {}
    return yamlsrc.load(course.approvals_path) or {}


def approve(course: Course, stage: str) -> str:
    """Record approval of a stage's files; refuse when there is nothing to approve, or
    when the outline has mistakes (an approved outline must be one the stages can read)."""
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
    data = load(course)
    data[stage] = {
        "approved_by": os.environ.get("LECTERN_USER") or _user(),
        "approved_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "files": {_rel(course, f): sha256_file(f) for f in files},
    }
    atomic_write_text(course.approvals_path, HEADER + yaml.safe_dump(data, sort_keys=False))
    where = _rel(course, course.approvals_path)
    return f"approved {stage}: {len(files)} file(s) recorded in {where}"


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
    slug = course.slug
    lines += [
        "When they read right, approve and continue with:",
        f"  make approve TOPIC={slug} STAGE={stage} && make course TOPIC={slug}",
    ]
    raise CheckpointPending("\n".join(lines))

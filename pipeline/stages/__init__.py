"""The stages, by the name the Makefile and CLI use.

Each entry points at `module:function`; modules are imported only when their stage
runs, so `python -m pipeline status` starts fast. Every stage function takes
`(course, lectures=None, force=False)` and turns input files into output files.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from pipeline import locks, tempfiles

STAGES: dict[str, str] = {
    "outline": "pipeline.stages.outline:run",
    "drafts": "pipeline.stages.drafts:run",
    "scripts": "pipeline.stages.scripts:run",
    "quizzes": "pipeline.stages.quizzes:run",
    "decks": "pipeline.stages.decks:run",
    "frames": "pipeline.stages.frames:run",
    "narration": "pipeline.stages.narration:run",
    "video": "pipeline.stages.video:run",
    "book": "pipeline.stages.book:run",
    "udemy": "pipeline.stages.udemy:run",
    "kdp": "pipeline.stages.kdp:run",
}

# Stages that work per lecture (the Makefile has one rule per lecture for these).
PER_LECTURE = ("drafts", "scripts", "decks", "frames", "narration", "video")


def get(name: str) -> Callable:
    """Import and return a stage's function."""
    module, func = STAGES[name].split(":")
    return getattr(importlib.import_module(module), func)


def run(name: str, course, only: list[str] | None = None, force: bool = False):
    """Run one stage for a course (the CLI has started the run's clock: see stamps),
    once no other run builds it, after sweeping the temp files that killed runs left."""
    with locks.course_run(course):
        tempfiles.sweep(course.out, course.dir, course.cache_dir)
        return get(name)(course, only, force=force)

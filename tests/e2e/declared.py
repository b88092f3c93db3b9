"""Every stage runs with only the files its registry entry declares: a stage that reads a
file it did not declare finds it missing in a scratch course and fails (or, for the Udemy
bundle, which leaves missing files out, packs fewer files)."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from pipeline.course import Course
from pipeline.keys import Setting, expand
from pipeline.stages import REGISTRY, Stage
from tests.conftest import run_cli

# Not inputs but bookkeeping every course carries: its settings and outline (every stage
# loads them to know its items), the edit-protection manifest, the caches of paid calls,
# and the Udemy check's measurements of each video (keyed by the video's hash).
ALWAYS = (
    "courses/example/topic.yaml",
    "courses/example/outline.yaml",
    "courses/example/.lectern",
    "output/.cache",
    "output/example/checks",
)


def declared_files(course: Course, stage: Stage, item: str | None) -> set[Path]:
    """The files a stage's declaration names for one item, as they exist now."""
    found: set[Path] = set()
    for part in stage.reads:
        templates = ("{C}/topic.yaml",) if isinstance(part, Setting) else part.files()
        for template in templates:
            found |= set(expand(template, course, item, stage.grain))
    return found


def scratch_for(built: Path, dest: Path, stage: Stage, item: str | None) -> Path:
    """A project holding only what `stage` declares for `item` (and ALWAYS), plus, for a
    stage writing under courses/, its own files as they are."""
    course = Course.load("example", built)
    for rel in ALWAYS:
        src = built / rel
        if src.is_dir():
            shutil.copytree(src, dest / rel)
        elif src.exists():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    own = [p for p in stage.outputs(course, item) if p.exists()] if stage.source else []
    for path in [*declared_files(course, stage, item), *own]:  # a course file may be the
        # person's (a quiz written by hand): the stage checks it rather than making it
        target = dest / path.relative_to(built)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    return dest


def check_every_stage(built: Path, tmp: Path) -> None:
    """Run each stage (forced) in its own scratch course; it must succeed and write its
    outputs; the Udemy bundle must pack the same files as the full build's."""
    course = Course.load("example", built)
    for stage in REGISTRY:
        item = stage.items(course)[0]
        root = scratch_for(built, tmp / stage.name, stage, item)
        args = [stage.name, "example", "--force"]
        if item:
            args += ["--section" if stage.grain == "section" else "--lecture", item]
        proc = run_cli(root, *args, env={"AUTO_APPROVE": "1"})
        assert proc.returncode == 0, f"{stage.name} in a scratch course:\n{proc.stderr[-2000:]}"
        outputs = stage.outputs(Course.load("example", root), item)
        assert all(p.exists() for p in outputs), f"{stage.name} wrote {outputs}"
    with (
        zipfile.ZipFile(built / "output/example/udemy.zip") as full,
        zipfile.ZipFile(tmp / "udemy/output/example/udemy.zip") as scratch,
    ):
        assert sorted(scratch.namelist()) == sorted(full.namelist())

"""Shared fixtures: a throwaway Lectern project holding a copy of the example course."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]


# The code check's results are keyed by the code itself, so every project of one test run
# shares them: the example's 119 blocks run once per run, not once per test that builds
# decks or approves drafts. (Workers of one run share a parent: the pytest they serve.)
CODE_CACHE = Path(tempfile.gettempdir()) / f"lectern-test-code-cache-{os.getppid()}"


def make_project(dest: Path, courses: tuple[str, ...] = ("example",)) -> Path:
    """Copy courses and assets into `dest`, a project root the pipeline can run in."""
    dest.mkdir(parents=True, exist_ok=True)
    for slug in courses:
        shutil.copytree(REPO / "courses" / slug, dest / "courses" / slug)
    if (REPO / "assets").exists():
        shutil.copytree(REPO / "assets", dest / "assets")
    (dest / "output" / ".cache").mkdir(parents=True, exist_ok=True)
    CODE_CACHE.mkdir(exist_ok=True)
    (dest / "output" / ".cache" / "code").symlink_to(CODE_CACHE)
    return dest


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A project root with the example course; the pipeline's cwd and LECTERN_ROOT."""
    root = make_project(tmp_path / "proj")
    monkeypatch.setenv("LECTERN_ROOT", str(root))
    monkeypatch.chdir(root)
    for name in ("AUTO_APPROVE", "FORCE", "LECTERN_RUN", "LECTERN_FORCED"):
        monkeypatch.delenv(name, raising=False)
    return root


def person_env() -> dict[str, str]:
    """The environment a person's shell has: none of the variables Make hands to Lectern
    (`make test` itself is a make run: its run id and flags must not leak into tests)."""
    ours = ("AUTO_APPROVE", "FORCE", "LECTERN_RUN", "LECTERN_FORCED", "LECTERN_DEBUG")
    return {k: v for k, v in os.environ.items() if k not in ours}


def run_cli(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python -m pipeline ARGS` in a project root, as the Makefile does."""
    full_env = {**person_env(), "LECTERN_ROOT": str(root), "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=root,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=600,
    )


# The example is a 30-minute course. These lectures (the introduction, one from each of the
# first two sections) exercise every stage in a quarter of the time: tests that build the
# whole course for one fact build this cut, so `make test` stays inside its budget.
EXAMPLE_CUT = ("01-00-welcome", "01-01-why-comprehensions", "02-01-dict-and-set-comprehensions")


def cut_example(root: Path, keep: tuple[str, ...] = EXAMPLE_CUT) -> None:
    """Cut the project's example down to these lectures (their sections, quizzes and
    questions), and approve the cut outline and drafts as a person would."""
    course = root / "courses" / "example"
    outline = yaml.safe_load((course / "outline.yaml").read_text())
    for section in outline["sections"]:
        section["lectures"] = [lec for lec in section["lectures"] if lec["id"] in keep]
    outline["sections"] = [s for s in outline["sections"] if s["lectures"]]
    (course / "outline.yaml").write_text(yaml.safe_dump(outline, sort_keys=False))
    for kind in ("lectures", "slides"):
        for path in (course / kind).glob("*.md"):
            if path.stem not in keep:
                path.unlink()
    sections = {s["id"] for s in outline["sections"]}
    for path in (course / "quizzes").glob("*.yaml"):
        quiz = yaml.safe_load(path.read_text())
        quiz["questions"] = [q for q in quiz["questions"] if q["lecture"] in keep]
        if quiz["section"] not in sections or not quiz["questions"]:
            path.unlink()
        else:
            path.write_text(yaml.safe_dump(quiz, sort_keys=False, allow_unicode=True))
    for stage in ("outline", "drafts"):
        done = run_cli(root, "approve", "example", stage)
        assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture
def small_project(project) -> Path:
    """`project` with its example cut to EXAMPLE_CUT."""
    cut_example(project)
    return project


@pytest.fixture
def mk_project(tmp_path) -> Path:
    """A project with the real Makefile, sharing this checkout's venv and package."""
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    root = make_project(tmp_path / "proj")
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(REPO / name, root / name)
    shutil.copytree(REPO / "scripts", root / "scripts")
    (root / ".venv").symlink_to(REPO / ".venv")
    (root / "pipeline").symlink_to(REPO / "pipeline")
    return root


def make(
    root: Path, *args: str, env: dict | None = None, timeout: int = 600
) -> subprocess.CompletedProcess:
    """Run make in a project as a person would (no AUTO_APPROVE/FORCE unless given)."""
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=root,
        env={**person_env(), "LECTERN_ROOT": str(root), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )

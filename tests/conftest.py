"""Shared fixtures: a throwaway Lectern project holding a copy of the example course."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def make_project(dest: Path, courses: tuple[str, ...] = ("example",)) -> Path:
    """Copy courses and assets into `dest`, a project root the pipeline can run in."""
    dest.mkdir(parents=True, exist_ok=True)
    for slug in courses:
        shutil.copytree(REPO / "courses" / slug, dest / "courses" / slug)
    if (REPO / "assets").exists():
        shutil.copytree(REPO / "assets", dest / "assets")
    (dest / "output").mkdir(exist_ok=True)
    return dest


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A project root with the example course; the pipeline's cwd and LECTERN_ROOT."""
    root = make_project(tmp_path / "proj")
    monkeypatch.setenv("LECTERN_ROOT", str(root))
    monkeypatch.chdir(root)
    monkeypatch.delenv("AUTO_APPROVE", raising=False)
    monkeypatch.delenv("FORCE", raising=False)
    return root


def run_cli(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python -m pipeline ARGS` in a project root, as the Makefile does."""
    full_env = {**os.environ, "LECTERN_ROOT": str(root), "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=root, env=full_env,
                          capture_output=True, text=True, timeout=600)

"""Temp files and folders a killed run left are swept at the next stage's start; those of
a run still going (a parallel `make -j` job) are kept."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.conftest import run_cli


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_leftovers_of_a_killed_run_are_swept_and_live_ones_kept(project):
    dead, live = _dead_pid(), os.getpid()
    out, src = project / "output" / "example", project / "courses" / "example"
    stale_files = [
        out / f".udemy.zip.{dead}.tmp",
        out / "video" / ".segments" / f".v-ab.{dead}.tmp.h264",
        src / "lectures" / f".01-01-why-comprehensions.md.{dead}.xq1w2e.tmp",
    ]
    stale_folders = [
        out / "video" / f".01-01-why-comprehensions.{dead}.xk3j.tmp",
        Path(tempfile.gettempdir()) / f".lectern-lo-profile.{dead}.xa1.tmp",
    ]
    kept = [out / f".udemy.zip.{live}.tmp", out / "notes.tmp", src / "lectures" / "x.12.tmp"]
    for path in stale_files + kept + [f / "video.mp4" for f in stale_folders]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 1000)
    proc = run_cli(project, "decks", "example", "--lecture", "01-01-why-comprehensions")
    assert proc.returncode == 0, proc.stderr
    assert [p for p in stale_files + stale_folders if p.exists()] == []
    assert [p for p in kept if not p.exists()] == []

"""Content-hash stamps for files under output/: skip work whose inputs did not change.

A stamp holds the key (a hash of inputs and settings) an output was made from. When a
stage finds its output fresh it touches it, so Make's timestamps agree and the next
`make` does not even start Python for it.

Outputs are dated at the moment their run started, before it read any input, never at
the moment they were written: an input a person edits while the stage runs is then
newer than the output, and the next `make` runs the stage again instead of keeping an
output made from the old text.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from pipeline.fsutil import atomic_write_text

_RUN = {"start": None}


def begin_run() -> None:
    """Remember that this run starts now (call before reading any input)."""
    _RUN["start"] = time.time()


def run_start() -> float:
    """When this run started (now, for a library call made outside a run)."""
    return _RUN["start"] or time.time()


def date(path: Path) -> None:
    """Give a file the run's start time (see the module docstring)."""
    t = run_start()
    os.utime(path, (t, t))


def touch(path: Path) -> None:
    """Mark a verified file current: forward to the run's start, never back (a newer time
    means someone changed it during the run, which Make must still see)."""
    t = run_start()
    if os.stat(path).st_mtime < t:
        os.utime(path, (t, t))


def _stamp_path(out_root: Path, output: Path) -> Path:
    rel = Path(output).resolve().relative_to(Path(out_root).resolve())
    return Path(out_root) / ".stamps" / f"{rel.as_posix()}.key"


def matches(out_root: Path, output: Path, key: str) -> bool:
    """True when `output` exists and was made from `key` (no side effects)."""
    output = Path(output)
    stamp = _stamp_path(out_root, output)
    return output.exists() and stamp.exists() and stamp.read_text().strip() == key


def fresh(out_root: Path, output: Path, key: str) -> bool:
    """True (and the output touched, so Make agrees) when `output` was made from `key`."""
    if not matches(out_root, output, key):
        return False
    touch(output)
    return True


def record(out_root: Path, output: Path, key: str) -> None:
    """Remember that `output` was made from `key`, and date it at the run's start."""
    atomic_write_text(_stamp_path(out_root, output), key + "\n")
    date(output)

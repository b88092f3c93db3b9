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

import json
import os
import time
from pathlib import Path

from pipeline.fsutil import atomic_write_text
from pipeline.keys import Key

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


def stored(out_root: Path, output: Path) -> dict | None:
    """What an output was made from: {"key": digest, "parts": {name: digest}}, or None."""
    try:
        text = _stamp_path(out_root, output).read_text().strip()
    except FileNotFoundError:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return {"key": text, "parts": {}}  # a stamp from before parts were kept


def matches(out_root: Path, output: Path, key: Key | str) -> bool:
    """True when `output` exists and was made from `key` (no side effects)."""
    record = stored(out_root, output)
    return Path(output).exists() and record is not None and record["key"] == _digest(key)


def fresh(out_root: Path, output: Path, key: Key | str) -> bool:
    """True (and the output touched, so Make agrees) when `output` was made from `key`."""
    if not matches(out_root, output, key):
        return False
    touch(output)
    return True


def record(out_root: Path, output: Path, key: Key | str) -> None:
    """Remember that `output` was made from `key` (with its parts, for `make why`), and
    date it at the run's start."""
    parts = key.parts if isinstance(key, Key) else {}
    atomic_write_text(
        _stamp_path(out_root, output), json.dumps({"key": _digest(key), "parts": parts}) + "\n"
    )
    date(output)


def _digest(key: Key | str) -> str:
    return key.digest if isinstance(key, Key) else key

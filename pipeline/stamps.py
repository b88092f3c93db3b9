"""Content-hash stamps for files under output/: skip work whose inputs did not change.

A stamp holds the key (a hash of inputs and settings) an output was made from. When a
stage finds its output fresh it touches it, so Make's timestamps agree and the next
`make` does not even start Python for it.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.fsutil import atomic_write_text


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
    os.utime(output)
    return True


def record(out_root: Path, output: Path, key: str) -> None:
    """Remember that `output` was made from `key`."""
    atomic_write_text(_stamp_path(out_root, output), key + "\n")

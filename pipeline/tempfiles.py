"""Temporary files and folders: one naming rule, so what a killed run left can be swept.

Every temp entry Lectern makes is named `.NAME.PID[.TAG].tmp[.EXT]`: hidden, beside the
file it becomes (so the final rename is atomic), and carrying the id of the process that
made it. A run killed with SIGKILL (or a full disk, or a power cut) cannot clean up
after itself; the next run's sweep deletes entries whose process is gone and leaves
those of a live process alone (a parallel `make -j` job is still using them).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
from pathlib import Path

NAME = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)(?:\.[a-z][\w-]*)?\.tmp(?:\.\w+)?$")
SYSTEM_PREFIX = ".lectern-"  # the only names the sweep looks at in the system temp folder


def prefix(name: str) -> str:
    """The start of a temp name for `name` (mkstemp and mkdtemp add a random tag)."""
    return f".{name}.{os.getpid()}.x"


def path_for(path: Path, tag: str = "") -> Path:
    """A temp file name beside `path`, keeping its extension (tools pick formats by it);
    a worker thread's carries its thread id too, since two workers of one stage may make
    the same file at once (two lectures showing the same picture)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if threading.current_thread() is not threading.main_thread():
        tag = f"{tag or 't'}-{threading.get_native_id()}"
    tag = f".{tag}" if tag else ""
    return path.with_name(f".{path.stem}.{os.getpid()}{tag}.tmp{path.suffix}")


def folder(parent: Path | None, name: str) -> Path:
    """A new temp folder in `parent` (None: the system temp folder)."""
    if parent is None:
        parent, name = Path(tempfile.gettempdir()), SYSTEM_PREFIX + name
    Path(parent).mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=prefix(name), suffix=".tmp", dir=parent))


def sweep(*roots: Path) -> list[Path]:
    """Delete temp entries under `roots` (and Lectern's in the system temp folder) whose
    process no longer runs; return what went."""
    gone = [p for root in roots if Path(root).is_dir() for p in _walk(Path(root))]
    system = Path(tempfile.gettempdir())
    gone += [p for p in system.glob(SYSTEM_PREFIX + "*") if _stale(p)]
    for path in gone:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return gone


def _walk(root: Path) -> list[Path]:
    """Stale temp entries under root (a temp folder is taken whole, not entered)."""
    found = []
    for parent, dirs, files in os.walk(root):
        for name in [d for d in dirs if NAME.match(d)]:
            dirs.remove(name)
            if _stale(Path(parent) / name):
                found.append(Path(parent) / name)
        dirs[:] = [d for d in dirs if d != ".git"]
        found += [Path(parent) / f for f in files if NAME.match(f) and _stale(Path(parent) / f)]
    return found


def _stale(path: Path) -> bool:
    """True when the process named in a temp entry's name has ended."""
    m = NAME.match(path.name)
    if not m:
        return False
    try:
        os.kill(int(m["pid"]), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):
        return False  # a live process of another user, or not a pid at all
    return False

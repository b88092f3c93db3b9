"""Locks that keep concurrent runs from paying twice or writing over each other.

- `key_lock`: around each cache miss of a paid call (LLM answer, TTS sentence), so two
  processes missing the same key at once make one call; the second finds it cached.
- `course_run`: one run per course at a time. Every stage process of one `make` run
  (however many `make -j` starts) belongs to the same run, named by the top-level
  make's process (LECTERN_RUN, set by the Makefile); a second run waits until that
  process has ended. Without make, a process is a run of its own.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline import log

POLL_S = 0.5


@contextmanager
def key_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock named after `path` (`path.lock`, removed afterwards)."""
    lock = path.with_name(path.name + ".lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = _locked_fd(lock)
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)  # while still held: a waiter then finds a new file
        os.close(fd)


def _locked_fd(lock: Path) -> int:
    """An fd holding flock on the file now at `lock` (retrying if it was replaced)."""
    while True:
        fd = os.open(lock, os.O_CREAT | os.O_RDWR, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            if os.stat(lock).st_ino == os.fstat(fd).st_ino:
                return fd
        except FileNotFoundError:
            pass  # its holder removed it as we waited: lock the new one
        os.close(fd)


@contextmanager
def course_run(course) -> Iterator[None]:
    """Wait until no other run builds this course, then hold it for this run."""
    lease = course.root / "output" / ".locks" / f"{course.slug}.json"
    me = _owner()
    said = False
    while (other := _claim(lease, me)) is not None:
        if not said:
            log.info(
                f"another Lectern run (process {other['pid']}) is building "
                f"courses/{course.slug}; waiting for it to finish (Ctrl-C to stop)"
            )
            said = True
        time.sleep(POLL_S)
    try:
        yield
    finally:
        if me["pid"] == os.getpid():  # a run of its own ends here; a make run when make does
            with key_lock(lease):
                if _read(lease) == me:
                    lease.unlink(missing_ok=True)


def _owner() -> dict:
    """This run: the top-level make's process when make started us, else this process."""
    pid = int(os.environ.get("LECTERN_RUN") or os.getpid())
    return {"pid": pid, "started": _start_time(pid)}


def _claim(lease: Path, me: dict) -> dict | None:
    """Take the lease for `me` unless a live other run holds it (then return that run)."""
    with key_lock(lease):
        held = _read(lease)
        if held and held != me and _running(held):
            return held
        lease.write_text(json.dumps(me))
        return None


def _read(lease: Path) -> dict | None:
    try:
        return json.loads(lease.read_text())
    except (FileNotFoundError, ValueError):
        return None


def _running(run: dict) -> bool:
    """True while the process that holds a lease is the one that took it."""
    if not Path("/proc/self/stat").exists():  # no /proc (macOS): whether it runs at all
        try:
            os.kill(run["pid"], 0)
        except ProcessLookupError:
            return False
        return True
    return _start_time(run["pid"]) == run.get("started")


def _start_time(pid: int) -> str | None:
    """When a process started (so a reused process id is not taken for the old run);
    None when it is not running."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (FileNotFoundError, IndexError, ProcessLookupError):
        return None

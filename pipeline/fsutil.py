"""Atomic writes and content hashes: the two primitives every stage relies on (and
reading a person's text files, and saying so plainly when the disk is full)."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from functools import lru_cache, wraps
from pathlib import Path
from typing import TypeVar

from pipeline import tempfiles
from pipeline.errors import DiskFull, InputError

DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
T = TypeVar("T")


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's content, streamed."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def sha256_if_exists(path: Path | None) -> str | None:
    """A file's hash, or None when there is no file (a missing input is an input too)."""
    return sha256_file(path) if path is not None and Path(path).exists() else None


def stat_memo(fn: Callable[..., T]) -> Callable[..., T]:
    """`fn(path, *args)` remembered while the file is unchanged: keyed on the path, its
    st_mtime_ns, st_size and st_ino (an atomic rewrite is a new inode even within one
    clock tick) and the other, hashable, arguments. A missing file raises
    FileNotFoundError, as os.stat does."""

    @lru_cache(maxsize=4096)
    def by_version(path: str, version: tuple[int, int, int], args: tuple) -> T:
        return fn(Path(path), *args)

    @wraps(fn)
    def memo(path: Path, *args) -> T:
        st = os.stat(path)
        return by_version(str(path), (st.st_mtime_ns, st.st_size, st.st_ino), args)

    return memo


@stat_memo
def _memo_sha256(path: Path) -> str:
    return sha256_file(path)


def file_hash(path: Path) -> str | None:
    """A file's SHA-256 (None when there is no file), hashed once per version of the file
    in a process: where a stage's key and its work both need it (the video's frames)."""
    try:
        return _memo_sha256(path)
    except FileNotFoundError:
        return None


def hash_json(value: object) -> str:
    """Stable hash of a JSON-able value (keys sorted)."""
    blob = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return sha256_bytes(blob.encode())


def atomic_write_bytes(path: Path, data: bytes, mtime: float | None = None) -> None:
    """Write via a temp file in the same folder, then rename: never half a file.

    `mtime` dates the file before it appears (so no one can edit it in between)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=tempfiles.prefix(path.name), suffix=".tmp")
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the usual mode
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if mtime is not None:
            os.utime(tmp, (mtime, mtime))
        os.replace(tmp, path)
    except BaseException as e:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(e, OSError) and e.errno in DISK_FULL:
            raise DiskFull(disk_full_message(path, len(data))) from None
        raise


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()  # read once at import: os.umask is process-wide, not thread-safe


def atomic_write_text(path: Path, text: str, mtime: float | None = None) -> None:
    """Atomic write of UTF-8 text."""
    atomic_write_bytes(path, text.encode("utf-8"), mtime)


def read_text(path: Path) -> str:
    """A text file a person wrote (newlines as Path.read_text gives them); bytes that are
    not UTF-8 are an error naming the line and the byte."""
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise InputError(
            f"{path}:{line}: not UTF-8 text (byte 0x{data[e.start]:02x} at byte "
            f"{e.start} of the file); save it as UTF-8 (in most editors: Save "
            "with Encoding > UTF-8)"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def disk_full_message(path: Path | str, needed: int | None = None) -> str:
    """`path: the disk is full (N free, M needed)` and what to do about it."""
    need = f", {human_bytes(needed)} needed" if needed else ""
    return (
        f"{path}: the disk is full ({free_space(path)} free{need}); free some space and "
        "run again (`make clean TOPIC=…` deletes a course's rebuildable output; keep "
        "output/.cache, which holds paid calls)"
    )


def os_error_message(e: OSError, where: Path) -> str:
    """One line for an OSError no stage turned into a message: the file (`where` when
    the system did not say) and, for a full disk, the space left and the fix."""
    path = e.filename or where
    if e.errno in DISK_FULL:
        return disk_full_message(path)
    return f"{path}: {e.strerror or e}"


def free_space(path: Path | str) -> str:
    """Free space on the file system holding `path`, for a message."""
    free = free_bytes(path)
    return "unknown space" if free is None else human_bytes(free)


def free_bytes(path: Path | str) -> int | None:
    """Bytes free on the file system holding `path` (or its nearest existing parent)."""
    folder = Path(path)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def human_bytes(n: float) -> str:
    """1536 -> '1.5 KB'."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024:
            return f"{n:.0f} bytes" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"

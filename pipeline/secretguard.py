"""The secret guard: no bundle ships the value of an API key, token or password.

The known secrets are the values of key-like variables in the environment and the
project's `.env`. A scan reads a file's bytes and, when the file is a zip (PPTX, EPUB, a
workbook embedded in a deck), every member decompressed, in chunks (memory stays bounded
whatever the file's size). MP4 and JPEG bytes are scanned raw too: their metadata (an MP4's
title, a JPEG's EXIF) can carry text.

Keys are written in [A-Za-z0-9_-], characters that XML, HTML and JSON store as they are, so
the raw value is all there is to look for (no `&amp;` or `\\u` escaped forms).
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from pipeline.course import Course
from pipeline.errors import LecternError
from pipeline.secrets import environment

KEY_LIKE = ("_KEY", "_TOKEN", "_SECRET", "PASSWORD")
MIN_CHARS = 8  # shorter values ("1", "true") would be found in any text
CHUNK = 1 << 20
NESTED = 1  # zips inside a zip are opened this many levels down (a workbook in a deck)
SPILL = 16 << 20  # a nested zip is copied to memory up to this size, then to a temp file
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
# What a damaged, encrypted (RuntimeError) or exotically compressed zip raises when read.
UNREADABLE = (zipfile.BadZipFile, NotImplementedError, RuntimeError, zlib.error, EOFError)
MAX_SOURCES = 3  # source files named in an error

Secrets = dict[str, bytes]  # variable name -> value
Hit = tuple[str, str]  # (variable name, member path inside the file, "" for its own bytes)


class SecretInBundle(LecternError):
    """A file about to be shipped holds the value of a key the person has."""


def known(root: Path | None = None) -> Secrets:
    """The value (8 characters or more) of every key-like variable: environment and .env."""
    return {
        name: value.encode()
        for name, value in environment(root).items()
        if name.upper().endswith(KEY_LIKE) and len(value) >= MIN_CHARS
    }


def check(
    course: Course,
    bundle: str,
    files: Iterable[tuple[str, Path | bytes]],
    lecture_of: dict[str, str] | None = None,
) -> None:
    """Raise SecretInBundle when a file of `bundle` (shown name, path or bytes) holds a secret."""
    secrets = known(course.root)
    if not secrets:
        return
    for shown, data in files:
        hit = find(data, secrets)
        if hit:
            raise SecretInBundle(
                _message(course, bundle, shown, hit, secrets[hit[0]], (lecture_of or {}).get(shown))
            )


def find(data: Path | bytes, secrets: Secrets) -> Hit | None:
    """The first secret in a file or in bytes, with the member it is in, or None."""
    if isinstance(data, bytes):
        return _scan(io.BytesIO(data), secrets, 0)
    with open(data, "rb") as f:
        return _scan(f, secrets, 0)


def _scan(f: BinaryIO, secrets: Secrets, depth: int) -> Hit | None:
    """Inside every member when `f` (seekable) is a zip, then its own bytes."""
    if f.read(4) in ZIP_MAGIC:
        f.seek(0)
        hit = _members(f, secrets, depth)
        if hit:
            return hit
    f.seek(0)
    name = _stream(f, secrets)
    return (name, "") if name else None


def _members(f: BinaryIO, secrets: Secrets, depth: int) -> Hit | None:
    """The first secret in any member of a zip, decompressed (its raw bytes are scanned after)."""
    try:
        with zipfile.ZipFile(f) as zf:
            for info in zf.infolist():
                with zf.open(info) as member:
                    hit = _member(member, secrets, depth)
                if hit:
                    return hit[0], " → ".join(p for p in (info.filename, hit[1]) if p)
    except UNREADABLE:
        return None  # not a zip we can open: its raw bytes are still scanned
    return None


def _member(member: BinaryIO, secrets: Secrets, depth: int) -> Hit | None:
    """One member's decompressed bytes, opened as a zip in turn when it is one."""
    head = member.read(4)
    if head not in ZIP_MAGIC or depth >= NESTED:
        name = _stream(member, secrets, head)
        return (name, "") if name else None
    # zipfile needs to seek, which a compressed member cannot do cheaply: copy it out first
    with tempfile.SpooledTemporaryFile(SPILL) as copy:
        copy.write(head)
        shutil.copyfileobj(member, copy, CHUNK)
        copy.seek(0)
        return _scan(copy, secrets, depth + 1)


def _stream(f: BinaryIO, secrets: Secrets, head: bytes = b"") -> str | None:
    """The variable whose value is in the stream's bytes, read a chunk at a time."""
    keep = max(len(v) for v in secrets.values()) - 1  # a value may straddle two chunks
    tail, chunk = b"", head + f.read(CHUNK)
    while chunk:
        window = tail + chunk
        for name, value in secrets.items():
            if value in window:
                return name
        tail, chunk = window[-keep:], f.read(CHUNK)
    return None


def _message(
    course: Course, bundle: str, shown: str, hit: Hit, value: bytes, lecture: str | None
) -> str:
    """Where the value was found, whose it is (the name only) and what to remove."""
    name, member = hit
    where = f"{shown} → {member}" if member else shown
    origin = "the environment" if name in os.environ else ".env"
    return (
        f"{bundle}: {where} contains the value of ${name} (from {origin}), so it was not "
        f"written (any previous one is kept). Remove the value from "
        f"{_fix(course, name, value, lecture)}, then run again."
    )


def _fix(course: Course, name: str, value: bytes, lecture: str | None) -> str:
    """The course files holding the value (with lines), else the lecture it came from."""
    found = sources(course, name, value)
    if found:
        return ", ".join(found)
    slides = f"courses/{course.slug}/slides/{lecture}.md"
    if lecture:
        return (
            f"lecture {lecture}: it is in none of the course's files as written, so look "
            f"at what {slides} shows (its images) and the theme"
        )
    return (
        f"the course: it is in none of the files under courses/{course.slug}/ as written, "
        "so look at the images it shows and its theme"
    )


def sources(course: Course, name: str, value: bytes) -> list[str]:
    """Files under courses/T/ holding the value (`courses/T/x.md:12`), at most a few."""
    found = []
    for path in sorted(course.dir.rglob("*")):
        if ".lectern" in path.relative_to(course.dir).parts or path.is_symlink():
            continue  # old copies in .lectern/backup; a link's target is not the course's
        hit = find(path, {name: value}) if path.is_file() else None
        if hit:
            found.append(_located(path.relative_to(course.root).as_posix(), path, hit[1], value))
        if len(found) == MAX_SOURCES:
            break
    return found


def _located(shown: str, path: Path, member: str, value: bytes) -> str:
    """`file:line` of the value in a text file; `file → member` inside a zip."""
    if member:
        return f"{shown} → {member}"
    data = path.read_bytes()
    line = data.count(b"\n", 0, data.find(value)) + 1
    return f"{shown}:{line}"

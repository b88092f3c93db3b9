"""Edit protection for files the pipeline writes under courses/.

The manifest (courses/<slug>/.lectern/manifest.json) records, per file, the hash of
what the pipeline wrote and the key of the inputs it was made from. A file whose
content no longer matches was edited by a person and is never overwritten: a new
version goes beside it as `<name>.proposed<ext>`. Files a person wrote themselves
(no manifest entry) are adopted as the current version the first time they are seen.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

from pipeline import stamps
from pipeline.fsutil import atomic_write_text, sha256_bytes, sha256_file
from pipeline.keys import CODE, Key

WRITTEN, UNCHANGED, PROPOSED, DELETED = "written", "unchanged", "proposed", "deleted"


class Manifest:
    """Read-modify-write access to one course's manifest, safe under `make -j`."""

    def __init__(self, course_dir: Path):
        self.dir = Path(course_dir)
        self.path = self.dir / ".lectern" / "manifest.json"

    @contextmanager
    def locked(self):
        """Hold an exclusive lock and yield the manifest dict; saved on exit."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            data = self.read()
            before = json.dumps(data, sort_keys=True)
            yield data
            if json.dumps(data, sort_keys=True) != before:
                atomic_write_text(self.path, json.dumps(data, indent=1, sort_keys=True) + "\n")

    def read(self) -> dict:
        """The manifest as a dict (empty when none)."""
        if not self.path.exists():
            return {}
        return json.loads(self.path.read_text(encoding="utf-8"))

    def rel(self, path: Path) -> str:
        return Path(path).resolve().relative_to(self.dir.resolve()).as_posix()


def proposed_path(path: Path) -> Path:
    """Where a regenerated version goes when the person edited the file."""
    path = Path(path)
    return path.with_name(f"{path.stem}.proposed{path.suffix}")


def state(course_dir: Path, path: Path) -> str:
    """One of: missing, deleted, generated, edited, authored."""
    m = Manifest(course_dir)
    entry = m.read().get(m.rel(path))
    if not Path(path).exists():
        return "deleted" if entry and entry.get("written") else "missing"
    if entry is None or entry.get("written") is None:
        return "authored"
    return "generated" if sha256_file(path) == entry["written"] else "edited"


def deleted_by_hand(course_dir: Path, path: Path, force: bool = False) -> bool:
    """True when a person deleted a file the pipeline wrote (and FORCE does not ask for it
    again): checked before generating, so a deleted file is never paid for."""
    return not force and state(course_dir, path) == "deleted"


def is_current(course_dir: Path, path: Path, key: Key) -> bool:
    """True when the file exists and was made from inputs hashing to `key`.

    A file the person wrote by hand (no entry) is adopted: their text is the version
    for the current inputs. So is a person's file recorded by a Lectern from before keys
    had parts: what it was made from cannot be told, and a new key alone is no reason to
    propose a new version. A current file is touched so Make's timestamps agree.
    """
    path = Path(path)
    if not path.exists():
        return False
    m = Manifest(course_dir)
    with m.locked() as data:
        rel = m.rel(path)
        entry = data.get(rel)
        if entry is None or ("parts" not in entry and not _owned(path, entry)):
            data[rel] = {**(entry or {"written": None}), **_source(key)}
        elif entry.get("source") != key.digest:
            if _owned(path, entry) or not only_code_changed(entry, key):
                return False
            data[rel] = {**entry, **_source(key)}  # a person's text is not made by our code
    stamps.touch(path)
    return True


def only_code_changed(entry: dict, key: Key) -> bool:
    """Whether a file's inputs are the same and only Lectern's code for its stage moved on:
    no reason to propose (or pay for) a new version of a file a person wrote or edited."""
    old = dict(entry.get("parts") or {})
    new = dict(key.parts)
    old.pop(CODE, None), new.pop(CODE, None)
    return bool(old) and old == new


def _source(key: Key) -> dict:
    """A manifest entry's record of what the file was made from."""
    return {"source": key.digest, "parts": key.parts}


def parts(course_dir: Path, path: Path) -> dict | None:
    """The parts the file was last made (or adopted) from, for `make why`."""
    m = Manifest(course_dir)
    entry = m.read().get(m.rel(path))
    return entry.get("parts") if entry else None


def write(course_dir: Path, path: Path, text: str, key: Key, force: bool = False) -> str:
    """Write a generated file unless a person changed it; return what happened."""
    path = Path(path)
    m = Manifest(course_dir)
    with m.locked() as data:
        rel = m.rel(path)
        entry = data.get(rel) or {}
        new_hash = sha256_bytes(text.encode("utf-8"))
        if not path.exists() and entry.get("written") and not force:
            return DELETED
        if path.exists() and not force and not _owned(path, entry):
            if sha256_file(path) == new_hash:
                data[rel] = {**entry, **_source(key)}
                return UNCHANGED
            atomic_write_text(proposed_path(path), text)
            data[rel] = {**entry, "proposed": key.digest, "proposed_parts": key.parts}
            return PROPOSED
        if path.exists() and force and not _owned(path, entry):
            backup(course_dir, path)
        unchanged = path.exists() and sha256_file(path) == new_hash
        if not unchanged:
            atomic_write_text(path, text, mtime=stamps.run_start())
        else:
            stamps.touch(path)
        data[rel] = {"written": new_hash, **_source(key)}
        proposed_path(path).unlink(missing_ok=True)
        return UNCHANGED if unchanged else WRITTEN


def _owned(path: Path, entry: dict) -> bool:
    """The pipeline may overwrite a file only if it is exactly what it last wrote."""
    return bool(entry.get("written")) and sha256_file(path) == entry["written"]


def backup(course_dir: Path, path: Path) -> Path:
    """Copy a person's file to .lectern/backup/ before FORCE overwrites it."""
    rel = Manifest(course_dir).rel(path)
    dest = Path(course_dir) / ".lectern" / "backup" / f"{rel}.{time.strftime('%Y%m%d-%H%M%S')}"
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, dest)
    return dest


def resolve(course_dir: Path, path: Path, take_proposed: bool) -> str:
    """Settle a `.proposed` file: take it (backing up the person's) or keep theirs."""
    path, prop = Path(path), proposed_path(path)
    m = Manifest(course_dir)
    with m.locked() as data:
        rel = m.rel(path)
        entry = data.get(rel, {})
        made = {
            "source": entry.get("proposed", entry.get("source")),
            "parts": entry.get("proposed_parts", entry.get("parts", {})),
        }
        if take_proposed:
            if path.exists():
                backup(course_dir, path)
            text = prop.read_text(encoding="utf-8")
            atomic_write_text(path, text)
            data[rel] = {"written": sha256_bytes(text.encode()), **made}
        else:
            data[rel] = {"written": entry.get("written"), **made}
        prop.unlink(missing_ok=True)
    return "took the proposed version" if take_proposed else "kept your version"


def forget(course_dir: Path, path: Path) -> None:
    """Drop a file's record (after a person deletes a lecture on purpose)."""
    m = Manifest(course_dir)
    with m.locked() as data:
        data.pop(m.rel(path), None)


def set_source(course_dir: Path, path: Path, key: Key) -> None:
    """Mark the person's existing file as the version for inputs `key` (no rewrite), and
    touch it: it is current now, and Make must not keep remaking it and what follows."""
    m = Manifest(course_dir)
    with m.locked() as data:
        entry = data.get(m.rel(path), {"written": None})
        data[m.rel(path)] = {**entry, **_source(key)}
    stamps.touch(path)

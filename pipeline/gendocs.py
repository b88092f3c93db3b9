"""Generated parts of the docs, so what the code declares is written down in one place.

A docs file holds generated text between two marker lines:

    <!-- generated: NAME (make docs) -->
    … the Markdown GENERATORS[NAME] returns …
    <!-- end generated: NAME -->

`make docs` (`python -m pipeline docs`) rewrites every such block in docs/*.md and
README.md. `python -m pipeline docs --check` changes nothing and exits 1 naming each block
whose text is not what its generator returns now (edited by hand, or its source changed);
tests/foundation/test_docs.py runs the same check, so CI fails on stale docs.

To generate a new part of the docs: write a function that returns its Markdown, add one
line to GENERATORS, `"NAME": "package.module:function",` (imported only when used), put
the two marker lines where the text belongs, and run `make docs`.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError, LecternError
from pipeline.fsutil import atomic_write_text, read_text

GENERATORS: dict[str, str] = {
    "topic-reference": "pipeline.topicref:reference",
    "stages": "pipeline.stagedocs:table",
}

REPO = Path(__file__).resolve().parents[1]  # Lectern's own checkout, where its docs live
BEGIN = re.compile(r"<!-- generated: (\S+) \(make docs\) -->")
END = re.compile(r"<!-- end generated: (\S+) -->")
MARKER_START = ("<!-- generated:", "<!-- end generated:")
FIX = "run `make docs` (python -m pipeline docs) and commit the result"


class StaleDocs(LecternError):
    """A generated block differs from what its generator makes now."""


@dataclass(frozen=True)
class Block:
    """The lines between one pair of marker lines: lines[start:stop] of the file, so
    `start` is also the begin marker's line number as an editor shows it."""

    name: str
    start: int
    stop: int


def doc_files(root: Path = REPO) -> list[Path]:
    """The files whose generated blocks `make docs` keeps current."""
    if not (root / "docs").is_dir():
        raise InputError(
            f"{root}: no docs/ folder here; `lectern docs` works in a checkout "
            "of Lectern's source (run `make docs` there)"
        )
    readme = root / "README.md"
    return sorted((root / "docs").glob("*.md")) + ([readme] if readme.is_file() else [])


def blocks(path: Path, lines: list[str], root: Path = REPO) -> list[Block]:
    """The generated blocks of a file; a marker line out of place is an error at its line."""
    found, name, start = [], None, 0
    for i, line in enumerate(lines):
        text = line.strip()
        if not text.startswith(MARKER_START):
            continue
        begin, end = BEGIN.fullmatch(text), END.fullmatch(text)
        if begin and name is None:
            name, start = begin[1], i + 1
        elif end and end[1] == name:
            found.append(Block(name, start, i))
            name = None
        else:
            raise InputError(f"{_shown(path, root)}:{i + 1}: {_misplaced(text, name, start)}")
    if name is not None:
        raise InputError(
            f"{_shown(path, root)}:{start}: generated block '{name}' has no end "
            f"line; add `<!-- end generated: {name} -->` after it"
        )
    return found


def _misplaced(text: str, name: str | None, start: int) -> str:
    """Why a marker line cannot be where it is, and what to write instead."""
    begin, end = BEGIN.fullmatch(text), END.fullmatch(text)
    if begin:
        return (
            f"generated block '{begin[1]}' starts inside block '{name}' (line {start}); "
            f"end that one first with `<!-- end generated: {name} -->`"
        )
    if end and name is None:
        return (
            f"`{text}` ends no block; the block starts with `<!-- generated: {end[1]} "
            "(make docs) -->`"
        )
    if end:
        return f"`{text}` does not end block '{name}' (line {start}): the names must match"
    return (
        f"`{text}` is not a marker line; write `<!-- generated: NAME (make docs) -->` "
        "and `<!-- end generated: NAME -->`"
    )


def generate(name: str, where: str) -> str:
    """The text generator `name` makes now, ending in one newline."""
    if name not in GENERATORS:
        raise InputError(
            f"{where}: there is no generator '{name}'; known: "
            f"{', '.join(sorted(GENERATORS))} (GENERATORS in pipeline/gendocs.py)"
        )
    module, func = GENERATORS[name].split(":")
    return getattr(importlib.import_module(module), func)().rstrip("\n") + "\n"


def _shown(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


@dataclass(frozen=True)
class Stale:
    """A block whose text is not what its generator makes: where, and the first difference."""

    path: Path
    block: Block
    differs_at: int  # line number of the first line that differs

    def describe(self, root: Path) -> str:
        return (
            f"{_shown(self.path, root)}:{self.differs_at}: generated block "
            f"'{self.block.name}' (from line {self.block.start}) is not what "
            f"{GENERATORS[self.block.name]} makes"
        )


def _render(path: Path, root: Path, made: dict[str, str]) -> tuple[str, list[Stale]]:
    """The file with every block regenerated, and the blocks that were stale."""
    lines = read_text(path).splitlines(keepends=True)
    stale = []
    for block in reversed(blocks(path, lines, root)):
        where = f"{_shown(path, root)}:{block.start}"
        want = made.setdefault(block.name, generate(block.name, where))
        have = "".join(lines[block.start : block.stop])
        if have != want:
            stale.append(Stale(path, block, block.start + _first_difference(have, want) + 1))
            lines[block.start : block.stop] = [want]
    return "".join(lines), stale[::-1]


def _first_difference(have: str, want: str) -> int:
    """Index of the first line where two texts differ."""
    pairs = zip(have.splitlines(), want.splitlines(), strict=False)
    return next(
        (i for i, (a, b) in enumerate(pairs) if a != b),
        min(len(have.splitlines()), len(want.splitlines())),
    )


def _scan(root: Path) -> tuple[dict[Path, str], list[Stale], dict[str, str]]:
    """Regenerate every docs file in memory: new texts, stale blocks, generators used."""
    texts, stale, made = {}, [], {}
    for path in doc_files(root):
        texts[path], found = _render(path, root, made)
        stale += found
    return texts, stale, made


def check(root: Path = REPO) -> list[str]:
    """Every problem `--check` reports (stale blocks, generators with no block); empty
    when the docs are current. Changes nothing."""
    _, stale, made = _scan(root)
    problems = [s.describe(root) for s in stale]
    problems += [
        f"generator '{name}' ({GENERATORS[name]}) has no block in docs/*.md or "
        f"README.md: add `<!-- generated: {name} (make docs) -->` and `<!-- end "
        f"generated: {name} -->` lines where its text belongs"
        for name in sorted(set(GENERATORS) - set(made))
    ]
    return problems


def verify(root: Path = REPO) -> str:
    """`docs --check`: a line saying the docs are current, or StaleDocs listing why not."""
    problems = check(root)
    if problems:
        raise StaleDocs(
            "the generated docs are not current:\n  "
            + "\n  ".join(problems)
            + f"\nFix: {FIX}; edit the source a block is made from (named "
            "above), never the generated text."
        )
    return f"generated docs are current ({', '.join(sorted(GENERATORS))})"


def write(root: Path = REPO) -> str:
    """`make docs`: rewrite every stale block; say which files changed."""
    texts, stale, _ = _scan(root)
    changed = sorted({s.path for s in stale})
    for path in changed:
        atomic_write_text(path, texts[path])
    if not changed:
        return "generated docs are current"
    return "rewrote " + ", ".join(f"{_shown(p, root)}" for p in changed)

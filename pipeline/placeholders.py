"""Placeholders a person has not replaced yet, so that they never ship by accident.

A placeholder is the scaffold's note to the writer (manual drafts start with it), a
`TODO:` line outside a code block (code may teach TODOs), or a `## Review comments`
section still waiting for `make revise`.
A file with placeholders is accepted only when a person approved it as it is, with
`make approve … FORCE=1`, which records its hash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.fsutil import read_text

SCAFFOLD_NOTE = (
    "<!-- Write this lecture as book prose. It becomes a chapter section of the\n"
    "     e-book, and the slide script is derived from its headings, lists,\n"
    "     code blocks and paragraphs. Delete this comment when done. -->"
)
SCAFFOLD_MARK = "Write this lecture as book prose"
TODO_LINE = "TODO: write this part."
# At the start of a line (or of a sentence: a slide's note joins the lecture's paragraphs).
TODO = re.compile(
    r"(?:^\s*(?:[-*+]\s+|\d+[.)]\s+|>\s*)?|[.!?:]\s+)"  # where it starts
    r"(TODO:[^\n]*?)(?:[.!?](?=\s|$)|$)"  # the phrase, to its full stop
)
# Review comments waiting for `make revise` (pipeline/stages/revise.py) are not the lecture.
REVIEW_COMMENTS = re.compile(r"^##\s+(review comments|revise)\s*$", re.I | re.M)
FIX = "Replace them with your own text or delete them (`make revise` applies review comments)"
FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class Placeholder:
    """One placeholder: the file, its line number and the line as written."""

    path: Path
    line: int
    text: str  # the line as written
    phrase: str  # the placeholder itself: the scaffold's note, or "TODO: …" to its full stop

    def where(self, base: Path) -> str:
        """file:line relative to `base`, and the line."""
        return f"{self.path.relative_to(base).as_posix()}:{self.line}: {self.text}"


def find(path: Path) -> list[Placeholder]:
    """The placeholders in one file (none when it does not exist)."""
    if not path.exists():
        return []
    return find_in(read_text(path), path)


def find_in(text: str, path: Path) -> list[Placeholder]:
    """The placeholders in `text`, read from `path`."""
    out, fenced = [], False
    for n, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced and SCAFFOLD_MARK in line:
            out.append(Placeholder(path, n, line.strip(), SCAFFOLD_MARK))
        elif not fenced and REVIEW_COMMENTS.match(line):
            out.append(Placeholder(path, n, line.strip(), "review comments"))
        elif not fenced:
            out += [Placeholder(path, n, line.strip(), m.group(1)) for m in TODO.finditer(line)]
    return out


def report(found: list[Placeholder], base: Path, limit: int = 10) -> str:
    """The first `limit` placeholders, one per line, as file:line: text."""
    lines = [f"  {p.where(base)}" for p in found[:limit]]
    if len(found) > limit:
        lines.append(f"  … and {len(found) - limit} more")
    return "\n".join(lines)

"""Build steps: a slide's parts appear (or are highlighted) one at a time, with the voice.

A slide's *groups* are what steps through: each top-level bullet with its sub-bullets
(bullets, summary), the left then the right column, each table row, each highlighted
range of code lines. A step starts at a point of the slide's note, written as a
character offset into the note: where the author put a `[>]` marker, or else the start
of the sentence that introduces the group (the most words in common), falling back to
evenly spaced sentence starts, or evenly spaced words when there are fewer sentences
than groups. The deck draws each state, the narration cuts its audio at markers, and
the video changes the picture at each step's time (docs/formats.md, "Build steps").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.speech.sentences import sentence_spans

if TYPE_CHECKING:
    from pipeline.slides import Slide

KINDS = ("bullets", "summary", "columns", "table", "code")
MARKER = "[>]"
MARK = re.compile(r"\s*\[>(?P<lines>[^\]]*)\]\s*")
RANGES = re.compile(r"^\s*\d+(\s*-\s*\d+)?(\s*,\s*\d+(\s*-\s*\d+)?)*\s*$")
WORD = re.compile(r"[^\W\d_]{4,}|\d+")
NEAR_EVEN = 0.01  # a tie-break: among equal overlaps, the step nearest its even share


@dataclass(frozen=True)
class State:
    """One picture of a slide page: from `at` (an offset into the note) on, the groups in
    `shown` are visible and `current` (if any) is the one the voice is on."""

    at: int
    shown: frozenset[int]
    current: int | None


# --- markers in a note ----------------------------------------------------------------------


def take_marks(note: str) -> tuple[str, list[int], list[str]]:
    """The note without its `[>]` markers, where each was, and what each says inside
    (line numbers for a code slide's highlight, e.g. `[>3-4]`; else empty)."""
    out, marks, specs, pos = "", [], [], 0
    for m in MARK.finditer(note):
        out += note[pos : m.start()]
        sep = " " if out and m.end() < len(note) else ""
        out += sep
        marks.append(len(out))
        specs.append(m["lines"].strip())
        pos = m.end()
    return out + note[pos:], marks, specs


def with_marks(note: str, marks: list[int], specs: list[str] | None = None) -> str:
    """The note with a `[>]` marker at each offset (as an author writes it); `specs`:
    the code lines each marker highlights, written inside it (`[>3-4]`)."""
    out, pos = "", 0
    for n, at in enumerate(marks):
        mark = f"[>{specs[n]}]" if specs and n < len(specs) else MARKER
        out += note[pos:at] + mark + (" " if at < len(note) else "")
        pos = at
    return out + note[pos:]


def ranges(text: str) -> list[int]:
    """'1, 3-4, 6' as [1, 3, 4, 6]; ValueError when it is not such a list."""
    if not RANGES.match(text):
        raise ValueError(text)
    out: list[int] = []
    for part in text.split(","):
        a, _, b = part.partition("-")
        out += range(int(a), int(b or a) + 1)
    return out


# --- groups ----------------------------------------------------------------------------------


def group_of_bullets(bullets) -> list[int]:
    """For each bullet, its group: the top-level bullet it belongs to."""
    out, n = [], -1
    for b in bullets:
        n += 1 if b.level == 0 or n < 0 else 0
        out.append(n)
    return out


def groups(slide: Slide) -> list[str]:
    """The text of each group the slide steps through (none when it does not build)."""
    if not slide.build or slide.kind not in KINDS:
        return []
    if slide.kind in ("bullets", "summary"):
        texts: dict[int, str] = {}
        for b, g in zip(slide.bullets, group_of_bullets(slide.bullets), strict=True):
            texts[g] = f"{texts.get(g, '')} {b.text}".strip()
        return list(texts.values())
    if slide.kind == "columns":
        sides = [(slide.left_title, slide.left), (slide.right_title, slide.right)]
        return [" ".join([t, *(b.text for b in bs)]) for t, bs in sides if t or bs]
    if slide.kind == "table":
        return [" ".join(r) for r in slide.rows[1:]]
    lines = slide.code.split("\n")
    return [" ".join(lines[n - 1] for n in g if n <= len(lines)) for g in code_steps(slide)]


def code_steps(slide: Slide) -> list[list[int]]:
    """The lines each step of a code slide highlights: `@highlight`, else its blocks."""
    return slide.highlight or code_blocks(slide.code)


def code_blocks(code: str) -> list[list[int]]:
    """A code block's paragraphs (runs of lines between blank lines), as 1-based lines:
    what a code slide steps through when no `@highlight` says otherwise."""
    out: list[list[int]] = [[]]
    for n, line in enumerate(code.split("\n"), 1):
        if line.strip():
            out[-1].append(n)
        elif out[-1]:
            out.append([])
    return [g for g in out if g]


# --- when each group's step starts ------------------------------------------------------


def anchors(slide: Slide) -> list[int]:
    """Where in the note each group's step starts: the markers, or aligned by words."""
    items = groups(slide)
    if len(items) < 2 and not slide.marks:
        return [0] * len(items)
    if slide.marks:
        return list(slide.marks)
    return align(items, slide.note)


def align(items: list[str], note: str) -> list[int]:
    """Each item at the start of the sentence that introduces it, in order."""
    spans = sentence_spans(note)
    if len(spans) < len(items):
        return _by_words(len(items), note)
    words = [_words(note[a:b]) for a, b in spans]
    picks = _best_order([_words(i) for i in items], words)
    return [spans[j][0] for j in picks]


def _best_order(items: list[set[str]], sentences: list[set[str]]) -> list[int]:
    """Strictly increasing sentence indices, one per item, that share the most words;
    among equals the evenly spaced ones (dynamic programming over items × sentences)."""
    n, m = len(items), len(sentences)
    score = [
        [_overlap(items[i], sentences[j]) - NEAR_EVEN * abs(j - i * m / n) for j in range(m)]
        for i in range(n)
    ]
    best = [[float("-inf")] * m for _ in range(n)]
    back = [[-1] * m for _ in range(n)]
    for i in range(n):
        for j in range(i, m - (n - 1 - i)):
            if i == 0:
                best[i][j] = score[i][j]
                continue
            k = max(range(i - 1, j), key=lambda k: best[i - 1][k])
            best[i][j], back[i][j] = best[i - 1][k] + score[i][j], k
    j = max(range(m), key=lambda j: best[n - 1][j])
    picks = [j]
    for i in range(n - 1, 0, -1):
        j = back[i][j]
        picks.append(j)
    return picks[::-1]


def _overlap(item: set[str], sentence: set[str]) -> float:
    return len(item & sentence) / len(item) if item else 0.0


def _words(text: str) -> set[str]:
    """Words of four letters or more (and numbers), lower-cased, a plural 's' dropped."""
    return {w.lower().removesuffix("s") for w in WORD.findall(text)}


def _by_words(n: int, note: str) -> list[int]:
    """n points at evenly spaced word starts (a note with fewer sentences than items)."""
    starts = [m.start() for m in re.finditer(r"\S+", note)] or [0]
    return [starts[i * len(starts) // n] for i in range(n)]


# --- the states of one deck page ----------------------------------------------------------


def states(at: dict[int, int], start: int, always: frozenset[int] = frozenset()) -> list[State]:
    """A page's pictures: `at` maps each group on the page to its step's offset, `start`
    is where the page's narration begins; a group whose step is earlier is shown at once."""
    times = sorted({max(a, start) for a in at.values()} | {start})
    out = []
    for t in times:
        shown = frozenset(g for g, a in at.items() if a <= t) | always
        now = [g for g, a in at.items() if max(a, start) == t]
        out.append(State(t, shown, max(now) if now else None))
    return out

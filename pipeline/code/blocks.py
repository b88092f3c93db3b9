"""The fenced code blocks of a lecture or slide script, with what each says it prints.

A block may be followed by the output it claims: a ```text/```output block right after
it, or any block introduced by a line such as "Output:". Directives on the lines just
above a fence (`@run: no`, `@run: fresh`, `@output: run`, also inside an HTML comment)
or flags in its info string (```` ```python run=no ````) say how it runs; on a slide
script they are directives of the code slide. Readers of the markdown drop them
(pipeline/lecturemd.py), so the book never shows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError

FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*?)[ \t]*$")
MARK = re.compile(r"^\s*(?:<!--\s*)?@(?P<key>run|output):\s*(?P<value>[\w-]+)\s*(?:-->)?\s*$", re.I)
FLAG = re.compile(r"^(?P<key>run|output)=(?P<value>[\w-]+)$", re.I)
PLACEHOLDER = re.compile(r"^\s*<!--\s*output\s*-->\s*$", re.I)
OUTPUT_LANGUAGES = {"text", "output", "stdout", "result"}
# A line that introduces the next block as the output of the one before it.
INTRO = re.compile(
    r"^[*_]*(?:the\s+)?(?:output|result|it\s+prints|this\s+prints|prints|running\s+it"
    r"(?:\s+\w+){0,2}\s+prints|you\s+(?:will\s+)?see)\b[^\n]{0,60}:[*_]*\s*$",
    re.I,
)
RUN_VALUES = ("yes", "no", "fresh")
SLIDE = re.compile(r"^##\s+\[")


@dataclass
class Expected:
    """The output a block claims, and the line its text starts on."""

    text: str
    line: int


@dataclass
class CodeBlock:
    """One fenced block: where it is, what it is, and how it runs."""

    path: Path
    line: int  # the opening fence
    language: str  # the info string's first word, lower case ("" when none)
    code: str
    run: str = "yes"  # yes | no (skipped on purpose) | fresh (a new session first)
    fill: bool = False  # `@output: run`: the book and the slide show what it printed
    expected: Expected | None = None
    placeholder: int = 0  # the line of a `<!-- output -->` to fill, if any
    end: int = 0  # the closing fence

    @property
    def first_code_line(self) -> int:
        return self.line + 1


def split_info(info: str) -> tuple[str, dict[str, str]]:
    """A fence's info string as (language, flags): ```` ```python run=no ````."""
    words = info.strip().strip("{}").split()
    language = words[0].lstrip(".").lower() if words else ""
    flags = {}
    for word in words[1:]:
        m = FLAG.match(word)
        if m:
            flags[m["key"].lower()] = m["value"].lower()
    return language, flags


def find(path: Path, text: str) -> list[CodeBlock]:
    """Every fenced block of a lecture or slide script, output blocks folded into the
    block they belong to. Raises InputError (file:line) for an unknown directive value."""
    lines = text.splitlines()
    slides = path.parent.name == "slides"
    found: list[CodeBlock] = []
    marks: dict[str, tuple[str, int]] = {}  # directives waiting for the next fence
    intro = False  # the last text line introduced an output block
    i = 0
    while i < len(lines):
        line = lines[i]
        if slides and SLIDE.match(line):
            marks = {}
        mark = MARK.match(line)
        fence = FENCE.match(line)
        if mark:
            marks[mark["key"].lower()] = (mark["value"].lower(), i + 1)
            if slides and found and found[-1].line > _slide_start(lines, i):
                _apply(found[-1], marks, path)  # a code slide's directive after its block
                marks = {}
        elif fence:
            end = _closing(lines, i, fence["fence"])
            language, flags = split_info(fence["info"])
            block = CodeBlock(path, i + 1, language, "\n".join(lines[i + 1 : end]), end=end + 1)
            previous = found[-1] if found else None
            if previous and _is_output(language, intro, previous, lines, i):
                previous.expected = Expected(block.code, i + 2)
            else:
                for key, value in flags.items():
                    marks[key] = (value, i + 1)
                _apply(block, marks, path)
                found.append(block)
            marks, intro = {}, False
            i = end + 1
            continue
        elif PLACEHOLDER.match(line) and found and _only_blank(lines, found[-1], i):
            found[-1].placeholder = i + 1
        elif line.strip():
            intro = bool(INTRO.match(line.strip()))
            if not slides:
                marks = {}
        i += 1
    return found


def _apply(block: CodeBlock, marks: dict[str, tuple[str, int]], path: Path) -> None:
    for key, (value, line) in marks.items():
        if key == "run":
            if value not in RUN_VALUES:
                raise InputError(f"{path}:{line}: @run is `yes`, `no` or `fresh`, not '{value}'")
            block.run = value
        elif value == "run":
            block.fill = True
        else:
            raise InputError(f"{path}:{line}: @output takes `run` (show what it printed)")


def _closing(lines: list[str], start: int, fence: str) -> int:
    """The index of the line that closes the fence opened at `start` (or the end)."""
    for j in range(start + 1, len(lines)):
        m = FENCE.match(lines[j])
        if m and m["fence"][0] == fence[0] and len(m["fence"]) >= len(fence) and not m["info"]:
            return j
    return len(lines)


def _is_output(language: str, intro: bool, previous: CodeBlock, lines, i: int) -> bool:
    """Whether the block opening at line index `i` shows the output of `previous`."""
    if previous.expected is not None or previous.language in OUTPUT_LANGUAGES:
        return False
    between = lines[previous.line : i]  # from the previous opening fence to this one
    closed = next((k for k, t in enumerate(between) if k and FENCE.match(t)), None)
    if closed is None:
        return False
    gap = [t for t in between[closed + 1 :] if t.strip()]
    if language in OUTPUT_LANGUAGES and not gap:
        return True
    return intro and len(gap) == 1


def _only_blank(lines: list[str], block: CodeBlock, i: int) -> bool:
    """True when only blank lines (and the block's own closing fence) precede line i."""
    tail = lines[block.line : i]
    closed = next((k for k, t in enumerate(tail) if k and FENCE.match(t)), None)
    return closed is not None and not any(t.strip() for t in tail[closed + 1 :])


def _slide_start(lines: list[str], i: int) -> int:
    """The line number of the heading of the slide that line index `i` is in."""
    for j in range(i, -1, -1):
        if SLIDE.match(lines[j]):
            return j + 1
    return 0

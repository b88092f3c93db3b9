"""How lecture markdown is read: the same for the book, the preview and the slides.

`extensions()` are the Python-Markdown extensions every reader uses; `blocks()` is the
lecture as a list of blocks in reading order (headings, paragraphs, lists, code, tables,
quotes, images), which slide derivation and the coverage check work from.

Python-Markdown nests a list only under four spaces, while most editors (and Prettier)
indent a sub-item by two, to where its parent's text starts, as CommonMark does. Read
as written, such a lecture would lose its nesting in the book and on the slides, so
list indentation is rewritten to Python-Markdown's four-space steps first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import markdown
from lxml import html
from markdown import Extension
from markdown.preprocessors import Preprocessor

from pipeline.code import blocks as code_blocks
from pipeline.slides import Bullet

ITEM = re.compile(r"^( *)([-*+]|\d+[.)])( +|$)")
STEP = 4
CALLOUT = re.compile(
    r"^(?:\[!(?P<gh>note|tip|important|warning|caution)\]|"
    r"(?P<label>note|tip|hint|important|warning|caution|info|remember)\s*:)\s*",
    re.I,
)
ATTRIBUTION = re.compile(r"^(?P<quote>.+?)\s+(?:—|–|--)\s*(?P<by>[^—–]{1,80})$")


@dataclass
class _Open:
    """A list item still open: where its text starts, and how deep it is."""

    content: int
    depth: int


def nest_lists(lines: list[str]) -> list[str]:
    """Lines with each list item indented STEP spaces per level, as CommonMark nests it."""
    out: list[str] = []
    open_items: list[_Open] = []
    blank_before = False
    for line in lines:
        indent = len(line) - len(line.lstrip(" "))
        item = ITEM.match(line)
        if not line.strip():
            out.append(line)
        elif item and (open_items or indent < STEP):  # else it is an indented code line
            while open_items and indent < open_items[-1].content:
                open_items.pop()
            depth = len(open_items)
            open_items.append(_Open(indent + len(item.group(2)) + len(item.group(3)), depth))
            out.append(" " * (STEP * depth) + line[indent:])
        elif indent and open_items:
            out.append(_continued(line, indent, open_items))
        else:
            if blank_before:
                open_items = []  # unindented text after a blank line ends the list
            out.append(line)
        blank_before = not line.strip()
    return out


def _continued(line: str, indent: int, open_items: list[_Open]) -> str:
    """A line inside a list item, moved to that item's new text column."""
    owner = next((o for o in reversed(open_items) if indent >= o.content), None)
    if owner is None:
        return line  # a lazy continuation: the paragraph goes on whatever its indent
    return " " * (STEP * (owner.depth + 1) + indent - owner.content) + line[indent:]


class _NestLists(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return nest_lists(lines)


class _CodeMarks(Preprocessor):
    """Drops the code check's directives (`@run: no` above a fence, `run=no` in its info
    string): they tell Lectern how to run a block, and no reader should see them."""

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        for n, line in enumerate(lines):
            fence = code_blocks.FENCE.match(line)
            if fence and fence["info"]:
                language = code_blocks.split_info(fence["info"])[0]
                line = f"{fence['indent']}{fence['fence']}{language}"
            elif code_blocks.MARK.match(line) and _fence_follows(lines, n + 1):
                continue
            out.append(line)
        return out


def _fence_follows(lines: list[str], start: int) -> bool:
    """Whether the next line that is not blank or another directive opens a fence."""
    for line in lines[start:]:
        if line.strip() and not code_blocks.MARK.match(line):
            return bool(code_blocks.FENCE.match(line))
    return False


class NestLists(Extension):
    """Python-Markdown extension: CommonMark-style list nesting (see the module docstring)."""

    def extendMarkdown(self, md) -> None:  # noqa: N802 (Python-Markdown's name)
        # After fenced_code (25) has set code blocks aside, so code is never re-indented.
        md.preprocessors.register(_NestLists(md), "nest_lists", 22)
        # Before fenced_code (25), which would not see a fence whose info string has flags.
        md.preprocessors.register(_CodeMarks(md), "code_marks", 28)


def extensions(*more: str) -> list:
    """The extensions every reader of a lecture uses, plus `more`."""
    return ["tables", "fenced_code", "sane_lists", NestLists(), *more]


@dataclass
class Block:
    """One block of the lecture, in reading order."""

    kind: str  # heading, para, list, code, table, quote, image
    text: str = ""  # heading, paragraph or quote text; a code block's code; an image's alt
    items: list[Bullet] = field(default_factory=list)  # list items
    rows: list[list[str]] = field(default_factory=list)  # table rows, the header first
    language: str = ""
    src: str = ""
    by: str = ""  # a quote's attribution
    label: str = ""  # a callout's kind: Note, Tip, Warning…
    run: str = "yes"  # code: how the code check runs it (`@run: no`, `fresh`)
    fill: bool = False  # code: `@output: run`


def blocks(md_text: str) -> list[Block]:
    """The lecture's blocks, without its `#` title and without any HTML comment."""
    body = markdown.markdown(md_text, extensions=extensions())
    root = html.fragment_fromstring(f"<div>{body}</div>")
    out: list[Block] = []
    for el in root:
        if isinstance(el.tag, str):  # comments and processing instructions are not
            out += _block(el)
    _code_marks(md_text, out)
    return out


def _code_marks(md_text: str, found: list[Block]) -> None:
    """Give each code block the run directives the markdown reader dropped."""
    marked = iter(
        b for b in code_blocks.find(Path("lecture.md"), md_text) if b.run != "yes" or b.fill
    )
    mark = next(marked, None)
    for b in found:
        if mark is not None and b.kind == "code" and b.text == mark.code.rstrip("\n"):
            b.run, b.fill = mark.run, mark.fill
            mark = next(marked, None)


def _block(el) -> list[Block]:
    tag = el.tag.lower()
    if tag in ("h2", "h3", "h4", "h5", "h6"):
        return [Block("heading", text_of(el))]
    if tag == "h1":
        return []
    if tag in ("ul", "ol"):
        return [Block("list", items=_items(el, 0))]
    if tag == "pre":
        code = el.find("code")
        lang = (code.get("class") or "").removeprefix("language-") if code is not None else ""
        text = "".join((code if code is not None else el).itertext()).rstrip("\n")
        return [Block("code", text, language=lang)]
    if tag == "table":
        return [
            Block(
                "table",
                rows=[[text_of(c) for c in tr if isinstance(c.tag, str)] for tr in el.iter("tr")],
            )
        ]
    if tag == "blockquote":
        return [_quote(" ".join(text_of(p) for p in el if isinstance(p.tag, str)) or text_of(el))]
    images = [Block("image", i.get("alt") or "", src=i.get("src") or "") for i in el.iter("img")]
    text = text_of(el)
    return ([Block("para", text)] if text else []) + images


def _quote(text: str) -> Block:
    """A blockquote: a callout when it starts with a label ("Tip:", "[!NOTE]"), a quote
    with its attribution when it ends with "— someone"."""
    label = CALLOUT.match(text)
    if label:
        text = text[label.end() :].strip()
    by = ATTRIBUTION.match(text)
    if by:
        text = by["quote"]
    return Block(
        "quote",
        text,
        by=by["by"] if by else "",
        label=(label["label"] or label["gh"]).capitalize() if label else "",
    )


def _items(el, level: int) -> list[Bullet]:
    """A list's items in order, sub-items one level in (deeper ones stay at level 1)."""
    out = []
    number = int(el.get("start") or 1)
    for li in (c for c in el if isinstance(c.tag, str) and c.tag == "li"):
        text = _own_text(li)
        if el.tag == "ol":
            text = f"{number}. {text}"
            number += 1
        out.append(Bullet(text, min(level, 1)))
        for sub in (c for c in li if isinstance(c.tag, str) and c.tag in ("ul", "ol")):
            out += _items(sub, level + 1)
    return out


def _own_text(li) -> str:
    """A list item's text without its sub-lists."""
    parts = [li.text or ""]
    for child in li:
        if isinstance(child.tag, str) and child.tag not in ("ul", "ol"):
            parts.append(text_of(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def text_of(el) -> str:
    """An element's text as a person reads it: tags and comments gone, spaces collapsed."""
    parts = [el.text or ""] if isinstance(el.tag, str) else []
    for child in el:
        if isinstance(child.tag, str):
            parts.append(text_of(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())

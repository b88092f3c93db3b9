"""The slide-script format (slides/<id>.md): a strict parser and a writer.

See docs/formats.md. Parsing errors name the file and line and say what is allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import builds
from pipeline.code import blocks as code_blocks
from pipeline.errors import InputError
from pipeline.fsutil import read_text
from pipeline.paths import SearchPath, check_image, find

KINDS = ("title", "bullets", "code", "image", "columns", "quote", "table", "summary")
DIRECTIVES = {
    "title": {"subtitle"},
    "bullets": {"build"},
    "code": {"line-numbers", "caption", "highlight", "build", "run", "output"},
    "image": {"image", "caption"},
    "columns": {"left", "right", "build"},
    "quote": {"by"},
    "table": {"caption", "build"},
    "summary": {"build"},
}
COMMON_DIRECTIVES = {"pause"}
HEADING = re.compile(r"^##\s+\[(?P<kind>[^\]]*)\]\s*(?P<title>.*)$")
DIRECTIVE = re.compile(r"^@(?P<key>[a-z-]+):\s*(?P<value>.*)$")
COMMENT = re.compile(r"<!--.*?-->", re.S)
BULLET = re.compile(r"^(?P<indent>\s*)[-*]\s+(?P<text>.+)$")
TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")  # |---|:--:|
MAX_PAUSE = 60.0  # seconds; longer silence is a mistake (and 1e9 s would not fit in memory)


@dataclass
class Bullet:
    """A bullet point; level 0 or 1."""

    text: str
    level: int = 0


@dataclass
class Slide:
    """One slide of a lecture's script."""

    kind: str
    title: str
    line: int
    note: str = ""
    subtitle: str = ""
    bullets: list[Bullet] = field(default_factory=list)
    code: str = ""
    language: str = ""
    line_numbers: bool = False
    caption: str = ""
    image: Path | None = None
    left_title: str = ""
    left: list[Bullet] = field(default_factory=list)
    right_title: str = ""
    right: list[Bullet] = field(default_factory=list)
    quote: str = ""
    by: str = ""
    rows: list[list[str]] = field(default_factory=list)  # a table's, the header first
    pause: float = 0.0
    build: bool = True  # `@build: off`: the slide is shown whole from the start
    highlight: list[list[int]] = field(default_factory=list)  # code: lines of each step
    marks: list[int] = field(default_factory=list)  # where `[>]` markers were in the note
    output: bool = False  # code: `@output: run` shows what the code printed under it
    run: str = "yes"  # code: `@run: no` or `fresh` (pipeline/code/blocks.py)


@dataclass
class _Cursor:
    """Where the parser is, for error messages."""

    path: Path
    line: int = 0

    def fail(self, line: int, message: str) -> InputError:
        return InputError(f"{self.path}:{line}: {message}")


def parse_file(
    path: Path, search: SearchPath | list[Path] | None = None, allow_empty_notes: bool = False
) -> list[Slide]:
    """Parse a slide script file; raise InputError at the first problem. `search`:
    where `@image:` files are found (Course.image_dirs)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: slide script not found; write it or run `make scripts`")
    return parse_text(read_text(path), path, search, allow_empty_notes)


def parse_text(
    text: str,
    path: Path,
    search: SearchPath | list[Path] | None = None,
    allow_empty_notes: bool = False,
) -> list[Slide]:
    """Parse slide-script text."""
    cur = _Cursor(Path(path))
    search = SearchPath.within(search)
    chunks = _split(without_comments(text))
    slides = [_parse_slide(chunk, start, cur, search, allow_empty_notes) for chunk, start in chunks]
    if not slides:
        raise cur.fail(1, "no slides found; start a slide with `## [bullets] Title`")
    return slides


def without_comments(text: str) -> str:
    """The text without HTML comments (notes to self are never shown or spoken); code
    blocks keep theirs, and every line keeps its number."""
    out, prose, fenced = [], [], False

    def flush() -> None:
        if not prose:
            return
        joined = "\n".join(prose)
        out.extend(COMMENT.sub(lambda m: "\n" * m.group().count("\n"), joined).split("\n"))
        prose.clear()

    for line in text.split("\n"):
        if line.strip().startswith("```"):
            if not fenced:
                flush()
            fenced = not fenced
            out.append(line)
        elif fenced:
            out.append(line)
        else:
            prose.append(line)
    flush()
    return "\n".join(out)


def _split(text: str) -> list[tuple[list[str], int]]:
    """Split into slides at `---` lines outside code fences; keep 1-based start lines."""
    chunks, current, start, in_fence = [], [], 1, False
    for i, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith("```"):
            in_fence = not in_fence
        if line.strip() == "---" and not in_fence:
            chunks.append((current, start))
            current, start = [], i + 1
            continue
        current.append(line)
    chunks.append((current, start))
    return [(c, s) for c, s in chunks if any(x.strip() for x in c)]


def _parse_slide(
    lines: list[str], start: int, cur: _Cursor, search: SearchPath, allow_empty: bool
) -> Slide:
    """Parse the lines of one slide."""
    first = next(i for i, x in enumerate(lines) if x.strip())
    line_no = start + first
    m = HEADING.match(lines[first].strip())
    if not m:
        raise cur.fail(
            line_no, f"a slide must start with `## [kind] Title` (kinds: {', '.join(KINDS)})"
        )
    kind, title = m["kind"].strip(), m["title"].strip()
    if kind not in KINDS:
        raise cur.fail(line_no, f"unknown slide kind '{kind}'; use one of: {', '.join(KINDS)}")
    slide = Slide(kind=kind, title=title, line=line_no)
    body, note, note_line = _split_note(lines[first + 1 :], line_no + 1, cur)
    _parse_body(slide, body, cur, search)
    slide.note, slide.marks, specs = builds.take_marks(note)
    _check_steps(slide, specs, cur, note_line or line_no)
    if not note and not allow_empty:
        raise cur.fail(
            note_line or line_no,
            f"slide '{title}' has no narration: add a "
            "`Note:` line followed by what the voice should say",
        )
    return slide


def _split_note(lines: list[str], first_line: int, cur: _Cursor):
    """Separate the body from the `Note:` narration block.

    A `Note:` line inside a code fence is code, not narration; `@key: value` lines
    after the note are directives (they apply to the slide and are never spoken).
    """
    in_fence = False
    for i, line in enumerate(lines):
        in_fence ^= line.strip().startswith("```")
        if not in_fence and line.strip().lower().startswith("note:"):
            rest = line.strip()[5:].strip()
            body = [(first_line + j, x) for j, x in enumerate(lines[:i])]
            tail = [(first_line + i + 1 + j, x.strip()) for j, x in enumerate(lines[i + 1 :])]
            body += [(no, x) for no, x in tail if DIRECTIVE.match(x)]
            spoken = ([rest] if rest else []) + [x for _, x in tail if not DIRECTIVE.match(x)]
            return body, " ".join(x for x in spoken if x).strip(), first_line + i
    return [(first_line + j, x) for j, x in enumerate(lines)], "", None


def _parse_body(
    slide: Slide, body: list[tuple[int, str]], cur: _Cursor, search: SearchPath
) -> None:
    """Fill the slide's fields from its body lines."""
    fence: list[str] | None = None
    column = None
    text_lines: list[str] = []
    for no, line in body:
        stripped = line.strip()
        if stripped.startswith("```"):
            if fence is None:
                if slide.kind != "code":
                    raise cur.fail(no, f"code blocks belong on a `code` slide, not `{slide.kind}`")
                if slide.code:
                    raise cur.fail(
                        no,
                        "a `code` slide holds one code block; put the second "
                        "one on its own `## [code]` slide",
                    )
                fence, slide.language = [], code_blocks.split_info(stripped[3:])[0]
            else:
                slide.code, fence = "\n".join(fence), None
            continue
        if fence is not None:
            fence.append(line.rstrip())
            continue
        if not stripped:
            continue
        d = DIRECTIVE.match(stripped)
        if d:
            column = _directive(slide, d["key"], d["value"].strip(), no, cur, search) or column
            continue
        b = BULLET.match(line)
        if b and slide.kind in ("bullets", "summary", "columns"):
            _add_bullet(slide, column, b, no, cur)
            continue
        if slide.kind == "quote":
            text_lines.append(stripped.lstrip("> ").strip())
            continue
        if slide.kind == "table" and stripped.startswith("|"):
            if not TABLE_RULE.match(stripped):
                slide.rows.append(table_cells(stripped))
            continue
        raise cur.fail(
            no,
            f"unexpected text on a `{slide.kind}` slide: '{stripped[:40]}'. "
            "See docs/formats.md for what each kind holds",
        )
    if fence is not None:
        raise cur.fail(body[-1][0] if body else slide.line, "code block is not closed with ```")
    _check_complete(slide, " ".join(text_lines), cur)


def _directive(
    slide: Slide, key: str, value: str, no: int, cur: _Cursor, search: SearchPath
) -> str | None:
    """Apply one `@key: value` directive; return the column it opens, if any."""
    allowed = DIRECTIVES[slide.kind] | COMMON_DIRECTIVES
    if key not in allowed:
        names = ", ".join(f"@{k}" for k in sorted(allowed))
        raise cur.fail(no, f"unknown directive @{key} on a `{slide.kind}` slide; allowed: {names}")
    if key == "pause":
        slide.pause = _pause(value, no, cur)
    elif key == "image":
        slide.image = _find_image(value, no, cur, search)
    elif key == "line-numbers":
        slide.line_numbers = _switch(value, key, no, cur)
    elif key == "build":
        slide.build = _switch(value, key, no, cur)
    elif key == "highlight":
        slide.highlight = [_lines(part, no, cur) for part in value.split(",")]
    elif key == "run":
        if value.lower() not in code_blocks.RUN_VALUES:
            raise cur.fail(no, f"@run is `yes`, `no` or `fresh`, not '{value}'")
        slide.run = value.lower()
    elif key == "output":
        if value.lower() != "run":
            raise cur.fail(no, "@output takes `run` (show what the code printed)")
        slide.output = True
    elif key in ("left", "right"):
        setattr(slide, f"{key}_title", value)
        return key
    else:
        setattr(slide, {"subtitle": "subtitle", "caption": "caption", "by": "by"}[key], value)
    return None


def _switch(value: str, key: str, no: int, cur: _Cursor) -> bool:
    """on/off (yes/no, true/false)."""
    if value.lower() in ("on", "yes", "true", "1"):
        return True
    if value.lower() in ("off", "no", "false", "0"):
        return False
    raise cur.fail(no, f"@{key} is `on` or `off`, not '{value}'")


def _lines(text: str, no: int, cur: _Cursor) -> list[int]:
    """Line numbers such as `3-4` (one step of `@highlight: 1, 3-4, 6`)."""
    try:
        return builds.ranges(text)
    except ValueError:
        raise cur.fail(
            no,
            f"'{text.strip()}' is not a line or a range of lines: e.g. `@highlight: 1, 3-4`",
        ) from None


def _check_steps(slide: Slide, specs: list[str], cur: _Cursor, no: int) -> None:
    """`[>]` markers only where a slide builds, one per step; code lines that exist."""
    if not slide.build:
        slide.marks = []  # the slide shows whole: its markers place nothing
    if slide.marks and slide.kind not in builds.KINDS:
        raise cur.fail(no, f"a `{slide.kind}` slide has no build steps: remove its [>] markers")
    if any(specs):
        if slide.highlight:
            raise cur.fail(no, "give the lines either in @highlight or in the markers, not both")
        slide.highlight = [_lines(spec, no, cur) for spec in specs]
    count = len(slide.code.split("\n"))
    if slide.kind == "code" and any(n > count for g in slide.highlight for n in g):
        raise cur.fail(no, f"@highlight names a line after the last ({count}) of the code")
    steps = len(builds.groups(slide))
    if slide.marks and len(slide.marks) != steps:
        raise cur.fail(
            no,
            f"slide '{slide.title}' has {steps} build steps but {len(slide.marks)} [>] "
            "markers in its note: put one [>] where each step should appear, or none to "
            "let Lectern place them at the sentences that introduce them",
        )


def _pause(value: str, no: int, cur: _Cursor) -> float:
    """@pause seconds: a number from 0 to MAX_PAUSE (not inf, nan or negative)."""
    try:
        seconds = float(value)
    except ValueError:
        raise cur.fail(no, f"@pause must be a number of seconds, not '{value}'") from None
    if not 0 <= seconds <= MAX_PAUSE:  # also false for nan
        raise cur.fail(no, f"@pause: must be between 0 and {MAX_PAUSE:g} seconds, not '{value}'")
    return seconds


def _find_image(value: str, no: int, cur: _Cursor, search: SearchPath) -> Path:
    """The image file, inside the course folder or assets/, that Pillow can read."""
    where = f"{cur.path}:{no}"
    path = find(value, search, where, "image")
    check_image(path, where, value)
    return path


def _add_bullet(slide: Slide, column: str | None, b: re.Match, no: int, cur: _Cursor) -> None:
    """Append a bullet to the slide or to the open column."""
    level = 1 if len(b["indent"].expandtabs(2)) >= 2 else 0
    target = slide.bullets
    if slide.kind == "columns":
        if column is None:
            raise cur.fail(no, "on a `columns` slide, start a column with `@left: Heading`")
        target = slide.left if column == "left" else slide.right
    if level == 1 and not target:
        raise cur.fail(no, "a nested bullet needs a bullet above it")
    target.append(Bullet(b["text"].strip(), level))


def _check_complete(slide: Slide, quote: str, cur: _Cursor) -> None:
    """Each kind needs its content."""
    slide.quote = quote
    need = {
        "bullets": (slide.bullets, "at least one `- item`"),
        "summary": (slide.bullets, "at least one `- item`"),
        "code": (slide.code.strip(), "a fenced code block"),
        "image": (slide.image, "an `@image: path`"),
        "columns": (slide.left or slide.right, "`@left:`/`@right:` columns with items"),
        "quote": (quote, "the quote text"),
        "table": (slide.rows, "a table: `| header | … |`, `|---|…|`, then its rows"),
    }
    if slide.kind in need and not need[slide.kind][0]:
        raise cur.fail(
            slide.line, f"`{slide.kind}` slide '{slide.title}' needs {need[slide.kind][1]}"
        )


def table_cells(line: str) -> list[str]:
    """The cells of a `| a | b |` line (`\\|` is a bar inside a cell)."""
    inner = line.strip().removeprefix("|").removesuffix("|")
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", inner)]


def table_line(cells: list[str]) -> str:
    """A row as a `| a | b |` line."""
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def render_text(slides: list[Slide], course_dir: Path | None = None) -> str:
    """Write slides back in the slide-script format (used by the script stage)."""
    return "\n---\n\n".join(_render_slide(s, course_dir) for s in slides)


def _render_slide(s: Slide, course_dir: Path | None) -> str:
    out = [f"## [{s.kind}] {s.title}"]
    if s.subtitle:
        out.append(f"@subtitle: {s.subtitle}")
    out += [("  " * b.level) + f"- {b.text}" for b in s.bullets]
    if s.kind == "code":
        out += [f"@caption: {s.caption}"] if s.caption else []
        out += ["@line-numbers: on"] if s.line_numbers else []
        if s.highlight and not s.marks:
            out.append("@highlight: " + ", ".join(map(_lines_text, s.highlight)))
        out += [f"@run: {s.run}"] if s.run != "yes" else []
        out += ["@output: run"] if s.output else []
        out += [f"```{s.language}", s.code, "```"]
    if s.image is not None:
        img = Path(s.image)
        rel = img.relative_to(course_dir) if course_dir and img.is_relative_to(course_dir) else img
        out.append(f"@image: {rel}")
        out += [f"@caption: {s.caption}"] if s.caption else []
    for side in ("left", "right"):
        if getattr(s, f"{side}_title") or getattr(s, side):
            out.append(f"@{side}: {getattr(s, f'{side}_title')}")
            out += [("  " * b.level) + f"- {b.text}" for b in getattr(s, side)]
    if s.kind == "quote":
        out.append(s.quote)
        out += [f"@by: {s.by}"] if s.by else []
    if s.kind == "table" and s.rows:
        width = max(len(r) for r in s.rows)
        rows = [r + [""] * (width - len(r)) for r in s.rows]
        out += [table_line(rows[0]), table_line(["---"] * width)]
        out += [table_line(r) for r in rows[1:]]
        out += [f"@caption: {s.caption}"] if s.caption else []
    if s.pause:
        out.append(f"@pause: {s.pause:g}")
    out += [] if s.build or s.kind not in builds.KINDS else ["@build: off"]
    specs = [_lines_text(g) for g in s.highlight] if s.kind == "code" and s.highlight else []
    out += ["", "Note:", builds.with_marks(s.note, s.marks, specs), ""]
    return "\n".join(out)


def _lines_text(lines: list[int]) -> str:
    """[3, 4, 6] as '3-4, 6'."""
    runs: list[list[int]] = []
    for n in lines:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else f"{r[0]}" for r in runs)

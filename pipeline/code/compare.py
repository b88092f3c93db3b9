"""What a block claims, and whether what ran agrees.

Claims come from the block itself (a trailing comment on a line that prints or is a
bare expression, `# raises X`, `>>>` examples) or from the output block after it. The
runner reports what happened; this module only compares, so a cached run is compared
again with the text as it is now.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass

from pipeline.code.blocks import CodeBlock

RAISES = re.compile(r"^raises\s+(?P<name>[A-Za-z_][\w.]*)\s*(?::\s*(?P<message>.*))?$", re.I)
PREFIX = re.compile(r"^(?:->|=>|→|prints:?|returns:?|output:|result:|gives:?)\s*", re.I)
TRACEBACK = "Traceback (most recent call last):"
VALUE_START = tuple("[({'\"<-+.0123456789")


@dataclass
class Claims:
    """What a Python block says about itself, by line of the file."""

    comments: dict[int, str]  # a trailing comment, as the output it claims
    raises: dict[int, tuple[str, str]]  # `# raises Name: message`
    doctest: bool = False


@dataclass
class Finding:
    """One disagreement, at a line of the file."""

    line: int
    message: str
    detail: str = ""  # the course's own traceback, or the two outputs in full


def claims(block: CodeBlock) -> Claims:
    """The claims in a Python block's code (nothing for a block that does not parse:
    running it reports the syntax error)."""
    if any(line.lstrip().startswith(">>> ") for line in block.code.splitlines()):
        return Claims({}, {}, doctest=True)
    comments: dict[int, str] = {}
    raises: dict[int, tuple[str, str]] = {}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(block.code + "\n").readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return Claims({}, {})
    code_on: set[int] = set()
    skip = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)
    for tok in tokens:
        if tok.type not in skip:
            code_on.update(range(tok.start[0], tok.end[0] + 1))
        if tok.type == tokenize.COMMENT and tok.start[0] in code_on:
            line, text = block.line + tok.start[0], tok.string[1:].strip()
            m = RAISES.match(text)
            if m:
                raises[line] = (m["name"].split(".")[-1], (m["message"] or "").strip())
            elif text:
                comments[line] = PREFIX.sub("", text)
    return Claims(comments, raises)


def looks_like_value(text: str) -> bool:
    """Whether a comment after a bare expression claims its value (`# [7, 15, 4]`), not
    a remark about it (`# start the generator`)."""
    if text.startswith(VALUE_START) or text in ("True", "False", "None") or " " not in text:
        return True
    try:
        ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
    return True


def same(expected: str, got: str) -> bool:
    """Equal as a reader compares them: whitespace runs alike, `...` standing for
    anything, and values equal when both sides read as Python literals."""
    want, have = " ".join(expected.split()), " ".join(got.split())
    if want == have:
        return True
    if "..." in want:
        pattern = ".*?".join(re.escape(part) for part in want.split("..."))
        if re.fullmatch(pattern, have, re.S):
            return True
    try:
        return bool(ast.literal_eval(want) == ast.literal_eval(have))
    except Exception:  # not literals (or a pathological one): they differ
        return False


def short(text: str, limit: int = 120) -> str:
    """One line of output for a message."""
    flat = text.strip().replace("\n", "\\n")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def check_comments(c: Claims, result: dict) -> list[Finding]:
    """Each trailing-comment claim against what its line printed or evaluated to."""
    found = []
    for line, want in sorted(c.comments.items()):
        seen = result.get("watch", {}).get(str(line))
        if seen is None:
            continue  # not a print or a bare expression, or the block stopped before it
        if seen[0]["kind"] == "print":
            texts = [s["text"].rstrip("\n") for s in seen]
            variants = ["\n".join(texts), " ".join(texts)]
        else:
            if all(s["none"] for s in seen) and want != "None" or not looks_like_value(want):
                continue  # `xs.append(3)  # add three` is a remark, not a claim
            variants = [s["repr"] for s in seen[:1]] + [s["str"] for s in seen[:1]]
        if not any(same(want, v) for v in variants):
            found.append(Finding(line, f"expected {short(want)}, got {short(variants[0])}"))
    return found


def check_raises(c: Claims, result: dict) -> list[Finding]:
    found = []
    for line, (name, message) in sorted(c.raises.items()):
        if str(line) not in result.get("raises", {}):
            continue  # the block stopped before this line
        raised = result["raises"][str(line)]
        want = f"{name}: {message}" if message else name
        if raised is None:
            found.append(Finding(line, f"expected {want} to be raised, but nothing was"))
        elif name not in raised["mro"] or (message and not same(message, raised["message"])):
            got = f"{raised['type']}: {raised['message']}".rstrip(": ")
            found.append(Finding(line, f"expected {want}, got {short(got)}"))
    return found


def check_doctest(result: dict) -> list[Finding]:
    found = []
    for fail in result.get("doctest", []):
        want = fail["want"] or "nothing"
        found.append(Finding(fail["line"], f"expected {short(want)}, got {short(fail['got'])}"))
    return found


def split_traceback(text: str) -> tuple[str, str | None]:
    """An output block as (what it prints, the `Type: message` it ends with, if any)."""
    if TRACEBACK not in text:
        return text, None
    before, _, after = text.partition(TRACEBACK)
    last = [t for t in after.splitlines() if t.strip() and not t.startswith((" ", "\t"))]
    return before, (last[-1].strip() if last else None)


def raised_as_shown(shown: str | None, error: dict | None) -> bool:
    """Whether the block raised the exception its output block ends with."""
    if not shown or not error:
        return False
    name, _, message = shown.partition(":")
    return name.split(".")[-1] in error.get("mro", []) and (
        not message.strip() or same(message, error.get("message", ""))
    )


def check_output(block: CodeBlock, result: dict) -> list[Finding]:
    """The output block after the code against what it printed."""
    if block.expected is None:
        return []
    want, _ = split_traceback(block.expected.text)
    got = result.get("stdout", "")
    if same(want, got) or (not want.strip() and not got.strip()):
        return []
    line = block.expected.line
    if "\n" not in want.strip() and "\n" not in got.strip():
        return [Finding(line, f"expected {short(want) or 'no output'}, got {short(got)}")]
    detail = "the output block says:\n" + _indent(want) + "but the code printed:\n" + _indent(got)
    return [Finding(line, "the output block differs from what the code printed", detail)]


def _indent(text: str) -> str:
    lines = text.strip("\n").splitlines() or ["(nothing)"]
    return "".join(f"    | {t}\n" for t in lines)

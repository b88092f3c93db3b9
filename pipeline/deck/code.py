"""Code on slides: pygments tokens as coloured runs, line numbers, and hard wraps."""

from __future__ import annotations

from dataclasses import dataclass

from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.styles import get_style_by_name
from pygments.util import ClassNotFound

WRAP_MARK = "\u21aa "  # ↪ starts a line that continues the one above


@dataclass
class Tok:
    """A run of code text in one colour."""

    text: str
    color: str
    bold: bool = False
    italic: bool = False


Line = list[Tok]


def highlight(code: str, language: str, style_name: str, default: str) -> list[Line]:
    """Split code into lines of coloured tokens."""
    style = _style(style_name)
    lines: list[Line] = [[]]
    for ttype, value in _lexer(language).get_tokens(code.expandtabs(4)):
        st = style.style_for_token(ttype)
        for i, part in enumerate(value.split("\n")):
            if i:
                lines.append([])
            if part:
                lines[-1].append(
                    Tok(
                        part, (st["color"] or default).upper(), bool(st["bold"]), bool(st["italic"])
                    )
                )
    while len(lines) > 1 and not lines[-1]:
        lines.pop()  # pygments ends every text with a newline
    return lines


def _lexer(language: str):
    try:
        return get_lexer_by_name(language or "text", stripnl=False, ensurenl=False)
    except ClassNotFound:
        return TextLexer(stripnl=False)  # unknown language: plain text, still monospace


def _style(name: str):
    try:
        return get_style_by_name(name)
    except ClassNotFound:
        return get_style_by_name("default")


def text_of(line: Line) -> str:
    """The plain text of a line."""
    return "".join(t.text for t in line)


def numbered(lines: list[Line], color: str) -> list[Line]:
    """Prefix each line with its number, right-aligned, in a muted colour."""
    width = len(str(len(lines)))
    return [[Tok(f"{i:>{width}}  ", color)] + line for i, line in enumerate(lines, 1)]


def wrap(line: Line, max_chars: int, color: str) -> list[Line]:
    """Hard-wrap a line longer than `max_chars`; continuation lines start with ↪."""
    out, cur, used = [], [], 0
    for tok in line:
        text = tok.text
        while used + len(text) > max_chars:
            room = max(max_chars - used, 1)
            cur.append(Tok(text[:room], tok.color, tok.bold, tok.italic))
            out.append(cur)
            cur, used, text = [Tok(WRAP_MARK, color)], len(WRAP_MARK), text[room:]
        if text:
            cur.append(Tok(text, tok.color, tok.bold, tok.italic))
            used += len(text)
    return out + [cur]

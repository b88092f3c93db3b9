"""Split a narration note into sentences, and long sentences into pieces a voice accepts."""

from __future__ import annotations

import re
from collections.abc import Callable

# A sentence ends at . ! ? (or their CJK forms), maybe followed by a closing quote or bracket.
STARTS = "A-Z0-9À-ÖØ-Þ\u0400-\u04ff\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af"  # capitals, CJK
END_RE = re.compile(rf"([.!?…]+[\"'”’)\]]*)(\s+)(?=[\"'“‘(\[]?[{STARTS}])|([。！？]+)")
NO_BREAK = {
    "e.g.",
    "i.e.",
    "etc.",
    "vs.",
    "mr.",
    "mrs.",
    "ms.",
    "dr.",
    "prof.",
    "st.",
    "approx.",
    "fig.",
    "no.",
    "cf.",
}
BREAKS = (". ", "; ", ": ", ", ", " — ", " – ", " (", " ")


def split_sentences(note: str) -> list[str]:
    """The note's sentences, as written."""
    return [note[a:b] for a, b in sentence_spans(note)]


def sentence_spans(note: str) -> list[tuple[int, int]]:
    """Where each sentence of the note starts and ends (stripped of spaces)."""
    out, start = [], 0
    for m in END_RE.finditer(note):
        end = m.end(1) if m.group(1) else m.end(3)
        last_word = note[start:end].split()[-1].lower() if note[start:end].split() else ""
        if last_word in NO_BREAK:
            continue
        out.append(_stripped(note, start, end))
        start = m.end()
    out.append(_stripped(note, start, len(note)))
    return [(a, b) for a, b in out if b > a]


def _stripped(text: str, a: int, b: int) -> tuple[int, int]:
    """The span a..b without the spaces at either end."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def fit(text: str, limit: int, spoken: Callable[[str], str]) -> list[str]:
    """Cut `text` at the best break near its middle until each piece, spoken, fits `limit`."""
    if len(spoken(text)) <= limit or len(text) < 2:
        return [text]
    cut = _best_cut(text)
    return fit(text[:cut].strip(), limit, spoken) + fit(text[cut:].strip(), limit, spoken)


def _best_cut(text: str) -> int:
    """Index to cut at: the strongest punctuation nearest the middle, else a space."""
    mid = len(text) // 2
    window = range(len(text) // 4, 3 * len(text) // 4 + 1)
    for mark in BREAKS:
        hits = [i + len(mark.rstrip()) for i in window if text.startswith(mark, i)]
        if hits:
            return min(hits, key=lambda i: abs(i - mid))
    return mid  # one giant word: cut anywhere rather than fail

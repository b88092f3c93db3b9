"""Whether a slide script keeps its lecture whole: each part on a slide, said once.

The same rules judge a script derived from the lecture, one an LLM wrote (its answer is
sent back when a paragraph or code block is missing, or narration is repeated) and one a
person edited (`lectern check-script`). An LLM rewrites for speaking, so a part counts
as on a slide when at least half of its words (of four letters or more, a measure that
needs no word list in any language) are on one slide, or on two slides in a row.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from pipeline.estimate import speaking_seconds
from pipeline.lecturemd import Block, blocks
from pipeline.slides import Slide
from pipeline.speech.sentences import split_sentences

COVERED = 0.5  # share of a part's words that must be on its slides
SAME_SENTENCE_WORDS = 6  # a sentence this long said on two slides is said twice
LONGEST_STILL = 90  # seconds one slide may stay on screen while the voice goes on
ENFORCED = ("paragraph", "code", "repeated")  # what an LLM's script is sent back for
WORD = re.compile(r"\w{4,}|\d+")


@dataclass(frozen=True)
class Finding:
    """One way a script fails its lecture: `kind` is the rule, `what` says where."""

    kind: str  # paragraph, code, list, table, quote, image (missing); repeated; long
    what: str

    def __str__(self) -> str:
        return self.what


def check(lecture_md: str, script: list[Slide], pages: list[int] | None = None) -> list[Finding]:
    """Every rule the script breaks, in the lecture's order; `pages` is the deck's map of
    pages to script slides (decks/ID.json), when the deck is built."""
    return missing(lecture_md, script) + repeated(lecture_md, script) + too_long(script, pages)


def missing(lecture_md: str, script: list[Slide]) -> list[Finding]:
    """The lecture's parts that are on no slide."""
    texts = [_words(slide_text(s)) for s in script]
    windows = texts + [a | b for a, b in zip(texts, texts[1:], strict=False)]
    code = [_lines(s.code) for s in script if s.kind == "code"]
    out = []
    for heading, b in _parts(blocks(lecture_md)):
        if b.kind == "code":
            found = any(_share(_lines(b.text), c) >= COVERED for c in code)
        elif b.kind == "image":
            found = any(s.image is not None and s.image.name == _name(b.src) for s in script)
        else:
            found = any(_share(_words(_block_text(b)), w) >= COVERED for w in windows)
        if not found:
            out.append(Finding(_kind(b), f"{_label(b)} in '{heading}' is on no slide"))
    return out


def repeated(lecture_md: str, script: list[Slide]) -> list[Finding]:
    """Sentences the voice says on more slides than the lecture says them (the summary
    may recap)."""
    written = Counter(
        _sentence_key(x) for b in blocks(lecture_md) for x in split_sentences(_block_text(b))
    )
    said: dict[str, list[int]] = {}
    out = []
    for n, s in enumerate(script, 1):
        for sentence in split_sentences(s.note) if s.kind != "summary" else []:
            key = _sentence_key(sentence)
            if len(key.split()) < SAME_SENTENCE_WORDS or n in said.get(key, []):
                continue
            said.setdefault(key, []).append(n)
            if len(said[key]) == max(written[key], 1) + 1:
                what = f"slides {said[key][0]} and {n} both say '{_short(sentence)}'"
                out.append(Finding("repeated", what))
    return out


def _sentence_key(sentence: str) -> str:
    return " ".join(re.findall(r"\w+", sentence.lower()))


def too_long(script: list[Slide], pages: list[int] | None = None) -> list[Finding]:
    """Slides whose narration keeps one picture on screen longer than LONGEST_STILL (a
    slide the deck continues over several pages shares its narration out)."""
    out = []
    for n, s in enumerate(script, 1):
        shown = pages.count(n) if pages else 1
        seconds = speaking_seconds(s.note) / max(shown, 1)
        if seconds > LONGEST_STILL:
            out.append(
                Finding(
                    "long",
                    f"slide {n} ('{s.title}') is narrated for about {seconds:.0f} s over one "
                    f"picture (at most {LONGEST_STILL} s reads well): split it",
                )
            )
    return out


def slide_text(s: Slide) -> str:
    """Everything a slide shows or says, as one text."""
    items = [b.text for b in [*s.bullets, *s.left, *s.right]]
    cells = [c for row in s.rows for c in row]
    return " ".join([s.title, s.note, s.quote, s.caption, *items, *cells])


def _parts(found: list[Block]) -> list[tuple[str, Block]]:
    """The blocks with the heading they are under."""
    heading, out = "the opening", []
    for b in found:
        if b.kind == "heading":
            heading = b.text
        else:
            out.append((heading, b))
    return out


def _block_text(b: Block) -> str:
    return " ".join([b.text, *(i.text for i in b.items), *(c for row in b.rows for c in row)])


def _kind(b: Block) -> str:
    return "paragraph" if b.kind == "para" else b.kind


def _label(b: Block) -> str:
    """How a part is named in a finding."""
    if b.kind == "code":
        return f"the code block starting '{_short(b.text.strip().splitlines()[0])}'"
    if b.kind == "image":
        return f"the image {b.src}"
    names = {"para": "the paragraph", "list": "the list", "table": "the table"}
    return f"{names.get(b.kind, 'the quote')} '{_short(_block_text(b))}'"


def _words(text: str) -> set[str]:
    return set(WORD.findall(text.lower()))


def _lines(code: str) -> set[str]:
    return {" ".join(line.split()) for line in code.splitlines() if line.strip()}


def _share(part: set[str], shown: set[str]) -> float:
    """The share of a part's words (or lines) that are shown; 1 for a part with none."""
    return len(part & shown) / len(part) if part else 1.0


def _name(src: str) -> str:
    return src.rsplit("/", 1)[-1]


def _short(text: str, words: int = 8) -> str:
    split = text.split()
    return " ".join(split[:words]) + ("…" if len(split) > words else "")

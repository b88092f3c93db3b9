"""Manual mode: the slide script of a lecture a person wrote, keeping the lecture whole.

The lecture is read as the book reads it (Python-Markdown), then turned into slides by
the rules in docs/formats.md ("Slides derived from a lecture"):

- every paragraph is narrated once, in order, over the slide showing what it talks about:
  the paragraphs after a list, code block, table, quote or image explain it; a paragraph
  ending in ':' just before one introduces it; prose with no visual of its own becomes a
  slide of its points;
- every code block, list item (full text, two levels), table (every cell), quote and image
  reaches a slide; the decks continue what is too long on continuation slides;
- the text before the first `##` gets slides of its own after the title slide;
- the summary says its points as a sentence, and is the lecture's own last section when
  that is a list of takeaways;
- HTML comments (scaffold notes, `<!-- revise: … -->`) and tags never reach the script.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.coverage import LONGEST_STILL
from pipeline.estimate import WORDS_PER_MINUTE
from pipeline.lecturemd import Block, blocks
from pipeline.slides import Bullet, Slide
from pipeline.speech.sentences import split_sentences

VISUALS = ("list", "code", "table", "quote", "image")
TAKEAWAYS = re.compile(
    r"^(summary|takeaways?|key takeaways|recap|in short|to sum up|wrap[- ]?up|"
    r"what you learned|conclusion|key points)\b",
    re.I,
)
OVERVIEW = "Overview"
LEAD_WORDS = 40  # a lone paragraph this short, just before a visual, is said over it
MAX_NOTE_WORDS = LONGEST_STILL * WORDS_PER_MINUTE // 60  # what one picture holds


# --- making slides ----------------------------------------------------------------------------


def derive(md_text: str, title: str, section_title: str = "") -> list[Slide]:
    """The slide script of a lecture (see the module docstring)."""
    parts = _sections(blocks(md_text))
    opening = [
        # The voice reads the title card: anything more would come before the lecture's
        # own opening, which often says the same (slides of their own follow).
        Slide("title", title, 0, note=_sentence(title), subtitle=section_title)
    ]
    closing = parts.pop() if parts and _is_takeaways(parts[-1]) else None
    body = [s for heading, content in parts for s in _slides(heading or OVERVIEW, content)]
    return opening + body + [_summary(title, parts, closing)]


def _sections(found: list[Block]) -> list[tuple[str | None, list[Block]]]:
    """The blocks under each heading; what comes before the first heading has none."""
    out: list[tuple[str | None, list[Block]]] = [(None, [])]
    for b in found:
        if b.kind == "heading":
            out.append((b.text, []))
        else:
            out[-1][1].append(b)
    return [(h, c) for h, c in out if h is not None or c]


@dataclass
class _Group:
    """A visual (None: prose alone), the paragraph leading into it, and the prose after."""

    visual: Block | None
    lead: list[str] = field(default_factory=list)
    prose: list[str] = field(default_factory=list)


def _slides(heading: str, content: list[Block]) -> list[Slide]:
    """One section's slides: a slide per visual with the prose about it, and slides of
    points for prose that introduces none."""
    groups = [_Group(None)]
    for i, b in enumerate(content):
        if b.kind == "para" and b.text.endswith(":") and _next_visual(content, i):
            groups.append(_Group(None, prose=[b.text]))  # leads into the visual that follows
        elif b.kind == "para":
            groups[-1].prose.append(b.text)
        else:
            lead = groups.pop().prose if _leads_in(groups[-1]) else []
            groups.append(_Group(b, lead))
    out = [s for g in groups for s in _group_slides(heading, g)]
    return out or [Slide("bullets", heading, 0, note=f"{heading}.", bullets=[Bullet(heading)])]


def _group_slides(heading: str, g: _Group) -> list[Slide]:
    """A visual's slide (narration up to what one picture holds) and slides of points
    for the prose beyond that, or for prose with no visual."""
    rest = g.prose
    out = []
    if g.visual is not None:
        keep = _fitting([*g.lead, *g.prose]) - len(g.lead)
        out.append(_visual(heading, g.visual, g.lead, g.prose[: max(keep, 1)]))
        rest = g.prose[max(keep, 1) :]
    while rest:
        n = max(_fitting(rest), 1)
        out.append(_points(heading, rest[:n]))
        rest = rest[n:]
    return out


def _fitting(prose: list[str]) -> int:
    """How many of the paragraphs, from the first, one slide's narration can hold."""
    words = 0
    for n, p in enumerate(prose):
        words += len(p.split())
        if words > MAX_NOTE_WORDS:
            return n
    return len(prose)


def _next_visual(content: list[Block], i: int) -> bool:
    return i + 1 < len(content) and content[i + 1].kind in VISUALS


def _leads_in(group: _Group) -> bool:
    """A lone paragraph just before a visual that introduces it: it ends with ':' or is
    short enough to be said over the visual."""
    prose = group.prose
    return (
        group.visual is None
        and len(prose) == 1
        and (prose[0].endswith(":") or len(prose[0].split()) <= LEAD_WORDS)
    )


def _points(heading: str, prose: list[str]) -> Slide:
    """Prose with no visual of its own: its first sentences as points, all of it spoken."""
    bullets = [
        Bullet(split_sentences(p)[0].rstrip(".") if split_sentences(p) else p) for p in prose
    ]
    return Slide("bullets", heading, 0, note=" ".join(prose), bullets=bullets)


def _visual(heading: str, b: Block, lead: list[str], after: list[str]) -> Slide:
    """The slide showing one visual, narrated by the prose about it (a quote is said
    where the lecture has it: after its lead-in, before what follows)."""
    quoted = f"{b.label}: {b.text}" if b.label else b.text  # a callout is read with its label
    said = [*lead, quoted, *after] if b.kind == "quote" else [*lead, *after]
    note = " ".join(said) or _said(heading, b)
    if b.kind == "list":
        return Slide("bullets", heading, 0, note=note, bullets=b.items)
    if b.kind == "code":
        return Slide(
            "code",
            heading,
            0,
            note=note,
            code=b.text,
            language=b.language,
            run=b.run,
            output=b.fill,
        )
    if b.kind == "table":
        return Slide("table", heading, 0, note=note, rows=b.rows)
    if b.kind == "quote":
        return Slide("quote", b.label or heading, 0, note=note, quote=b.text, by=b.by)
    return Slide("image", heading, 0, note=note, image=Path(b.src), caption=b.text)


def _said(heading: str, b: Block) -> str:
    """What the voice says over a visual no paragraph talks about."""
    if b.kind == "list":
        return f"{heading}: {_joined([i.text for i in b.items if i.level == 0])}."
    if b.kind == "table":
        return f"The table shows {_joined(b.rows[0]) if b.rows else heading}."
    if b.kind == "image":
        return f"{b.text or heading}."
    return f"Here is the code for {heading[0].lower() + heading[1:]}."


def _is_takeaways(section: tuple[str | None, list[Block]]) -> bool:
    heading, content = section
    return (
        bool(heading and TAKEAWAYS.match(heading))
        and any(b.kind == "list" for b in content)
        and all(b.kind in ("list", "para") for b in content)
    )


def _summary(title: str, parts, closing) -> Slide:
    """The summary slide: the lecture's own takeaways, or its sections, said as a sentence."""
    if closing is not None:
        heading, content = closing
        items = [i for b in content if b.kind == "list" for i in b.items]
        prose = [b.text for b in content if b.kind == "para"]
        said = " ".join(prose) or _summed_up([i.text for i in items if i.level == 0])
        return Slide("summary", heading, 0, note=said, bullets=items)
    points = [h for h, _ in parts if h] or [title]
    note = f"In this lecture we looked at {_joined([_lower(p) for p in points])}."
    return Slide("summary", "Summary", 0, note=note, bullets=[Bullet(p) for p in points])


def _summed_up(points: list[str]) -> str:
    """Takeaways said aloud: "To sum up: The first. The second. The third." """
    return "To sum up: " + " ".join(_sentence(p) for p in points)  # each as it is written


def _sentence(text: str) -> str:
    """A title said as a sentence: with its final stop (a question mark is one)."""
    return text if text[-1:] in ".!?" else f"{text}."


def _joined(items: list[str]) -> str:
    """a, b and c."""
    items = [i.rstrip(".") for i in items if i]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _lower(text: str) -> str:
    """A heading inside a sentence: lower-cased first letter unless it is an acronym."""
    return text if text[:2].isupper() else text[:1].lower() + text[1:]

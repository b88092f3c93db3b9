"""From script slides to deck pages: shrink to fit, and split only below a readable size.

A page is one deck slide. Most script slides become one page; bullets and code that
do not fit even at the theme's minimum size continue on extra pages, each carrying
its share of the narration sentences. `Page.index` is the script slide it shows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from pipeline.deck import code as codemod
from pipeline.deck.fit import (
    HEIGHT_SAFETY,
    WIDTH_SAFETY,
    Para,
    fit_size,
    fits,
    para_height,
    shrink_to_fit,
)
from pipeline.deck.layout import Box
from pipeline.slides import Bullet, Slide
from pipeline.speech.sentences import sentence_spans
from pipeline.theme.model import readable

INDENT = (30.0, 66.0)  # left indent of bullet levels 0 and 1, points
SUB_SCALE = 0.85
CODE_PAD = 18.0  # inside the code panel
CAPTION_H = 30.0
TABLE_PAD = 6.0  # cell margin, points
TABLE_SCALE = 0.8  # a table's text starts smaller than body text


@dataclass
class Page:
    """One deck slide: the script slide it shows and what part of it."""

    slide: Slide
    index: int
    note: str
    part: int = 1
    parts: int = 1
    bullets: list[Bullet] = field(default_factory=list)
    code: list[codemod.Line] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)  # a table's, its header first
    size: float = 0.0
    at: int = 0  # where its narration starts in the script slide's note
    first: int = 0  # the index (in the script slide) of its first bullet or table row
    code_lines: list[int] = field(default_factory=list)  # each code line's line in the script


def plan(ctx, slide: Slide, index: int) -> list[Page]:
    """The pages one script slide needs."""
    if slide.kind == "title" and slide.subtitle.strip() == ctx.info.section.strip():
        slide = replace(slide, subtitle="")  # the title slide shows the section already
    if slide.kind in ("bullets", "summary"):
        return plan_bullets(ctx, slide, index)
    if slide.kind == "code":
        return plan_code(ctx, slide, index)
    if slide.kind == "table":
        return plan_table(ctx, slide, index)
    return [Page(slide, index, slide.note)]


def bullet_paras(bullets: list[Bullet], gap: float = 0.55) -> list[Para]:
    """Bullets as paragraphs to measure: sub-bullets smaller and further in."""
    paras = [
        Para(
            b.text,
            "body",
            scale=1.0 if b.level == 0 else SUB_SCALE,
            indent=INDENT[b.level],
            before=gap if b.level == 0 else 0.2,
        )
        for b in bullets
    ]
    if paras:
        paras[0].before = 0.0
    return paras


def bullets_box(ctx, kind: str) -> Box:
    """Where bullets go: the body, or inside the summary's panel."""
    return ctx.layout.body.inset(28, 22) if kind == "summary" else ctx.layout.body


def bullet_gap(kind: str) -> float:
    """Space between top-level points, as a fraction of the text size."""
    return 0.8 if kind == "summary" else 0.7


def plan_bullets(ctx, slide: Slide, index: int) -> list[Page]:
    """Shrink the bullets to fit; below the minimum size, continue on more pages."""
    sizes, box, gap = ctx.theme.spec.sizes, bullets_box(ctx, slide.kind), bullet_gap(slide.kind)
    size = fit_size(
        ctx.theme, bullet_paras(slide.bullets, gap), box.w, box.h, sizes.body, sizes.body_min
    )
    if size is not None:
        return [Page(slide, index, slide.note, bullets=slide.bullets, size=size)]
    chunks = _balance(
        ctx, _groups(slide.bullets), _pack(ctx, _groups(slide.bullets), box, gap), box, gap
    )
    size = min(
        shrink_to_fit(ctx.theme, bullet_paras(c, gap), box.w, box.h, sizes.body_min, sizes.body_min)
        for c in chunks
    )
    return _pages(
        slide, index, [{"bullets": c, "size": size} for c in chunks], [len(c) for c in chunks]
    )


def _groups(bullets: list[Bullet]) -> list[list[Bullet]]:
    """Each top-level bullet with its sub-bullets: they stay on one page."""
    groups: list[list[Bullet]] = []
    for b in bullets:
        if b.level == 0 or not groups:
            groups.append([])
        groups[-1].append(b)
    return groups


def _pack(ctx, groups: list[list[Bullet]], box: Box, gap: float) -> list[list[Bullet]]:
    """Greedily fill pages with bullet groups at the minimum readable size."""
    chunks: list[list[Bullet]] = [[]]
    minimum = ctx.theme.spec.sizes.body_min
    for g in groups:
        trial = chunks[-1] + g
        if chunks[-1] and not fits(ctx.theme, bullet_paras(trial, gap), minimum, box.w, box.h):
            chunks.append(list(g))
        else:
            chunks[-1] = trial
    return chunks


def _balance(ctx, groups, greedy: list[list[Bullet]], box: Box, gap: float):
    """The same number of pages as greedy packing, but evenly filled when that fits."""
    k = len(greedy)
    bounds = [round(i * len(groups) / k) for i in range(k + 1)]
    even = [[b for g in groups[bounds[i] : bounds[i + 1]] for b in g] for i in range(k)]
    minimum = ctx.theme.spec.sizes.body_min
    ok = all(c and fits(ctx.theme, bullet_paras(c, gap), minimum, box.w, box.h) for c in even)
    return even if ok else greedy


def code_box(ctx, slide: Slide) -> Box:
    """The area code text may fill: the body, less the caption and panel padding."""
    body = ctx.layout.body
    h = body.h - (CAPTION_H if slide.caption else 0)
    return Box(body.x, body.y, body.w, h).inset(CODE_PAD)


def code_lines(ctx, slide: Slide) -> list[codemod.Line]:
    """Highlighted (and optionally numbered) code lines."""
    c = ctx.theme.spec.colors
    lines = codemod.highlight(slide.code, slide.language, ctx.theme.spec.code_style, c.code_text)
    return codemod.numbered(lines, code_muted(ctx)) if slide.line_numbers else lines


def code_muted(ctx) -> str:
    """Line numbers and wrap marks: the muted colour, made legible on the code panel."""
    c = ctx.theme.spec.colors
    return readable(c.muted.upper(), c.code_background.upper())


def code_fits(ctx, lines: list[codemod.Line], size: float, box: Box) -> bool:
    """True when every line fits the width and all lines the height."""
    m = ctx.theme.measurer("code")
    widest = max(m.width(codemod.text_of(ln), size) for ln in lines)
    tall = len(lines) * m.line_height(size)
    return widest <= box.w * 0.96 and tall <= box.h * 0.97


def plan_code(ctx, slide: Slide, index: int) -> list[Page]:
    """Shrink code to fit; at the minimum size wrap long lines and split long listings."""
    sizes, box, lines = ctx.theme.spec.sizes, code_box(ctx, slide), code_lines(ctx, slide)
    size = sizes.code
    while size >= sizes.code_min:
        if code_fits(ctx, lines, size, box):
            numbers = list(range(1, len(lines) + 1))
            return [Page(slide, index, slide.note, code=lines, size=size, code_lines=numbers)]
        size -= 1
    size = sizes.code_min
    m = ctx.theme.measurer("code")
    max_chars = max(int(box.w * 0.96 / m.width("M", size)), 8)
    muted = code_muted(ctx)
    parts = [(n, w) for n, ln in enumerate(lines, 1) for w in codemod.wrap(ln, max_chars, muted)]
    per_page = max(int(box.h * 0.97 / m.line_height(size)), 1)
    chunks = _split_code([w for _, w in parts], per_page)
    starts = [sum(len(c) for c in chunks[:i]) for i in range(len(chunks))]
    contents = [
        {"code": c, "size": size, "code_lines": [n for n, _ in parts[s : s + len(c)]]}
        for c, s in zip(chunks, starts, strict=True)
    ]
    return _pages(slide, index, contents, [len(c) for c in chunks])


def _split_code(lines: list[codemod.Line], per_page: int) -> list[list[codemod.Line]]:
    """Cut a listing into evenly filled pages, preferring to cut at a blank line."""
    per_page = math.ceil(len(lines) / math.ceil(len(lines) / per_page))
    chunks = []
    while len(lines) > per_page:
        cut = per_page
        for i in range(per_page, max(per_page * 2 // 3, 1), -1):
            if not codemod.text_of(lines[i - 1]).strip():
                cut = i
                break
        chunks.append(lines[:cut])
        lines = lines[cut:]
    return chunks + [lines] if lines else chunks


def table_box(ctx, slide: Slide) -> Box:
    """Where a table goes: the body, less the caption."""
    body = ctx.layout.body
    return Box(body.x, body.y, body.w, body.h - (CAPTION_H if slide.caption else 0))


def column_widths(ctx, rows: list[list[str]], width: float, size: float) -> list[float]:
    """Each column's width at a text size: wide enough for its longest word (no word is
    broken while the table can help it), the rest shared by how much each column wraps."""
    n = max(len(r) for r in rows)
    cells = [[(r[i] if i < len(r) else "", j == 0) for j, r in enumerate(rows)] for i in range(n)]
    least = [
        max(_width(ctx, w, b, size) for c, b in col for w in c.split() or [""]) for col in cells
    ]
    whole = [max(_width(ctx, c, b, size) for c, b in col) for col in cells]
    if sum(least) >= width:
        return [width * w / sum(least) for w in least]
    spare = width - sum(least)
    wants = [max(w - m, 0.0) for w, m in zip(whole, least, strict=True)]
    if sum(wants) <= spare:  # every cell fits on one line: share out what is left evenly
        extra = (spare - sum(wants)) / n
        return [w + extra for w in whole]
    return [m + spare * want / sum(wants) for m, want in zip(least, wants, strict=True)]


def _width(ctx, text: str, bold: bool, size: float) -> float:
    """The column width that holds `text` on one line (as row_heights wraps it)."""
    return ctx.theme.measurer("body", bold).width(text, size) / WIDTH_SAFETY + TABLE_PAD * 2


def row_heights(ctx, rows: list[list[str]], widths: list[float], size: float) -> list[float]:
    """Each row's height at a text size: its tallest wrapped cell, with the cell margins."""
    pad = TABLE_PAD * 2
    return [
        max(
            para_height(ctx.theme, Para(cell, bold=r == 0), size, w - pad)
            for cell, w in zip(row, widths, strict=False)
        )
        + pad
        for r, row in enumerate(rows)
    ]


def table_fits(ctx, rows: list[list[str]], widths: list[float], size: float, box: Box) -> bool:
    return sum(row_heights(ctx, rows, widths, size)) <= box.h * HEIGHT_SAFETY


def plan_table(ctx, slide: Slide, index: int) -> list[Page]:
    """Shrink the table to fit; below the minimum size, continue its rows on more pages,
    each with the header."""
    sizes, box = ctx.theme.spec.sizes, table_box(ctx, slide)
    size = sizes.body * TABLE_SCALE
    while size >= sizes.body_min:
        widths = column_widths(ctx, slide.rows, box.w, size)
        if table_fits(ctx, slide.rows, widths, size, box):
            return [Page(slide, index, slide.note, rows=slide.rows, size=size)]
        size -= 1
    size = sizes.body_min
    widths = column_widths(ctx, slide.rows, box.w, size)
    header, chunks = slide.rows[:1], [[]]
    for row in slide.rows[1:]:
        if chunks[-1] and not table_fits(ctx, header + chunks[-1] + [row], widths, size, box):
            chunks.append([])
        chunks[-1].append(row)
    return _pages(
        slide, index, [{"rows": header + c, "size": size} for c in chunks], [len(c) for c in chunks]
    )


def _pages(slide: Slide, index: int, contents: list[dict], weights: list[int]) -> list[Page]:
    """Continuation pages sharing the slide's narration in proportion to their content."""
    notes = split_note_at(slide.note, weights)
    n, firsts = len(contents), [sum(weights[:i]) for i in range(len(weights))]
    return [
        Page(replace(slide), index, note, part=i, parts=n, at=at, first=first, **content)
        for i, (content, (note, at), first) in enumerate(
            zip(contents, notes, firsts, strict=True), 1
        )
    ]


def split_note(note: str, weights: list[int]) -> list[str]:
    """Split narration at sentence ends so each page gets a share proportional to weight."""
    return [text for text, _ in split_note_at(note, weights)]


def split_note_at(note: str, weights: list[int]) -> list[tuple[str, int]]:
    """Each page's share of the narration, and where it starts in the note.

    Every page gets at least one sentence while there are sentences to go round.
    """
    spans = sentence_spans(note)  # as narration splits them, so frames and voice agree
    n, total, out, start = len(weights), sum(weights) or 1, [], 0
    for i in range(n):
        end = round(sum(weights[: i + 1]) / total * len(spans))
        end = min(max(end, start + 1), len(spans))
        cap = len(spans) - (n - 1 - i)  # leave one sentence for each later page
        end = len(spans) if i == n - 1 else (min(end, cap) if cap > start else end)
        text = " ".join(note[a:b] for a, b in spans[start:end])
        out.append((text, spans[start][0] if start < len(spans) else len(note)))
        start = end
    return out

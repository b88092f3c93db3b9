"""The clicks that replay a page's build states live, in PowerPoint or Impress: the same steps
the video shows, as native animations on the deck's own (whole) slide."""

from __future__ import annotations

from pipeline import builds
from pipeline.builds import State
from pipeline.deck.animate import Recolor, Reveal
from pipeline.deck.draw import DIM, column_group
from pipeline.deck.plan import Page
from pipeline.theme.model import Theme, mix

Para = tuple[int, int, int]  # a text shape's id, a paragraph's index in it, its build group


def clicks(slide, page: Page, states: list[State], theme: Theme) -> list[list[Reveal | Recolor]]:
    """One click per change of picture. Appear: paragraphs enter when their group is first shown
    (the first state's are there from the start). Focus and code: the slide opens whole, then
    each click dims what the voice has left and brings back what it is on."""
    paras = _paragraphs(slide, page)
    if not paras or len(states) < 2:
        return []
    if page.slide.kind != "code" and theme.spec.build == "appear":
        shown = [[g in st.shown for _, _, g in paras] for st in states]
        return _changes(paras, shown[0], shown[1:], lambda sid, i, _: Reveal(sid, i, i))
    kind = page.slide.kind
    behind = {"code": "code_background", "summary": "panel", "columns": "panel"}
    back = theme.color(behind.get(kind, "background"))
    full = theme.color("code_text" if kind == "code" else "text")
    dim = [[st.current is not None and g != st.current for _, _, g in paras] for st in states]
    color = {True: mix(back, full, DIM), False: full}
    clicks = _changes(paras, [False] * len(paras), dim, lambda s, i, d: Recolor(s, i, i, color[d]))
    return [c for c in clicks if c]


def _changes(paras: list[Para], first: list, later: list[list], effect) -> list[list]:
    """For each later state, an effect for every paragraph whose look differs from before."""
    out, before = [], first
    for now in later:
        pairs = zip(paras, now, before, strict=True)
        out.append([effect(sid, i, v) for (sid, i, _), v, b in pairs if v != b])
        before = now
    return out


def _paragraphs(slide, page: Page) -> list[Para]:
    """The paragraphs that build, with the group each belongs to (tables: none, as PowerPoint
    animates a table only as a whole)."""
    shapes = {s.name: s.shape_id for s in slide.shapes}
    kind = page.slide.kind
    if kind in ("bullets", "summary") and "Body" in shapes:
        groups = builds.group_of_bullets(page.slide.bullets)[page.first :]
        return [(shapes["Body"], i, groups[i]) for i in range(len(page.bullets))]
    if kind == "code" and "Code" in shapes:
        steps = builds.code_steps(page.slide)
        group = {line: g for g, lines in enumerate(steps) for line in lines}
        numbers = page.code_lines + [0] * (len(page.code) - len(page.code_lines))
        return [(shapes["Code"], i, group.get(n, -1)) for i, n in enumerate(numbers)]
    if kind == "columns":
        return [
            (s.shape_id, i, column_group(page, s.name))
            for s in slide.shapes
            if s.name in ("Left", "Right")
            for i in range(len(s.text_frame.paragraphs))
        ]
    return []

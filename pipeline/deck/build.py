"""Build a python-pptx deck from parsed script slides and a theme."""

from __future__ import annotations

import io
from dataclasses import dataclass

from pptx import Presentation
from pptx.util import Emu

from pipeline import builds
from pipeline.builds import State
from pipeline.deck.animate import add_clicks
from pipeline.deck.clicks import clicks
from pipeline.deck.draw import Ctx, Info, draw
from pipeline.deck.layout import Layout
from pipeline.deck.plan import Page, plan
from pipeline.slides import Slide

WIDE = (Emu(12192000), Emu(6858000))  # 13.333 x 7.5 in, 16:9


def new_presentation(theme):
    """An empty deck: the template's (masters kept) or a blank 16:9 one."""
    if theme.template is not None:
        from pipeline.deck.template import open_template

        prs, tpl = open_template(theme.template)
        lay = Layout.for_theme(theme, prs.slide_width, prs.slide_height)
        return (
            prs,
            tpl,
            Layout(
                lay.width,
                lay.height,
                lay.side,
                lay.top,
                lay.bottom_margin,
                tpl.title_box(),
                tpl.body_box,
            ),
        )
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDE
    return prs, None, Layout.for_theme(theme, *WIDE)


@dataclass
class Deck:
    """A lecture's deck, and the pictures of its build states for the video."""

    pptx: bytes
    slides: list[int]  # the script slide (1-based) each deck slide shows
    states: bytes  # one slide per build state (the deck itself when no slide builds)
    frames: list[tuple[int, int]]  # each state's deck slide, and where its narration starts


def build(slides: list[Slide], theme, info: Info, builds_on: bool = True) -> Deck:
    """The deck, and (when slides build with the voice) a deck of their states, drawn
    from the same plan so that what is shown never moves from one state to the next."""
    prs, tpl, layout = new_presentation(theme)
    ctx = Ctx(theme, layout, info, prs, tpl)
    pages = [page for i, s in enumerate(slides, 1) for page in plan(ctx, s, i)]
    steps = [page_states(p, builds_on) for p in pages]
    for n, (page, states) in enumerate(zip(pages, steps, strict=True), 1):
        # the presenter's deck replays the same steps as clicks on the whole slide
        slide = draw(ctx, page, n, len(pages))
        add_clicks(slide, clicks(slide, page, states, theme))
    frames: list[tuple[int, int]] = []
    for n, (page, states) in enumerate(zip(pages, steps, strict=True), 1):
        frames += [(n, st.at) for st in states] or [(n, page.at)]
    deck = _save(prs, info)
    pictures = _states_deck(theme, info, pages, steps) if any(steps) else deck
    return Deck(deck, [p.index for p in pages], pictures, frames)


def page_states(page: Page, on: bool) -> list[State]:
    """The build states of one deck page ([]: it is shown whole)."""
    slide = page.slide
    at = builds.anchors(slide) if on else []
    if len(at) < 2:
        return []
    if slide.kind in ("bullets", "summary"):
        own = builds.group_of_bullets(slide.bullets)[page.first : page.first + len(page.bullets)]
    elif slide.kind == "table":
        own = list(range(page.first, page.first + len(page.rows) - 1))
    elif slide.kind == "code":
        lines = set(page.code_lines)
        own = [g for g, ls in enumerate(builds.code_steps(slide)) if lines & set(ls)]
    else:
        own = list(range(len(at)))
    return builds.states({g: at[g] for g in own}, page.at) if own else []


def _states_deck(theme, info: Info, pages: list[Page], steps: list[list[State]]) -> bytes:
    """One slide per state of each page (a page without states once, as it is)."""
    prs, tpl, layout = new_presentation(theme)
    ctx = Ctx(theme, layout, info, prs, tpl)
    for n, (page, states) in enumerate(zip(pages, steps, strict=True), 1):
        drawn: list[State | None] = list(states) or [None]
        for state in drawn:
            ctx.state = state
            draw(ctx, page, n, len(pages))
    return _save(prs, info)


def _save(prs, info: Info) -> bytes:
    """The deck as .pptx bytes, titled."""
    props = prs.core_properties
    props.title, props.language = info.lecture, info.lang
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()

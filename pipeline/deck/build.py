"""Build a python-pptx deck from parsed script slides and a theme."""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.util import Emu

from pipeline.deck.draw import Ctx, Info, draw
from pipeline.deck.layout import Layout
from pipeline.deck.plan import plan
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


def build(slides: list[Slide], theme, info: Info) -> tuple[bytes, list[int]]:
    """The deck as .pptx bytes, and the script slide (1-based) each deck slide shows."""
    prs, tpl, layout = new_presentation(theme)
    ctx = Ctx(theme, layout, info, prs, tpl)
    pages = [page for i, s in enumerate(slides, 1) for page in plan(ctx, s, i)]
    for n, page in enumerate(pages, 1):
        draw(ctx, page, n, len(pages))
    props = prs.core_properties
    props.title, props.language = info.lecture, info.lang
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue(), [p.index for p in pages]

"""The lecture's title slide: a stack of measured text blocks, centred vertically."""

from __future__ import annotations

from pptx.enum.shapes import MSO_SHAPE

from pipeline.deck import pptxutil as px
from pipeline.deck.fit import HEIGHT_SAFETY, Para, block_height, shrink_to_fit
from pipeline.deck.layout import Box
from pipeline.theme.model import mix

TRACKING = 1.5  # letter spacing of the course line, points


def _block(
    ctx, text: str, role: str, bold: bool, start: float, low: float, width: float, max_h: float
) -> tuple[list[Para], float, float]:
    """Paragraphs, chosen size and measured height of one text block."""
    paras = [Para(text, role, bold=bold)]
    size = shrink_to_fit(ctx.theme, paras, width, max_h, start, low)
    return paras, size, block_height(ctx.theme, paras, size, width) / HEIGHT_SAFETY


def draw_title_slide(ctx, slide, page) -> None:
    """Course (small caps line), lecture title, accent bar, section and subtitle."""
    lay, sizes, info = ctx.layout, ctx.theme.spec.sizes, ctx.info
    decorate(ctx, slide)
    width = lay.width * 0.70 - lay.side
    course = info.course.upper()
    blocks = [
        ("Course", course, "heading", True, 15, 9, "title_muted", 44),
        (
            "Lecture",
            page.slide.title,
            "heading",
            True,
            sizes.title_slide,
            sizes.title_min,
            "title_text",
            lay.height * 0.42,
        ),
        ("Section", info.section, "body", False, 26, 12, "title_text", 60),
        ("Subtitle", page.slide.subtitle, "body", False, 18, 10, "title_muted", 44),
    ]
    gaps = {"Course": 16, "Lecture": 46, "Section": 8, "Subtitle": 0}
    measured = [
        (
            b,
            *_block(
                ctx,
                b[1],
                b[2],
                b[3],
                b[4],
                b[5],
                width - (len(b[1]) * TRACKING if b[0] == "Course" else 0),
                b[7],
            ),
        )
        for b in blocks
        if b[1]
    ]
    total = sum(h + gaps[b[0]] for b, _, _, h in measured)
    y = max((lay.height - total) / 2 - 8, lay.top)
    for (name, text, role, bold, _, _, color, _), _paras, size, h in measured:
        frame = px.title_frame if name == "Lecture" else px.textbox
        tf = frame(slide, Box(lay.side, y, width, h), name)
        r = px.run(
            px.paragraph(tf, first=True),
            text,
            ctx.theme.family(role),
            size,
            ctx.theme.color(color),
            info.lang,
            bold=bold,
            ea_family=ctx.theme.cjk,
        )
        if name == "Course":
            px.letter_spacing(r, TRACKING)
        if name == "Lecture":
            px.rect(
                slide, Box(lay.side, y + h + 18, 72, 6), ctx.theme.color("accent"), name="Accent"
            )
        y += h + gaps[name]


def decorate(ctx, slide) -> None:
    """Two soft circles on the right, tinted from the accent: depth without clutter."""
    lay, c = ctx.layout, ctx.theme.color
    big = lay.height * 1.15
    px.rect(
        slide,
        Box(lay.width * 0.72, -lay.height * 0.30, big, big),
        mix(c("title_background"), c("accent"), 0.18),
        MSO_SHAPE.OVAL,
        "Circle1",
    )
    small = lay.height * 0.55
    px.rect(
        slide,
        Box(lay.width * 0.84, lay.height * 0.58, small, small),
        mix(c("title_background"), c("accent"), 0.40),
        MSO_SHAPE.OVAL,
        "Circle2",
    )
    px.rect(slide, Box(0, lay.height - 8, lay.width, 8), c("accent"), name="BottomBar")

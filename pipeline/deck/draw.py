"""Drawing one deck page per slide kind, with the theme's type scale and colours."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image
from pptx.dml.color import RGBColor
from pptx.util import Emu

from pipeline import builds
from pipeline.builds import State
from pipeline.deck import pptxutil as px
from pipeline.deck.code import text_of
from pipeline.deck.fit import HEIGHT_SAFETY, Para, block_height, para_size, shrink_to_fit
from pipeline.deck.layout import EMU_PER_PT, Box
from pipeline.deck.plan import (
    CAPTION_H,
    CODE_PAD,
    INDENT,
    TABLE_PAD,
    Page,
    bullet_gap,
    bullet_paras,
    bullets_box,
    code_box,
    column_widths,
    row_heights,
    table_box,
)
from pipeline.theme.model import Theme, mix, readable

BULLET_CHARS = ("\u2022", "\u2013")  # • for points, – for sub-points
DIM = 0.3  # how much of its colour a dimmed item keeps
CHECK = "\u2713"  # ✓ on the summary slide
SYMBOL_FONT = "DejaVu Sans"  # has • – ✓ “ in every install
# python-pptx's default layouts "Title Slide" and "Title Only": a title placeholder each
TITLE_LAYOUT, CONTENT_LAYOUT = 0, 5


@dataclass
class Info:
    """What the deck says about where a lecture sits in the course."""

    course: str
    section: str
    lecture: str
    lang: str


@dataclass
class Ctx:
    """Everything drawing needs; `state`: the build state drawn (None: the whole slide)."""

    theme: Theme
    layout: object
    info: Info
    prs: object
    template: object | None = None
    state: State | None = None


def put(ctx: Ctx, p, text: str, role: str, size: float, color: str | None, **style):
    """A run in a theme font (CJK courses get the CJK family for every script)."""
    return px.run(
        p,
        text,
        ctx.theme.family(role),
        size,
        color,
        ctx.info.lang,
        ea_family=ctx.theme.cjk,
        **style,
    )


def tone(ctx: Ctx, group: int | None, color: str, behind: str, mode: str = "") -> str | None:
    """An item's colour in the state drawn: None while it is hidden, dimmed while the
    voice is on another (focus, and code highlights), else its own."""
    state, mode = ctx.state, mode or ctx.theme.spec.build
    if state is None or group is None:
        return color
    if mode == "appear" and group not in state.shown:
        return None
    if mode != "appear" and state.current is not None and group != state.current:
        return mix(behind, color, DIM)
    return color


def put_item(ctx: Ctx, p, text: str, size: float, color: str, shade: str | None, **style):
    """A run of a build item: in its shade, or there but invisible while it is hidden
    (the text stays, so the layout is the whole slide's in every state)."""
    run = put(ctx, p, text, "body", size, shade or color, **style)
    if shade is None:
        px.transparent(run)
    return run


def col(ctx: Ctx, name: str) -> str:
    """A theme colour."""
    return ctx.theme.color(name)


def small(ctx: Ctx, name: str, behind: str = "background") -> str:
    """A theme colour for small text, darkened or lightened to read on `behind` (WCAG AA)."""
    return readable(col(ctx, name), col(ctx, behind))


def draw(ctx: Ctx, page: Page, number: int, total: int):
    """Add one slide for a page: content, footer and the narration as notes."""
    slide = new_slide(ctx, page.slide.kind)
    DRAW[page.slide.kind](ctx, slide, page)
    if page.slide.kind != "title":
        footer(ctx, slide, number, total)
    if ctx.template is not None:
        ctx.template.drop_empty_placeholders(slide)
    px.notes(slide, page.note)
    return slide


def new_slide(ctx: Ctx, kind: str):
    """A slide from the template's layouts, or a blank one painted in the theme."""
    if ctx.template is not None:
        return ctx.template.new_slide(ctx.prs, kind)
    layout = TITLE_LAYOUT if kind == "title" else CONTENT_LAYOUT
    slide = ctx.prs.slides.add_slide(ctx.prs.slide_layouts[layout])
    px.only_title(slide)
    bg = "title_background" if kind == "title" else "background"
    px.background(slide, col(ctx, bg))
    return slide


def heading(ctx: Ctx, slide, page: Page) -> None:
    """The slide title (numbered when a slide continues), with the accent bar."""
    text = page.slide.title + (f" ({page.part}/{page.parts})" if page.parts > 1 else "")
    sizes = ctx.theme.spec.sizes
    ph = ctx.template.title_placeholder(slide) if ctx.template is not None else None
    box = ctx.template.text_box(ph) if ph is not None else ctx.layout.title
    para = [Para(text, "heading", bold=True)]
    size = shrink_to_fit(ctx.theme, para, box.w, box.h, sizes.title, sizes.title_min)
    if ph is not None:
        ctx.template.fill_title(ph, text, size, ctx)
        return
    tf = px.title_frame(slide, box, "Title", anchor="bottom")
    put(ctx, px.paragraph(tf, first=True), text, "heading", size, col(ctx, "text"), bold=True)
    px.rect(slide, ctx.layout.rule, col(ctx, "accent"), name="Accent")


def footer(ctx: Ctx, slide, number: int, total: int) -> None:
    """Course title on the left, slide number on the right, above a hairline."""
    box, size = ctx.layout.footer, ctx.theme.spec.sizes.footer
    px.rect(slide, Box(box.x, box.y - 8, box.w, 0.75), col(ctx, "rule"), name="FooterRule")
    left = Box(box.x, box.y, box.w * 0.8, box.h)
    right = Box(box.x + box.w * 0.8, box.y, box.w * 0.2, box.h)
    fit = shrink_to_fit(ctx.theme, [Para(ctx.info.course)], left.w, box.h, size, 6)
    tf = px.textbox(slide, left, "Footer", anchor="middle")
    put(ctx, px.paragraph(tf, first=True), ctx.info.course, "body", fit, small(ctx, "muted"))
    tf = px.textbox(slide, right, "SlideNumber", anchor="middle")
    put(
        ctx,
        px.paragraph(tf, first=True, align="right"),
        f"{number} / {total}",
        "body",
        size,
        small(ctx, "muted"),
    )


def draw_bullets(ctx: Ctx, slide, page: Page) -> None:
    """Title and bullet points."""
    heading(ctx, slide, page)
    write_bullets(ctx, slide, page, BULLET_CHARS, 110)


def write_bullets(ctx: Ctx, slide, page: Page, chars, pct: int) -> None:
    """Bullet paragraphs at the planned size, with hanging accent-coloured bullets."""
    kind = page.slide.kind
    tf = px.textbox(slide, bullets_box(ctx, kind), "Body")
    paras = bullet_paras(page.bullets, bullet_gap(kind))
    group = builds.group_of_bullets(page.slide.bullets)[page.first :]
    behind = col(ctx, "panel" if kind == "summary" else "background")
    for i, (b, para) in enumerate(zip(page.bullets, paras, strict=True)):
        size = para_size(para, page.size)
        p = px.paragraph(tf, first=i == 0, before_pt=para.before * size)
        color = col(ctx, "accent") if b.level == 0 else col(ctx, "muted")
        hang = INDENT[0] if b.level == 0 else INDENT[1] - INDENT[0]
        mark = tone(ctx, group[i], color, behind)
        # a hidden bullet is a space: LibreOffice draws bullets opaque whatever their alpha
        char = chars[b.level] if mark else " "
        px.bullet(p, char, mark or color, INDENT[b.level], hang, SYMBOL_FONT, pct)
        text = col(ctx, "text")
        put_item(ctx, p, b.text, size, text, tone(ctx, group[i], text, behind))


def draw_summary(ctx: Ctx, slide, page: Page) -> None:
    """Key takeaways: check marks in a tinted panel sized to them."""
    heading(ctx, slide, page)
    box, body = bullets_box(ctx, "summary"), ctx.layout.body
    paras = bullet_paras(page.bullets, bullet_gap("summary"))
    text_h = block_height(ctx.theme, paras, page.size, box.w) / HEIGHT_SAFETY
    panel = Box(body.x, body.y, body.w, min(body.h, text_h + 2 * (box.y - body.y) + 8))
    px.rounded(slide, panel, col(ctx, "panel"), 14, name="Panel")
    write_bullets(ctx, slide, page, (CHECK, BULLET_CHARS[1]), 100)


def draw_code(ctx: Ctx, slide, page: Page) -> None:
    """A dark code panel sized to the code, syntax-coloured runs, optional caption."""
    heading(ctx, slide, page)
    m = ctx.theme.measurer("code")
    inner = code_box(ctx, page.slide)
    text_h = min(len(page.code) * m.line_height(page.size) + 6, inner.h)
    body = ctx.layout.body
    panel = Box(body.x, body.y, body.w, text_h + 2 * CODE_PAD)
    px.rounded(slide, panel, col(ctx, "code_background"), 12, name="CodePanel")
    language_tag(ctx, slide, panel, page.slide.language)
    tf = px.textbox(slide, Box(inner.x, inner.y, inner.w, text_h), "Code")
    steps = builds.code_steps(page.slide) if ctx.state is not None else []
    behind = col(ctx, "code_background")
    for i, line in enumerate(page.code):
        p = px.paragraph(tf, first=i == 0)
        number = page.code_lines[i] if i < len(page.code_lines) else 0
        group = next((g for g, lines in enumerate(steps) if number in lines), -1)
        for tok in line or []:
            shade = tone(ctx, group, tok.color, behind, mode="highlight")
            put(ctx, p, tok.text, "code", page.size, shade, bold=tok.bold, italic=tok.italic)
        if not text_of(line):  # an empty paragraph would take a default 18 pt height
            put(ctx, p, " ", "code", page.size, col(ctx, "code_text"))
    if page.slide.caption:
        caption(
            ctx,
            slide,
            Box(body.x, panel.bottom + 8, body.w, CAPTION_H - 8),
            page.slide.caption,
            "left",
        )


def language_tag(ctx: Ctx, slide, panel: Box, language: str) -> None:
    """The language name in the panel's top-right corner, small and quiet."""
    if not language:
        return
    box = Box(panel.right - 160, panel.y + 4, 148, 12)
    tf = px.textbox(slide, box, "Language", anchor="top")
    behind = col(ctx, "code_background")
    put(
        ctx,
        px.paragraph(tf, first=True, align="right"),
        language.lower(),
        "code",
        10,
        # quieter than the code, but still legible at 10 pt
        readable(mix(behind, col(ctx, "code_text"), 0.55), behind),
    )


def caption(ctx: Ctx, slide, box: Box, text: str, align: str) -> None:
    """A muted italic caption line (shrunk to stay on its line)."""
    size = shrink_to_fit(ctx.theme, [Para(text)], box.w, box.h, ctx.theme.spec.sizes.caption, 8)
    tf = px.textbox(slide, box, "Caption", anchor="top")
    put(
        ctx,
        px.paragraph(tf, first=True, align=align),
        text,
        "body",
        size,
        small(ctx, "muted"),
        italic=True,
    )


def draw_image(ctx: Ctx, slide, page: Page) -> None:
    """The picture as large as the body allows, centred, keeping its proportions."""
    heading(ctx, slide, page)
    body = ctx.layout.body
    area = Box(body.x, body.y, body.w, body.h - (CAPTION_H if page.slide.caption else 0))
    with Image.open(page.slide.image) as im:
        w, h = im.size
    scale = min(area.w / w, area.h / h)
    pic = Box(area.x + (area.w - w * scale) / 2, area.y, w * scale, h * scale)
    shape = slide.shapes.add_picture(str(page.slide.image), *(Emu(v) for v in pic.emu()))
    shape.name = "Image"
    if page.slide.caption:
        caption(
            ctx,
            slide,
            Box(body.x, pic.bottom + 8, body.w, CAPTION_H - 8),
            page.slide.caption,
            "center",
        )


def draw_columns(ctx: Ctx, slide, page: Page) -> None:
    """Two tinted cards, each with a heading and points, at one shared size."""
    heading(ctx, slide, page)
    s, body, gap = page.slide, ctx.layout.body, 28.0
    w = (body.w - gap) / 2
    cards = [Box(body.x, body.y, w, body.h), Box(body.x + w + gap, body.y, w, body.h)]
    sides = [(s.left_title, s.left), (s.right_title, s.right)]
    paras = [column_paras(t, b) for t, b in sides]
    inner = [c.inset(24, 22) for c in cards]
    sizes = ctx.theme.spec.sizes
    size = min(
        shrink_to_fit(ctx.theme, p, b.w, b.h, sizes.body, sizes.body_min)
        for p, b in zip(paras, inner, strict=True)
    )
    tallest = max(block_height(ctx.theme, p, size, b.w) for p, b in zip(paras, inner, strict=True))
    card_h = min(body.h, tallest / HEIGHT_SAFETY + 2 * 22 + 12)
    cards = [Box(c.x, c.y, c.w, card_h) for c in cards]
    for card, box, (title, bullets), name in zip(
        cards, inner, sides, ("Left", "Right"), strict=True
    ):
        px.rounded(slide, card, col(ctx, "panel"), 14, name=f"{name}Card")
        px.rect(slide, Box(card.x, card.y, card.w, 5), col(ctx, "accent"), name=f"{name}Bar")
        write_column(ctx, slide, box, title, bullets, size, name, column_group(page, name))


def column_group(page: Page, name: str) -> int:
    """The build group of a column: the left is the first (the right, if it is alone)."""
    s = page.slide
    return 0 if name == "Left" or not (s.left_title or s.left) else 1


def column_paras(title: str, bullets) -> list[Para]:
    """A column's heading and bullets, as paragraphs to measure."""
    head = [Para(title, "heading", bold=True, scale=1.0)] if title else []
    items = bullet_paras(bullets, 0.45)
    if head and items:
        items[0].before = 0.6
    return head + items


def write_column(
    ctx: Ctx, slide, box: Box, title: str, bullets, size: float, name: str, group: int
) -> None:
    """One column's text."""
    tf = px.textbox(slide, box, name)
    first, behind = True, col(ctx, "panel")
    if title:
        p = px.paragraph(tf, first=True)
        shade = tone(ctx, group, col(ctx, "accent"), behind)
        run = put(ctx, p, title, "heading", size, shade or col(ctx, "accent"), bold=True)
        if shade is None:
            px.transparent(run)
        first = False
    for b, para in zip(bullets, column_paras(title, bullets)[1 if title else 0 :], strict=True):
        s = para_size(para, size)
        p = px.paragraph(tf, first=first, before_pt=para.before * s)
        first = False
        hang = INDENT[0] if b.level == 0 else INDENT[1] - INDENT[0]
        color = col(ctx, "accent" if b.level == 0 else "muted")
        mark = tone(ctx, group, color, behind)
        char = BULLET_CHARS[b.level] if mark else " "
        px.bullet(p, char, mark or color, INDENT[b.level], hang, SYMBOL_FONT, 110)
        put_item(ctx, p, b.text, s, col(ctx, "text"), tone(ctx, group, col(ctx, "text"), behind))


def draw_quote(ctx: Ctx, slide, page: Page) -> None:
    """A large quotation mark, the quote in italics, and who said it."""
    heading(ctx, slide, page)
    body, s = ctx.layout.body, page.slide
    mark = px.textbox(slide, Box(body.x, body.y - 6, 90, 110), "QuoteMark")
    put(
        ctx, px.paragraph(mark, first=True), "\u201c", "heading", 120, col(ctx, "accent"), bold=True
    )
    box = Box(body.x + 96, body.y + 12, body.w - 150, body.h - 24)
    paras = [Para(s.quote, "body")] + (
        [Para(f"\u2014 {s.by}", "body", scale=0.6, before=1.2)] if s.by else []
    )
    sizes = ctx.theme.spec.sizes
    size = shrink_to_fit(ctx.theme, paras, box.w, box.h, sizes.quote, sizes.body_min)
    tf = px.textbox(slide, box, "Quote", anchor="middle")
    put(
        ctx,
        px.paragraph(tf, first=True, spacing=1.0),
        s.quote,
        "body",
        size,
        col(ctx, "text"),
        italic=True,
    )
    if s.by:
        by = para_size(paras[1], size)
        p = px.paragraph(tf, before_pt=1.2 * by)
        put(ctx, p, f"\u2014 {s.by}", "body", by, col(ctx, "muted"))


def draw_table(ctx: Ctx, slide, page: Page) -> None:
    """A native table: an accent header row, banded body rows, every cell at one size."""
    heading(ctx, slide, page)
    box = table_box(ctx, page.slide)
    widths = column_widths(ctx, page.slide.rows, box.w, page.size)  # same on every page
    heights = row_heights(ctx, page.rows, widths, page.size)
    frame = slide.shapes.add_table(
        len(page.rows), len(widths), *(Emu(v) for v in Box(box.x, box.y, box.w, sum(heights)).emu())
    )
    frame.name = "Table"
    table = frame.table
    for i, w in enumerate(widths):
        table.columns[i].width = Emu(round(w * EMU_PER_PT))
    for r, (row, h) in enumerate(zip(page.rows, heights, strict=True)):
        table.rows[r].height = Emu(round(h * EMU_PER_PT))
        group = page.first + r - 1 if r else None  # the header is shown from the start
        for c in range(len(widths)):
            _cell(ctx, table.cell(r, c), row[c] if c < len(row) else "", r, page.size, group)
    if page.slide.caption:
        below = Box(box.x, box.y + sum(heights) + 8, box.w, CAPTION_H - 8)
        caption(ctx, slide, below, page.slide.caption, "left")


def _cell(ctx: Ctx, cell, text: str, row: int, size: float, group: int | None) -> None:
    """One table cell: its fill, margins and text."""
    fill = "accent" if row == 0 else ("panel" if row % 2 == 0 else "background")
    cell.fill.solid()
    cell.fill.fore_color.rgb = RGBColor.from_string(col(ctx, fill))
    for side in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
        setattr(cell, side, Emu(round(TABLE_PAD * EMU_PER_PT)))
    p = px.paragraph(cell.text_frame, first=True)
    color = col(ctx, "title_text") if row == 0 else col(ctx, "text")
    put_item(
        ctx, p, text or " ", size, color, tone(ctx, group, color, col(ctx, fill)), bold=row == 0
    )


def draw_title(ctx: Ctx, slide, page: Page) -> None:
    """The lecture's opening slide: course, lecture title, section and subtitle."""
    if ctx.template is not None:
        ctx.template.fill_title_slide(slide, page, ctx)
        return
    from pipeline.deck.title import draw_title_slide

    draw_title_slide(ctx, slide, page)


DRAW = {
    "title": draw_title,
    "bullets": draw_bullets,
    "code": draw_code,
    "image": draw_image,
    "columns": draw_columns,
    "quote": draw_quote,
    "table": draw_table,
    "summary": draw_summary,
}

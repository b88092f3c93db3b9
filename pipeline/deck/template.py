"""A person's own PowerPoint template (`theme: brand.pptx`): its masters and layouts are used.

The template is opened as the deck itself (its own slides removed), so every slide
inherits the brand's master. Layouts are chosen by name, then by placeholder type;
colours and fonts for what Lectern draws come from the template's theme part
(pipeline.theme.pptx).
"""

from __future__ import annotations

from pathlib import Path

from pptx.enum.shapes import PP_PLACEHOLDER

from pipeline.deck import pptxutil as px
from pipeline.deck.fit import Para, shrink_to_fit
from pipeline.deck.layout import EMU_PER_PT, Box
from pipeline.theme.pptx import open_presentation

TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
BODIES = (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT)
INSET = (7.2, 3.6)  # PowerPoint's default text insets (0.1 in, 0.05 in), points


def _box(shape) -> Box:
    return Box(*(v / EMU_PER_PT for v in (shape.left, shape.top, shape.width, shape.height)))


class Template:
    """The template's layouts and the placeholder work for one deck."""

    def __init__(self, prs):
        self.prs = prs
        layouts = list(prs.slide_layouts)
        self.title_layout = self._find(layouts, "Title Slide", PP_PLACEHOLDER.CENTER_TITLE)
        self.content_layout = self._find(layouts, "Title Only", None)
        body = self._find(layouts, "Title and Content", PP_PLACEHOLDER.OBJECT)
        self.body_box = next(
            (_box(p) for p in body.placeholders if p.placeholder_format.type in BODIES), None
        )

    @staticmethod
    def _find(layouts, name: str, ph_type):
        """A layout by name, else the first holding a placeholder type, else the first."""
        for lay in layouts:
            if lay.name.lower() == name.lower():
                return lay
        for lay in layouts:
            if ph_type and any(p.placeholder_format.type == ph_type for p in lay.placeholders):
                return lay
        return layouts[0]

    def title_box(self) -> Box | None:
        """The content layout's title area."""
        ph = next(
            (p for p in self.content_layout.placeholders if p.placeholder_format.type in TITLES),
            None,
        )
        return _box(ph) if ph is not None else None

    def new_slide(self, prs, kind: str):
        """A slide on the layout for its kind."""
        return prs.slides.add_slide(self.title_layout if kind == "title" else self.content_layout)

    @staticmethod
    def title_placeholder(slide):
        return slide.shapes.title

    @staticmethod
    def text_box(ph) -> Box:
        """The text area of a placeholder: its box less the default insets."""
        return _box(ph).inset(*INSET)

    @staticmethod
    def fill_title(ph, text: str, size: float, ctx) -> None:
        """Put a measured title into the layout's title placeholder."""
        tf = ph.text_frame
        tf.word_wrap = True
        p = tf.paragraphs[0]
        px.run(
            p, text, ctx.theme.family("heading"), size, None, ctx.info.lang, ea_family=ctx.theme.cjk
        )

    def fill_title_slide(self, slide, page, ctx) -> None:
        """Lecture title in the title placeholder; course, section and subtitle below."""
        sizes = ctx.theme.spec.sizes
        title = slide.shapes.title
        if title is not None:
            box = self.text_box(title)
            size = shrink_to_fit(
                ctx.theme,
                [Para(page.slide.title, "heading")],
                box.w,
                box.h,
                sizes.title_slide,
                sizes.title_min,
            )
            self.fill_title(title, page.slide.title, size, ctx)
        sub = next(
            (p for p in slide.placeholders if p.placeholder_format.type == PP_PLACEHOLDER.SUBTITLE),
            None,
        )
        if sub is not None:
            self._subtitle(sub, page, ctx)

    def _subtitle(self, ph, page, ctx) -> None:
        lines = [x for x in (ctx.info.course, ctx.info.section, page.slide.subtitle) if x]
        box = self.text_box(ph)
        size = shrink_to_fit(ctx.theme, [Para(x) for x in lines], box.w, box.h, 22, 8)
        tf = ph.text_frame
        tf.word_wrap = True
        for i, text in enumerate(lines):
            p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            px.run(
                p,
                text,
                ctx.theme.family("body"),
                size,
                None,
                ctx.info.lang,
                ea_family=ctx.theme.cjk,
            )

    @staticmethod
    def drop_empty_placeholders(slide) -> None:
        """Remove placeholders Lectern did not fill ("Click to add text" in editors)."""
        for ph in list(slide.placeholders):
            if ph.has_text_frame and not ph.text_frame.text.strip():
                ph._element.getparent().remove(ph._element)


def open_template(path: Path):
    """The template as an empty deck, and its layout helper."""
    prs = open_presentation(path)
    ids = prs.slides._sldIdLst
    for sld_id in list(ids):
        prs.part.drop_rel(sld_id.rId)
        ids.remove(sld_id)
    return prs, Template(prs)

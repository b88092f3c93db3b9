"""Small python-pptx helpers: shapes, text boxes, runs with explicit fonts, bullets, notes."""

from __future__ import annotations

from lxml import etree
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE, PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.text.text import _Run
from pptx.util import Emu, Pt

from pipeline.deck.layout import Box

ANCHORS = {"top": MSO_ANCHOR.TOP, "middle": MSO_ANCHOR.MIDDLE, "bottom": MSO_ANCHOR.BOTTOM}
ALIGNS = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}


def rect(slide, box: Box, color: str, shape=MSO_SHAPE.RECTANGLE, name: str = ""):
    """A filled shape with no outline."""
    sp = slide.shapes.add_shape(shape, *(Emu(v) for v in box.emu()))
    sp.fill.solid()
    sp.fill.fore_color.rgb = RGBColor.from_string(color)
    sp.line.fill.background()
    style = sp._element.find(qn("p:style"))
    if style is not None:  # the default style adds a shadow LibreOffice draws
        sp._element.remove(style)
    if name:
        sp.name = name
    return sp


def rounded(slide, box: Box, color: str, radius_pt: float = 10, name: str = ""):
    """A rounded rectangle with a fixed corner radius."""
    sp = rect(slide, box, color, MSO_SHAPE.ROUNDED_RECTANGLE, name)
    sp.adjustments[0] = min(0.5, radius_pt / max(min(box.w, box.h), 1))
    return sp


def textbox(slide, box: Box, name: str, anchor: str = "top"):
    """A text box that wraps, never autofits, and has no inner margins."""
    tb = slide.shapes.add_textbox(*(Emu(v) for v in box.emu()))
    tb.name = name
    return _plain(tb.text_frame, anchor)


def title_frame(slide, box: Box, name: str, anchor: str = "top"):
    """The slide's title placeholder, placed and set up exactly like `textbox`."""
    # a real placeholder, so screen readers and the outline see the slide's title
    ph = slide.shapes.title
    ph.left, ph.top, ph.width, ph.height = (Emu(v) for v in box.emu())
    ph.name = name
    return _plain(ph.text_frame, anchor)


def only_title(slide) -> None:
    """Remove every placeholder but the title (the layout's empty subtitle)."""
    for ph in list(slide.placeholders):
        if ph.placeholder_format.type not in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE):
            ph._element.getparent().remove(ph._element)


def _plain(tf, anchor: str):
    """Wrap, never autofit, no inner margins: what was measured is what is drawn."""
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.margin_left = tf.margin_right = tf.margin_top = tf.margin_bottom = 0
    tf.vertical_anchor = ANCHORS[anchor]
    return tf


def paragraph(
    tf, first: bool = False, align: str = "left", spacing: float = 1.0, before_pt: float = 0.0
):
    """The next paragraph of a text frame, with alignment and spacing set."""
    p = tf.paragraphs[0] if first else tf.add_paragraph()
    p.alignment = ALIGNS[align]
    p.line_spacing = spacing
    p.space_before = Pt(before_pt)
    p.space_after = Pt(0)
    return p


def run(
    p,
    text: str,
    family: str,
    size: float,
    color: str | None,
    lang: str,
    bold: bool = False,
    italic: bool = False,
    ea_family: str | None = None,
):
    """Add a run with an explicit font for Latin, East Asian and complex scripts.

    Its properties are written as XML in one go, the elements python-pptx's setters
    would make: those setters cost ~0.35 ms a run, and code slides have thousands."""
    r = p._p.add_r()
    r.text = text  # python-pptx escapes control characters
    rpr = OxmlElement("a:rPr")
    rpr.set("sz", str(Pt(size).centipoints))
    rpr.set("b", "1" if bold else "0")
    rpr.set("i", "1" if italic else "0")
    rpr.set("lang", lang)
    if color:  # None keeps the colour a template's placeholder inherits
        fill = etree.SubElement(rpr, qn("a:solidFill"))
        etree.SubElement(fill, qn("a:srgbClr"), val=str(RGBColor.from_string(color)))
    for tag, face in (("a:latin", family), ("a:ea", ea_family or family), ("a:cs", family)):
        etree.SubElement(rpr, qn(tag), typeface=face)
    r.insert(0, rpr)
    return _Run(r, p)


def transparent(r) -> None:
    """Make a run's text fully transparent: it still takes its place in the layout."""
    fill = r._r.get_or_add_rPr().find(qn("a:solidFill"))
    clr = fill.find(qn("a:srgbClr")) if fill is not None else None
    if clr is not None:
        etree.SubElement(clr, qn("a:alpha"), val="0")


def bullet(
    p, char: str, color: str, indent_pt: float, hang_pt: float, family: str, size_pct: int = 100
) -> None:
    """Give a paragraph a hanging bullet character in its own colour and font."""
    ppr = p._p.get_or_add_pPr()
    ppr.set("marL", str(round(indent_pt * 12700)))
    ppr.set("indent", str(-round(hang_pt * 12700)))
    clr = etree.SubElement(ppr, qn("a:buClr"))
    etree.SubElement(clr, qn("a:srgbClr"), val=color)
    etree.SubElement(ppr, qn("a:buSzPct"), val=str(size_pct * 1000))
    etree.SubElement(ppr, qn("a:buFont"), typeface=family)
    etree.SubElement(ppr, qn("a:buChar"), char=char)


def no_bullet(p) -> None:
    """Switch off any bullet a template's master would add."""
    etree.SubElement(p._p.get_or_add_pPr(), qn("a:buNone"))


def letter_spacing(r, points: float) -> None:
    """Tracking for small caps lines, in points."""
    r._r.get_or_add_rPr().set("spc", str(round(points * 100)))


def notes(slide, text: str) -> None:
    """The speaker notes: the narration for this slide."""
    slide.notes_slide.notes_text_frame.text = text


def background(slide, color: str) -> None:
    """A solid slide background."""
    fill = slide.background.fill
    fill.solid()
    fill.fore_color.rgb = RGBColor.from_string(color)

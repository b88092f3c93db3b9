"""Lecture markdown to XHTML sections, and whole XHTML pages for the EPUB."""

from __future__ import annotations

from dataclasses import dataclass, field

import markdown
from lxml import etree

from pipeline import lecturemd
from pipeline.book.sanitize import EPUB_NS, XHTML, XML_LANG, fragment, x
from pipeline.errors import InputError

EXTENSIONS = lecturemd.extensions("footnotes", "codehilite")
EXT_CONFIG = {
    "codehilite": {"guess_lang": False, "css_class": "codehilite"},
    "footnotes": {"BACKLINK_TITLE": "Back to the text of note %d"},
}
EPUB_TYPE = f"{{{EPUB_NS}}}type"
HEADINGS = [f"h{n}" for n in range(1, 7)]


@dataclass
class LectureHtml:
    """One lecture as a sanitised XHTML section, with the text used for the index."""

    title: str
    section: etree._Element
    text: str
    images: dict[str, str] = field(default_factory=dict)


def convert(
    md_text: str, lecture_id: str, fallback_title: str, image_names: dict[str, str], shown: str
) -> LectureHtml:
    """Markdown of one lecture to a <section id=lecture_id> with h2 as its title."""
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXT_CONFIG)
    nodes = fragment(md.convert(md_text))
    section = etree.Element(x("section"), nsmap={None: XHTML})
    section.set("id", lecture_id)
    section.set("class", "lecture")
    for node in nodes:
        section.append(node)
    title = _take_title(section) or fallback_title
    _shift_headings(section)
    heading = etree.Element(x("h2"))
    heading.text = title
    section.insert(0, heading)
    _prefix_ids(section, f"{lecture_id}--")
    _embed_images(section, image_names, shown)
    _mark_notes(section)
    return LectureHtml(title, section, " ".join(section.itertext()))


def _take_title(section: etree._Element) -> str | None:
    """Remove the first h1 and return its text (the lecture title, per formats.md)."""
    h1 = next(section.iter(x("h1")), None)
    if h1 is None:
        return None
    title = " ".join("".join(h1.itertext()).split())
    parent = h1.getparent()
    if h1.tail and h1.tail.strip():
        prev = h1.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + h1.tail
        else:
            parent.text = (parent.text or "") + h1.tail
    parent.remove(h1)
    return title or None


def _shift_headings(section: etree._Element) -> None:
    """Lecture headings sit one level below the lecture title (h2), capped at h6."""
    for el in section.iter(*[x(h) for h in HEADINGS]):
        level = int(etree.QName(el).localname[1])
        el.tag = x(f"h{min(level + 1, 6)}")


def _prefix_ids(section: etree._Element, prefix: str) -> None:
    """Make ids unique in the chapter file (footnotes repeat fn-1 in every lecture)."""
    seen: set[str] = set()
    for el in section.iter():
        if el is section or not isinstance(el.tag, str):
            continue
        if el.get("id"):
            new = prefix + el.get("id")
            if new in seen:
                del el.attrib["id"]
            else:
                el.set("id", new)
                seen.add(new)
        href = el.get("href")
        if href and href.startswith("#") and len(href) > 1:
            el.set("href", "#" + prefix + href[1:].replace(":", "-"))
    for el in section.iter(x("a")):
        href = el.get("href", "")
        if href.startswith("#") and href[1:] not in seen and href[1:] != section.get("id"):
            del el.attrib["href"]  # a link to nowhere is an EPUBCheck error; keep the text


def _embed_images(section: etree._Element, names: dict[str, str], shown: str) -> None:
    """Point each img at its embedded copy."""
    for img in section.iter(x("img")):
        src = img.get("src", "")
        if src not in names:
            raise InputError(
                f"{shown}: image '{src}' could not be resolved; link images as "
                "![alt](images/NAME.png) relative to the course folder"
            )
        img.set("src", names[src])


def _mark_notes(section: etree._Element) -> None:
    """Footnotes get EPUB semantics so readers can show them as pop-ups."""
    for a in section.iter(x("a")):
        if "footnote-ref" in a.get("class", ""):
            a.set(EPUB_TYPE, "noteref")
    for div in section.iter(x("div")):
        if "footnote" in div.get("class", "").split():
            div.tag = x("aside")
            div.set(EPUB_TYPE, "footnotes")
            for hr in div.findall(x("hr")):
                div.remove(hr)


def el(
    tag: str, text: str | None = None, parent: etree._Element | None = None, **attrs: str
) -> etree._Element:
    """Build an XHTML element (attrs with a trailing underscore lose it: class_)."""
    attrs = {k.rstrip("_"): v for k, v in attrs.items() if v is not None}
    node = (
        etree.SubElement(parent, x(tag), attrs)
        if parent is not None
        else etree.Element(x(tag), attrs, nsmap={None: XHTML})
    )
    node.text = text
    return node


def page(
    title: str,
    lang: str,
    body: list[etree._Element],
    epub_type: str | None = None,
    css: str = "style/book.css",
) -> bytes:
    """A complete XHTML5 document with lang and xml:lang, linking the book's CSS."""
    root = etree.Element(x("html"), nsmap={None: XHTML, "epub": EPUB_NS})
    root.set("lang", lang)
    root.set(XML_LANG, lang)
    head = el("head", parent=root)
    el("meta", parent=head, charset="utf-8")
    el("title", title, parent=head)
    el("link", parent=head, rel="stylesheet", type="text/css", href=css)
    body_el = el("body", parent=root)
    if epub_type:
        body_el.set(EPUB_TYPE, epub_type)
    for node in body:
        body_el.append(node)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True, doctype="<!DOCTYPE html>")

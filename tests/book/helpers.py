"""Reading a built EPUB the way a reader app does: zip, OPF, nav, NCX, pages."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from pipeline.course import Course

NS = {
    "h": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
}


def load(root: Path, slug: str) -> Course:
    """A course of a test project (no environment variables needed)."""
    return Course.load(slug, root)


class Epub:
    """An EPUB opened for inspection: every XML file parsed strictly."""

    def __init__(self, path: Path):
        self.zip = zipfile.ZipFile(path)

    def xml(self, name: str) -> etree._Element:
        """Parse a file of the book as XML (fails on anything that is not well-formed)."""
        return etree.fromstring(self.zip.read(f"EPUB/{name}"))

    def pages(self) -> list[str]:
        """Every XHTML file in the book."""
        return [n[5:] for n in self.zip.namelist() if n.endswith(".xhtml")]

    def opf(self) -> etree._Element:
        return self.xml("content.opf")


def nav_toc(book: Epub) -> list[tuple]:
    """(title, href, children) from nav.xhtml's toc nav."""
    nav = book.xml("nav.xhtml").find(".//h:nav[@epub:type='toc']", NS)
    return _html_list(nav.find("h:ol", NS))


def html_toc(book: Epub) -> list[tuple]:
    """(title, href, children) from the linked HTML contents page."""
    sec = book.xml("contents.xhtml").find(".//h:section[@epub:type='toc']", NS)
    return _html_list(sec.find("h:ol", NS))


def _html_list(ol) -> list[tuple]:
    out = []
    for li in ol.findall("h:li", NS):
        a = li.find("h:a", NS)
        sub = li.find("h:ol", NS)
        out.append((a.text, a.get("href"), _html_list(sub) if sub is not None else []))
    return out


def ncx_toc(book: Epub) -> list[tuple]:
    """(title, href, children) from toc.ncx's navMap."""
    return _ncx_points(book.xml("toc.ncx").find("ncx:navMap", NS))


def _ncx_points(parent) -> list[tuple]:
    return [
        (
            p.find("ncx:navLabel/ncx:text", NS).text,
            p.find("ncx:content", NS).get("src"),
            _ncx_points(p),
        )
        for p in parent.findall("ncx:navPoint", NS)
    ]

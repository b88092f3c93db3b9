"""What calibre, EPUBCheck and Kindle's guidelines look at: accessibility metadata, the
spine without a cover page, the NCX depth, and epub:type values from the vocabulary."""

from __future__ import annotations

import pytest
from PIL import Image

from pipeline.book import a11y
from pipeline.stages import book
from tests.book.helpers import NS, Epub, load
from tests.conftest import cut_example, make_project

LECTURE = "courses/example/lectures/01-01-why-comprehensions.md"
ALT = "A bar chart: the comprehension runs faster than the loop"

# EPUB 3 Structural Semantics Vocabulary 1.1 (https://www.w3.org/TR/epub-ssv-11/), the
# terms allowed in HTML, without the deprecated ones and the removed EDUPUB drafts.
SSV = set(
    """
    backmatter bodymatter cover frontmatter chapter division part volume abstract afterword
    conclusion epigraph epilogue foreword introduction preamble preface prologue landmarks
    loa loi lot lov toc appendix colophon credits bibliography antonym-group condensed-entry
    def dictentry dictionary etymology example gram-info idiom part-of-speech
    part-of-speech-list part-of-speech-group phonetic-transcription phrase-list phrase-group
    sense-list sense-group synonym-group tran tran-info glossary glossdef glossterm index
    index-editor-note index-entry index-entry-list index-group index-headnotes index-legend
    index-locator index-locator-list index-locator-range index-term index-term-categories
    index-term-category index-xref-preferred index-xref-related acknowledgments contributors
    copyright-page dedication errata halftitlepage imprimatur imprint other-credits
    revision-history titlepage notice pullquote tip covertitle fulltitle halftitle subtitle
    title learning-objective learning-resource assessment qna balloon panel panel-group
    sound-area text-area endnotes footnote footnotes backlink biblioref glossref noteref
    concluding-sentence credit keyword topic-sentence page-list pagebreak
    """.split()
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The (cut) example book, built and EPUBChecked once for this module."""
    root = make_project(tmp_path_factory.mktemp("sem") / "proj")
    cut_example(root)
    course = load(root, "example")
    book.run(course)
    return course


@pytest.fixture(scope="module")
def pictured(tmp_path_factory):
    """The example book with one described image in its first lecture."""
    root = make_project(tmp_path_factory.mktemp("pic") / "proj")
    cut_example(root)
    chart = root / "courses/example/images/chart.png"
    chart.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (400, 240), "teal").save(chart)
    lecture = root / LECTURE
    lecture.write_text(lecture.read_text() + f"\n\n![{ALT}](images/chart.png)\n")
    course = load(root, "example")
    book.run(course)
    return course


def _metas(course) -> dict[str, list[str]]:
    """The OPF's <meta property=...> values by property (refines excluded)."""
    out: dict[str, list[str]] = {}
    for m in Epub(course.epub_path).opf().iterfind("opf:metadata/opf:meta[@property]", NS):
        if not m.get("refines"):
            out.setdefault(m.get("property"), []).append(m.text)
    return out


def _clean(course) -> None:
    head = book.report_path(course).read_text().splitlines()[0]
    assert "0 errors, 0 warnings" in head, book.report_path(course).read_text()


def test_text_only_book_declares_textual_access_and_its_navigation(built):
    _clean(built)
    m = _metas(built)
    assert m["schema:accessMode"] == ["textual"]
    assert m["schema:accessModeSufficient"] == ["textual"]
    assert set(m["schema:accessibilityFeature"]) == {
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "index",
    }
    assert m["schema:accessibilityHazard"] == ["none"]
    [summary] = m["schema:accessibilitySummary"]
    assert "no images" in summary and "table of contents" in summary


def test_book_with_a_described_image_declares_visual_mode_and_alternative_text(pictured):
    _clean(pictured)
    m = _metas(pictured)
    assert sorted(m["schema:accessMode"]) == ["textual", "visual"]
    assert m["schema:accessModeSufficient"] == ["textual"]
    assert "alternativeText" in m["schema:accessibilityFeature"]
    [summary] = m["schema:accessibilitySummary"]
    assert "image has a text description" in summary
    alts = [
        i.get("alt") for i in Epub(pictured.epub_path).xml("ch01.xhtml").iter(f"{{{NS['h']}}}img")
    ]
    assert alts == [ALT]


def test_an_image_without_alt_text_is_not_claimed_as_described():
    page = (
        b'<html xmlns="http://www.w3.org/1999/xhtml"><body><h1>T</h1>'
        b'<img src="a.png" alt="A chart"/><img src="b.png" alt=" "/></body></html>'
    )
    m: dict[str, list[str]] = {}
    for prop, value, _ in a11y.metadata(a11y.facts([page]), "en"):
        m.setdefault(prop, []).append(value)
    assert sorted(m["schema:accessMode"]) == ["textual", "visual"]
    assert m["schema:accessModeSufficient"] == ["textual,visual"]
    assert "alternativeText" not in m["schema:accessibilityFeature"]
    assert "1 of 2 images" in m["schema:accessibilitySummary"][0]


def test_cover_is_the_cover_image_and_not_a_page_in_the_spine(built):
    epub = Epub(built.epub_path)
    opf = epub.opf()
    items = {i.get("id"): i for i in opf.iterfind("opf:manifest/opf:item", NS)}
    spine = [r.get("idref") for r in opf.iterfind("opf:spine/opf:itemref", NS)]
    cover = opf.find("opf:manifest/opf:item[@properties='cover-image']", NS)
    assert opf.find("opf:metadata/opf:meta[@name='cover']", NS).get("content") == cover.get("id")
    pages = [items[i].get("href") for i in spine]
    assert pages[0] == "title.xhtml", pages
    for href in pages:
        page = epub.xml(href)
        assert "cover" not in page.find("h:body", NS).get(f"{{{NS['epub']}}}type", "")
        srcs = [i.get("src") for i in page.iter(f"{{{NS['h']}}}img")]
        assert cover.get("href") not in srcs, href
    # Every landmark and guide entry still points at a page the reader can reach.
    landmarks = epub.xml("nav.xhtml").find(".//h:nav[@epub:type='landmarks']", NS)
    hrefs = [a.get("href") for a in landmarks.iterfind(".//h:a", NS)]
    hrefs += [r.get("href") for r in opf.iterfind("opf:guide/opf:reference", NS)]
    assert hrefs and {h.split("#")[0] for h in hrefs} <= set(pages)


def _nav_depth(ol) -> int:
    subs = [li.find("h:ol", NS) for li in ol.findall("h:li", NS)]
    return 1 + max((_nav_depth(s) for s in subs if s is not None), default=0)


def test_ncx_depth_is_the_depth_of_the_table_of_contents(built):
    epub = Epub(built.epub_path)
    nav = epub.xml("nav.xhtml").find(".//h:nav[@epub:type='toc']/h:ol", NS)
    ncx = epub.xml("toc.ncx")
    depth = ncx.find("ncx:head/ncx:meta[@name='dtb:depth']", NS).get("content")
    deepest = max(
        len(list(p.iterancestors(f"{{{NS['ncx']}}}navPoint"))) + 1
        for p in ncx.iter(f"{{{NS['ncx']}}}navPoint")
    )
    assert int(depth) == _nav_depth(nav) == deepest == 2


def test_every_epub_type_is_a_structural_semantics_term(built):
    epub = Epub(built.epub_path)
    used = {
        (page, token)
        for page in epub.pages()
        for e in epub.xml(page).iter()
        for token in (e.get(f"{{{NS['epub']}}}type") or "").split()
    }
    assert {t for _, t in used} and not {(p, t) for p, t in used if t not in SSV}
    answers = epub.xml("answers.xhtml").find(".//h:section[@class='answers']", NS)
    assert answers.get(f"{{{NS['epub']}}}type") == "appendix"

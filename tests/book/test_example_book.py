"""The example course as a book: EPUBCheck-clean, navigable, linked, with a KDP bundle."""

from __future__ import annotations

import re
import uuid

import pytest
from PIL import Image

from pipeline.book.cover import contrast
from pipeline.models import load_quiz
from pipeline.stages import book, kdp
from tests.book.helpers import NS, Epub, html_toc, load, nav_toc, ncx_toc
from tests.conftest import make_project
from tests.golden import assert_golden


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build the example book and KDP bundle once for this module (EPUBCheck is slow)."""
    root = make_project(tmp_path_factory.mktemp("book") / "proj")
    course = load(root, "example")
    book.run(course)
    kdp.run(course)
    return course


def test_epubcheck_reports_no_errors_and_no_warnings(built):
    report = book.report_path(built).read_text()
    assert report.startswith("EPUBCheck 5."), report
    assert "0 errors, 0 warnings" in report.splitlines()[0], report


def test_nav_ncx_and_html_contents_list_the_same_chapters(built):
    epub = Epub(built.epub_path)
    nav, ncx, html = nav_toc(epub), ncx_toc(epub), html_toc(epub)
    assert nav == ncx == html
    sections = [s.title for s in built.outline.sections]
    chapters = [t for t, _, kids in nav if kids]
    assert chapters == [f"Chapter {i}. {t}" for i, t in enumerate(sections, 1)]
    lectures = [t for _, _, kids in nav for t, _, _ in kids if t != "Review questions"]
    assert lectures == [lec.title for lec in built.outline.lectures]
    assert [t for t, _, kids in nav if not kids] == ["Answer key", "Index"]


def test_every_target_of_every_link_exists(built):
    epub = Epub(built.epub_path)
    ids = {p: {e.get("id") for e in epub.xml(p).iter() if e.get("id")} for p in epub.pages()}
    for page in epub.pages():
        for a in epub.xml(page).iterfind(".//h:a[@href]", NS):
            file, _, frag = a.get("href").partition("#")
            assert (file or page) in ids, (page, a.get("href"))
            assert not frag or frag in ids[file or page], (page, a.get("href"))


def test_every_quiz_question_links_to_its_answer_and_back(built):
    epub = Epub(built.epub_path)
    answers = epub.xml("answers.xhtml")
    total = 0
    for n, sec in enumerate(built.outline.sections, 1):
        quiz = load_quiz(built.quiz_path(sec.id))
        page = epub.xml(f"ch{n:02d}.xhtml")
        questions = page.findall(".//h:li[@id]", NS)
        questions = [q for q in questions if q.get("id").startswith("q-")]
        assert len(questions) == len(quiz.questions)
        for q in questions:
            link = q.find(".//h:p[@class='answer-link']/h:a", NS)
            target = link.get("href").split("#")[1]
            answer = answers.find(f".//h:li[@id='{target}']", NS)
            assert answer is not None, target
            back = answer.find(".//h:p[@class='back-link']/h:a", NS).get("href")
            assert back == f"ch{n:02d}.xhtml#{q.get('id')}"
            total += 1
    assert total == 22


def test_answer_key_names_the_correct_options(built):
    answers = Epub(built.epub_path).xml("answers.xhtml")
    first = answers.find(".//h:li[@id='a-01-01']/h:p", NS).text
    assert first.startswith("Correct: (a) A loop that starts with an empty list")


def test_cover_is_a_1600x2560_jpeg_and_legible_as_a_thumbnail(built):
    img = Image.open(book.cover_path(built))
    assert img.format == "JPEG" and img.size == (1600, 2560)
    assert img.height / img.width == 1.6
    thumb = img.convert("RGB").resize((160, 256), Image.LANCZOS)
    bg = thumb.getpixel((2, 2))
    rows = [y for y in range(256) if any(_far(thumb.getpixel((x, y)), bg) for x in range(160))]
    bands = _bands(rows)
    # The title's first line is the first band of ink: at least 9 px tall at 160 px wide.
    assert bands[0][1] - bands[0][0] + 1 >= 9, bands
    ink = max(
        ((x, bands[0][0] + 4) for x in range(160)),
        key=lambda p: sum(abs(a - b) for a, b in zip(thumb.getpixel(p), bg, strict=True)),
    )
    hexes = ["#{:02x}{:02x}{:02x}".format(*c) for c in (thumb.getpixel(ink), bg)]
    assert contrast(*hexes) >= 4.5
    assert any(b[0] > 200 for b in bands), "author line missing at the bottom"


def _far(a, b) -> bool:
    return sum(abs(x - y) for x, y in zip(a, b, strict=True)) > 150


def _bands(rows: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for y in rows:
        if out and y == out[-1][1] + 1:
            out[-1] = (out[-1][0], y)
        else:
            out.append((y, y))
    return out


def test_cover_is_in_the_epub_as_cover_image(built):
    opf = Epub(built.epub_path).opf()
    item = opf.find(".//opf:item[@properties='cover-image']", NS)
    assert item.get("media-type") == "image/jpeg"


def test_metadata_and_stable_identifier(built):
    opf = Epub(built.epub_path).opf()
    book_id = (built.state_dir / "book-id").read_text().strip()
    uuid.UUID(book_id)
    assert opf.find(".//dc:identifier", NS).text == f"urn:uuid:{book_id}"
    titles = [t.text for t in opf.findall(".//dc:title", NS)]
    assert titles == [built.topic.title, built.topic.subtitle]
    assert opf.find(".//dc:language", NS).text == "en"
    assert opf.find(".//dc:creator", NS).text == "The Lectern Team"
    assert opf.find(".//dc:publisher", NS).text == "Lectern Press"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", opf.find(".//dc:date", NS).text)
    assert "comprehensions and generators" in opf.find(".//dc:description", NS).text
    assert len(opf.findall(".//dc:subject", NS)) == 7


def test_pages_carry_lang_and_code_is_highlighted_and_wrapped(built):
    epub = Epub(built.epub_path)
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    for page in epub.pages():
        root = epub.xml(page)
        assert root.get("lang") == root.get(lang) == "en", page
    ch1 = epub.xml("ch01.xhtml")
    code = ".//h:div[@class='codehilite']/h:pre/h:code/h:span[@class='{}']"
    assert ch1.find(code.format("k"), NS).text == "for"
    assert ch1.find(code.format("ow"), NS).text == "in"
    css = epub.zip.read("EPUB/style/book.css").decode()
    assert "white-space: pre-wrap" in css and "prefers-color-scheme: dark" in css
    assert ".codehilite .k {" in css


def test_index_links_key_terms_to_lectures(built):
    index = Epub(built.epub_path).xml("index.xhtml")
    items = {
        li.text.rstrip(": "): [a.get("href") for a in li.findall("h:a", NS)]
        for li in index.iterfind(".//h:li", NS)
    }
    assert items["yield"][-1] == "ch04.xhtml#04-02-generator-gotchas"
    assert "ch01.xhtml#01-01-why-comprehensions" in items["accumulator pattern"]
    assert len(items) == len({t for lec in built.outline.lectures for t in lec.key_terms})


def test_unchanged_book_is_not_rebuilt(built):
    before = built.epub_path.stat().st_ino
    book.run(built)
    assert built.epub_path.stat().st_ino == before


def test_kdp_bundle_and_listing_match_golden(built):
    folder = kdp.out_dir(built)
    assert (folder / "example.epub").read_bytes() == built.epub_path.read_bytes()
    assert (folder / "cover.jpg").read_bytes() == book.cover_path(built).read_bytes()
    text = (folder / "listing.md").read_text()
    assert_golden("book/listing.md", text)
    desc = text.split("```html\n")[1].split("\n```")[0]
    assert len(desc) <= 4000
    assert set(re.findall(r"</?(\w+)", desc)) <= {"p", "h4", "ul", "li", "b", "i", "br", "ol"}
    keywords = re.findall(r"^\d\. (.+)$", text.split("## Keywords")[1].split("##")[0], re.M)
    assert len(keywords) == 7

"""Put the pages, images, CSS, metadata and navigation together into an EPUB 3 file."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ebooklib import epub
from lxml import etree

from pipeline.book import a11y, matter
from pipeline.book.css import stylesheet
from pipeline.book.images import compress, embedded_name
from pipeline.book.matter import TocEntry, labels
from pipeline.book.sources import Sources
from pipeline.book.xhtml import LectureHtml, convert, page
from pipeline.course import Course
from pipeline.fsutil import atomic_write_bytes
from pipeline.models import Quiz, Section

CSS = "style/book.css"
ANSWERS = "answers.xhtml"


class Page(epub.EpubHtml):
    """An XHTML page Lectern serialised itself (ebooklib would re-parse it as HTML)."""

    def get_content(self, default=None):
        return self.content


@dataclass
class Chapter:
    """One section of the course as a chapter file."""

    number: int
    section: Section
    file: str
    lectures: list[LectureHtml]
    quiz: Quiz | None


class Builder:
    """Collects the book's items, spine, TOC entries and landmarks while pages are added."""

    def __init__(self, course: Course, src: Sources, cover_jpeg: bytes):
        self.course, self.src, self.topic = course, src, course.topic
        self.lang = self.topic.language
        self.book = epub.EpubBook()
        self.images: dict[str, bytes] = {}
        self.toc: list[TocEntry] = []
        self.spine: list[epub.EpubHtml] = []
        self.cover_jpeg = cover_jpeg

    def add_page(
        self,
        file: str,
        title: str,
        body: list,
        epub_type: str | None = None,
        guide: str | None = None,
    ) -> Page:
        """Add an XHTML page to the manifest and spine (and the guide/landmarks)."""
        item = Page(uid=file.split(".")[0], file_name=file, title=title, lang=self.lang)
        item.content = page(title, self.lang, body, epub_type, CSS)
        self.book.add_item(item)
        self.spine.append(item)
        if guide:
            self.book.guide.append({"type": guide, "href": file, "title": title})
        return item

    def lecture(self, lec, shown: str) -> LectureHtml:
        """Convert one lecture, embedding its images."""
        names = {r.src: self.embed(r.path, shown) for r in self.src.images.get(lec.id, [])}
        return convert(self.src.lectures[lec.id], lec.id, lec.title, names, shown)

    def embed(self, path: Path, shown: str) -> str:
        """Compress an image once and return its name inside the EPUB."""
        data, ext = compress(path, shown)
        name = embedded_name(data, ext)
        self.images[name] = data
        return name


def build(course: Course, src: Sources, cover_jpeg: bytes, out: Path) -> list[TocEntry]:
    """Write the EPUB to `out`; return the TOC entries (the tests compare them)."""
    b = Builder(course, src, cover_jpeg)
    _metadata(b)
    _front_matter(b)
    chapters = _chapters(b)
    for ch in chapters:
        _chapter_page(b, ch)
    _back_matter(b, chapters)
    _contents(b)
    _finish(b, out)
    return b.toc


def _metadata(b: Builder) -> None:
    """Title, subtitle, author, language, identifier, description, subjects, publisher, date."""
    t, book = b.topic, b.book
    book.set_identifier(f"urn:uuid:{b.src.book_id}")
    book.title = t.title  # set_title() would add a dc:title without the id refines needs
    book.add_metadata("DC", "title", t.title, {"id": "book-title"})
    book.set_language(t.language)
    book.add_metadata(None, "meta", "main", {"refines": "#book-title", "property": "title-type"})
    if t.subtitle:
        book.add_metadata("DC", "title", t.subtitle, {"id": "subtitle"})
        book.add_metadata(
            None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"}
        )
    book.add_author(t.author, uid="creator")
    book.add_metadata(
        None, "meta", "aut", {"refines": "#creator", "property": "role", "scheme": "marc:relators"}
    )
    book.add_metadata("DC", "publisher", t.book.publisher or t.author)
    book.add_metadata("DC", "date", dt.date.today().isoformat())
    book.add_metadata(
        "DC",
        "rights",
        labels(t.language)["rights"].format(year=dt.date.today().year, author=t.author),
    )
    book.add_metadata("DC", "description", t.book.description or t.subtitle or t.title)
    for subject in keywords_for(b.course):
        book.add_metadata("DC", "subject", subject)


def keywords_for(course: Course) -> list[str]:
    """book.keywords, else the outline's key terms (first seen first, no duplicates)."""
    given = course.topic.book.keywords
    return list(dict.fromkeys(given)) if given else keywords_from_outline(course)


def _front_matter(b: Builder) -> None:
    """Cover image, title page, copyright page (the contents page is inserted later)."""
    t, lab = b.topic, labels(b.lang)
    # The cover is the cover-image item and <meta name="cover"> only: Kindle's guidelines
    # say it must not also be an HTML page in the content (it would show twice).
    b.book.set_cover("images/cover.jpg", b.cover_jpeg, create_page=False)
    b.add_page(
        "title.xhtml",
        t.title,
        matter.title_page(t.title, t.subtitle, t.author, t.book.publisher),
        "frontmatter",
    )
    model = f"{t.llm.provider} {t.llm.model}" if t.uses_llm else None
    b.add_page(
        "copyright.xhtml",
        lab["copyright"],
        matter.copyright_page(
            b.lang,
            t.author,
            dt.date.today().year,
            t.book.publisher,
            model,
            f"urn:uuid:{b.src.book_id}",
        ),
        "frontmatter",
        guide="copyright-page",
    )
    if b.src.preface:
        shown = "topic.yaml (book.preface)"
        names = {r.src: b.embed(r.path, shown) for r in b.src.images.get("preface", [])}
        pre = convert(b.src.preface, "preface", lab["preface"], names, shown)
        nodes = [n for n in pre.section][1:]  # drop the h2 convert added; the page has h1
        b.add_page(
            "preface.xhtml",
            lab["preface"],
            matter.preface_page(b.lang, nodes),
            "frontmatter",
            guide="preface",
        )
        b.toc.append(TocEntry(lab["preface"], "preface.xhtml"))


def _chapters(b: Builder) -> list[Chapter]:
    """Convert every lecture, grouped by section."""
    from pipeline.book.sources import shown

    chapters = []
    for n, sec in enumerate(b.course.outline.sections, 1):
        lectures = [
            b.lecture(lec, shown(b.course, b.course.lecture_path(lec.id))) for lec in sec.lectures
        ]
        chapters.append(Chapter(n, sec, f"ch{n:02d}.xhtml", lectures, b.src.quizzes[sec.id]))
    return chapters


def _chapter_page(b: Builder, ch: Chapter) -> None:
    """A chapter: its title, its lectures as sub-sections, then its review questions."""
    lab = labels(b.lang)
    title = lab["chapter"].format(n=ch.number, title=ch.section.title)
    body = matter.el("section", class_="chapter", id=ch.section.id)
    body.set(matter.EPUB_TYPE, "chapter")
    matter.el("h1", title, parent=body)
    for lec in ch.lectures:
        body.append(lec.section)
    if ch.quiz:
        body.append(matter.review_section(b.lang, ch.number, ch.quiz, ANSWERS))
    b.add_page(ch.file, title, [body], "bodymatter", guide="text" if ch.number == 1 else None)
    children = [TocEntry(lec.title, f"{ch.file}#{lec.section.get('id')}") for lec in ch.lectures]
    if ch.quiz:
        children.append(TocEntry(lab["review"], f"{ch.file}#review-{ch.number:02d}"))
    b.toc.append(TocEntry(title, ch.file, children))


def _back_matter(b: Builder, chapters: list[Chapter]) -> None:
    """The answer key (when any chapter has questions) and the index of key terms."""
    lab = labels(b.lang)
    quizzed = [(c.number, c.section.title, c.file, c.quiz) for c in chapters if c.quiz]
    if quizzed:
        b.add_page(ANSWERS, lab["answers"], matter.answers_page(b.lang, quizzed), "backmatter")
        b.toc.append(TocEntry(lab["answers"], ANSWERS))
    terms = _index_terms(b, chapters)
    if terms:
        b.add_page(
            "index.xhtml",
            lab["index"],
            matter.index_page(b.lang, terms),
            "backmatter",
            guide="index",
        )
        b.toc.append(TocEntry(lab["index"], "index.xhtml"))


def _index_terms(b: Builder, chapters: list[Chapter]) -> dict[str, list[tuple[str, str]]]:
    """Each outline key term -> (lecture title, link) of lectures listing or using it."""
    listed = {lec.id: {t.casefold() for t in lec.key_terms} for lec in b.course.outline.lectures}
    terms: dict[str, list[tuple[str, str]]] = {}
    for term in keywords_from_outline(b.course):
        for ch in chapters:
            for lec in ch.lectures:
                lid = lec.section.get("id")
                if term.casefold() in listed[lid] or matter.term_uses(term, lec.text):
                    terms.setdefault(term, []).append((lec.title, f"{ch.file}#{lid}"))
    return terms


def keywords_from_outline(course: Course) -> list[str]:
    """The outline's key terms, without duplicates."""
    seen: dict[str, str] = {}
    for lec in course.outline.lectures:
        for term in lec.key_terms:
            seen.setdefault(term.casefold(), term)
    return list(seen.values())


def _contents(b: Builder) -> None:
    """The HTML contents page goes right after the copyright page (before the preface)."""
    lab = labels(b.lang)
    item = b.add_page("contents.xhtml", lab["contents"], matter.contents_page(b.lang, b.toc), None)
    b.spine.remove(item)
    after = next(i for i, p in enumerate(b.spine) if p.file_name == "copyright.xhtml") + 1
    b.spine.insert(after, item)
    # Landmarks in reading order: the contents page comes right after the copyright page.
    at = next(i for i, g in enumerate(b.book.guide) if g["href"] == "copyright.xhtml") + 1
    b.book.guide.insert(at, {"type": "toc", "href": "contents.xhtml", "title": lab["contents"]})


def _finish(b: Builder, out: Path) -> None:
    """Images, CSS, nav, NCX, spine; then write the file."""
    for name, data in sorted(b.images.items()):
        b.book.add_item(
            epub.EpubImage(
                uid=PurePosixPath(name).stem, file_name=name, media_type=_media(name), content=data
            )
        )
    b.book.add_item(
        epub.EpubItem(
            uid="css", file_name=CSS, media_type="text/css", content=stylesheet().encode()
        )
    )
    b.book.toc = [_ebook_toc(e, f"t{i}") for i, e in enumerate(b.toc)]
    nav = epub.EpubNav(title=labels(b.lang)["contents"])
    nav.add_link(href=CSS, rel="stylesheet", type="text/css")
    b.book.add_item(nav)
    b.book.add_item(epub.EpubNcx())
    b.book.spine = b.spine
    _accessibility(b)
    # Zipped in memory, then written at once: on a full disk ebooklib would leave a zip
    # half-closed (and a traceback at exit); atomic_write_bytes says how much is needed.
    buf = io.BytesIO()
    writer = Writer(
        buf,
        b.book,
        {
            "epub3_pages": False,
            "raise_exceptions": True,
            "landmark_title": labels(b.lang)["landmarks"],
        },
    )
    writer.process()
    writer.write()
    atomic_write_bytes(out, buf.getvalue())


def _accessibility(b: Builder) -> None:
    """schema.org accessibility metadata that follows from the pages in the spine."""
    found = a11y.facts([p.content for p in b.spine])
    for prop, value, attrs in a11y.metadata(found, b.lang):
        b.book.add_metadata(None, "meta", value, {"property": prop, **attrs})


class Writer(epub.EpubWriter):
    """ebooklib's writer, with the NCX's dtb:depth set to the navMap's real depth."""

    def _get_ncx(self):
        """The NCX ebooklib builds, with dtb:depth counted from its navPoints."""
        root = etree.fromstring(super()._get_ncx())
        ncx = "{http://www.daisy.org/z3986/2005/ncx/}"
        points = list(root.iter(f"{ncx}navPoint"))
        # ebooklib always writes 0; readers use the depth to lay out nested entries.
        depth = max((len(list(p.iterancestors(f"{ncx}navPoint"))) + 1 for p in points), default=0)
        root.find(f"{ncx}head/{ncx}meta[@name='dtb:depth']").set("content", str(depth))
        return etree.tostring(root, pretty_print=True, encoding="utf-8", xml_declaration=True)


def _ebook_toc(entry: TocEntry, uid: str):
    """A TocEntry as ebooklib's Link / (Section, children)."""
    if not entry.children:
        return epub.Link(entry.href, entry.title, uid)
    kids = [epub.Link(c.href, c.title, f"{uid}-{i}") for i, c in enumerate(entry.children)]
    return (epub.Section(entry.title, href=entry.href), kids)


def _media(name: str) -> str:
    return "image/png" if name.endswith(".png") else "image/jpeg"

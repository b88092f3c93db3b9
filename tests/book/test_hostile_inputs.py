"""Files the book takes from a course stay inside it; odd but valid inputs still make an
EPUB that EPUBCheck passes; broken text is a located error."""

from __future__ import annotations

import re

import pytest
from PIL import Image

from pipeline.book.images import compress
from pipeline.errors import ConfigError, InputError
from pipeline.fsutil import sha256_bytes
from pipeline.stages import book
from tests.book.helpers import NS, Epub, load
from tests.conftest import cut_example

LECTURE = "courses/example/lectures/01-01-why-comprehensions.md"


@pytest.fixture
def project(project):
    """The example cut to three lectures: these tests need a course, not all of it."""
    cut_example(project)
    return project


def _diagram_with_digit_hash(path) -> str:
    """A small diagram whose embedded (compressed) bytes hash to a leading digit, as 10 of
    every 16 do; returns that hash."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for shade in range(256):
        Image.new("RGB", (40, 30), (shade, 90, 160)).save(path)
        digest = sha256_bytes(compress(path, "test")[0])
        if digest[0].isdigit():
            return digest
    raise AssertionError("no variant hashed to a leading digit")


def test_an_image_whose_hash_starts_with_a_digit_passes_epubcheck(project):
    digest = _diagram_with_digit_hash(project / "courses/example/images/diagram.png")
    lecture = project / LECTURE
    lecture.write_text(lecture.read_text() + "\n![A diagram](images/diagram.png)\n")
    course = load(project, "example")
    book.run(course)  # raises when EPUBCheck finds an error
    assert "0 errors" in book.report_path(course).read_text().splitlines()[0]
    item = (
        Epub(course.epub_path).opf().find(f".//opf:item[@href='images/img-{digest[:16]}.png']", NS)
    )
    assert item is not None and item.get("id") == f"img-{digest[:16]}"


def _topic(root, extra: str) -> None:
    topic = root / "courses/example/topic.yaml"
    topic.write_text(topic.read_text().replace("book:\n", f"book:\n{extra}", 1))


def _book_error(root, kind=InputError) -> str:
    with pytest.raises(kind) as e:
        book.run(load(root, "example"))
    assert not (root / "output/example/book/example.epub").exists()
    return e.value.message


def test_book_files_outside_the_course_are_refused(project, tmp_path):
    secret = tmp_path / "private.jpg"
    Image.new("RGB", (1600, 2560), "navy").save(secret)
    (project / "courses/example/images").mkdir()
    (project / "courses/example/images/link.jpg").symlink_to(secret)
    lecture = project / LECTURE
    good = lecture.read_text()
    lecture.write_text(good + "\n![x](images/link.jpg)\n")
    line = len(lecture.read_text().splitlines())
    tail = (
        f"; copy the file into {project}/courses/example/ or {project}/assets/ and name it "
        "from there"
    )
    assert _book_error(project) == (
        f"{LECTURE}:{line}: image 'images/link.jpg' is outside the course (it is {secret}, "
        f"symlinks followed){tail}"
    )
    lecture.write_text(good)
    topic = project / "courses/example/topic.yaml"
    _topic(project, f"  cover: {secret}\n")
    assert _book_error(project, ConfigError) == (
        f"{topic}: book.cover: file '{secret}' is outside the course (it is {secret}, "
        f"symlinks followed){tail}"
    )
    topic.write_text(topic.read_text().replace(f"  cover: {secret}\n", ""))
    (project / ".lectern-notes.md").write_text("# Private notes\n")
    _topic(project, "  preface: ../../.lectern-notes.md\n")
    assert _book_error(project, ConfigError) == (
        f"{topic}: book.preface: file '../../.lectern-notes.md' is outside the course (it is "
        f"{project}/.lectern-notes.md, symlinks followed){tail}"
    )


def test_a_lecture_that_is_not_utf8_names_its_line(project):
    lecture = project / LECTURE
    data = lecture.read_bytes()
    lecture.write_bytes(data + "\nCrème brûlée.\n".encode("latin-1"))
    line, offset = data.count(b"\n") + 2, len(data) + 3
    assert _book_error(project) == (
        f"{project / LECTURE}:{line}: not UTF-8 text (byte 0xe8 at byte {offset} of the file); "
        "save it as UTF-8 (in most editors: Save with Encoding > UTF-8)"
    )


def test_a_lecture_image_that_is_not_an_image_names_its_line(project):
    (project / "courses/example/images").mkdir()
    (project / "courses/example/images/shot.png").write_text("<html>not an image</html>")
    lecture = project / LECTURE
    lecture.write_text(lecture.read_text() + "\n![x](images/shot.png)\n")
    line = len(lecture.read_text().splitlines())
    assert re.fullmatch(
        rf"{LECTURE}:{line}: 'images/shot.png' is not an image Pillow can read "
        r"\(its content is not in any image format\); save it as PNG or JPEG",
        _book_error(project),
    )


def test_html_in_titles_is_text_in_the_kdp_listing(project):
    import markdown

    from pipeline.book import listing

    topic = project / "courses/example/topic.yaml"
    topic.write_text(
        topic.read_text()
        .replace(
            'title: "Python List Comprehensions and Generators"',
            'title: "Python <script>alert(1)</script> Generators"',
        )
        .replace("keywords: [python,", 'keywords: ["<b>python</b>",')
    )
    text = listing.render(load(project, "example"), "example.epub")
    assert "## Book title\n\n`Python <script>alert(1)</script> Generators`\n" in text
    assert "\n1. `<b>python</b>`\n" in text and "\n2. list comprehension\n" in text
    html = markdown.markdown(text, extensions=["fenced_code"])
    assert "<script>" not in html and "<b>python" not in html
    # The description stays in KDP's HTML subset, inside its code block, to paste as is.
    assert "<p>A compact, practical guide" in text.split("```html\n")[1]

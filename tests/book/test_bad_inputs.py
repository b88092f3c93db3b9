"""Bad input: raw HTML that is not XHTML, a missing image, too long a title, a missing quiz."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image

from pipeline.errors import ConfigError, InputError
from pipeline.stages import book, kdp
from tests.book.helpers import NS, Epub, load
from tests.conftest import cut_example, run_cli
from tests.themes import write_theme

LECTURE = "courses/example/lectures/01-01-why-comprehensions.md"
BROKEN_HTML = """
<div class="note"><P>Unclosed paragraph <b>bold <i>both</b> text<br>
<center><font color=red>Old-style centre</font></center>
<script>alert("stolen")</script><span onclick="evil()">clicky</span> &nbsp;&copy; 2024
<img src="images/photo.png" alt=photo width=3000>
<table><tr><td>cell one<td>cell two</table>
<p>para with <span><div>a div in a span</div></span></p>
<iframe src="http://example.com/x"></iframe><ul>loose text<li>item</ul>
</div>

A markdown image too: ![A photo](images/photo.png)
"""


@pytest.fixture
def project(project):
    """The example cut to three lectures: these tests need a course, not all of it."""
    cut_example(project)
    return project


def _set_title(root, title: str) -> None:
    topic = root / "courses/example/topic.yaml"
    text = re.sub(r"^title: .*$", f'title: "{title}"', topic.read_text(), flags=re.M)
    topic.write_text(text)


def _photo(path, size=(2400, 1500)) -> None:
    """A noisy gradient: a 'photograph' far over the 1600 px limit."""
    rng = np.random.default_rng(1)
    base = np.linspace(0, 255, size[0], dtype=np.float32)[None, :, None].repeat(size[1], 0)
    pixels = np.clip(base.repeat(3, 2) + rng.normal(0, 20, (size[1], size[0], 3)), 0, 255)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels.astype("uint8")).save(path)


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (1600, 2560), "navy").save(buf, "JPEG")
    return buf.getvalue()


def test_raw_html_is_sanitised_long_title_wraps_and_missing_quiz_is_fine(project, capsys):
    _photo(project / "courses/example/images/photo.png")
    lecture = project / LECTURE
    lecture.write_text(lecture.read_text() + BROKEN_HTML)
    long_title = (
        "A Very Long Title About Python Comprehensions, Generators, Iterators "
        "And Everything Else A Careful Programmer Might Want To Know Before "
        "Writing Another Loop In Production Code Today, Tomorrow, And Next Week"
    )[:200]
    assert len(long_title) == 200
    _set_title(project, long_title)
    (project / "courses/example/quizzes/02-beyond-lists.yaml").unlink()
    course = load(project, "example")
    book.run(course)
    kdp.run(course)

    assert "0 errors, 0 warnings" in book.report_path(course).read_text().splitlines()[0]
    epub = Epub(course.epub_path)
    ch1 = epub.xml("ch01.xhtml")  # strict XML parse: the page is well-formed XHTML
    text = " ".join(ch1.itertext())
    assert "Old-style centre" in text and "clicky" in text and "cell two" in text
    assert "stolen" not in text and ch1.find(".//h:script", NS) is None
    assert ch1.find(".//h:iframe", NS) is None and ch1.find(".//h:center", NS) is None
    assert not [e for e in ch1.iter() if "onclick" in e.attrib]

    images = [n for n in epub.zip.namelist() if n.startswith("EPUB/images/") and "cover" not in n]
    assert len(images) == 1, images  # the same photo used twice is stored once
    photo = Image.open(io.BytesIO(epub.zip.read(images[0])))
    assert photo.format == "JPEG" and max(photo.size) == 1600

    # No quiz for section 2: no review questions there, none in the answer key.
    assert epub.xml("ch02.xhtml").find(".//h:section[@class='review']", NS) is None
    assert epub.xml("answers.xhtml").find(".//h:h2[@id='answers-02']", NS) is None
    assert epub.xml("answers.xhtml").find(".//h:h2[@id='answers-01']", NS) is not None

    err = capsys.readouterr().err
    assert "fewer than 200" in err
    listing = (kdp.out_dir(course) / "listing.md").read_text()
    assert "**Warning:** Title and subtitle are" in listing


def test_long_title_wraps_inside_the_cover(project):
    from pipeline.book.cover import MARGIN, SIZE, fit_title

    title = "Comprehensions " * 13
    theme = load(project, "example").theme
    font, lines = fit_title(title.strip()[:200], SIZE[0] - 2 * MARGIN, 1500, theme)
    assert len(lines) > 3
    assert all(font.getlength(line) <= SIZE[0] - 2 * MARGIN for line in lines)
    assert len(lines) * font.size * 1.18 <= 1500


def test_missing_image_names_file_and_line(project):
    lecture = project / "courses/example/lectures/02-01-dict-and-set-comprehensions.md"
    lines = lecture.read_text().splitlines()
    lines.insert(4, "See the diagram: ![diagram](images/nope.png)")
    lecture.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as err:
        book.run(load(project, "example"))
    msg = err.value.message
    assert msg.startswith("courses/example/lectures/02-01-dict-and-set-comprehensions.md:5: ")
    assert "'images/nope.png' not found" in msg and "fix the path" in msg
    assert not (project / "output/example/book/example.epub").exists()


def test_remote_image_is_refused_with_its_line(project):
    lecture = project / LECTURE
    lecture.write_text("# T\n\n<img src='https://example.com/a.png'>\n")
    with pytest.raises(InputError, match=r"01-01-why-comprehensions\.md:3: .*not a local file"):
        book.run(load(project, "example"))


def test_300_character_title_is_a_clear_config_error(project):
    _set_title(project, "x" * 300)
    with pytest.raises(ConfigError) as err:
        load(project, "example")
    assert err.value.message.endswith("topic.yaml:3: title: is too long: at most 200 characters")
    proc = run_cli(project, "book", "example")
    assert proc.returncode == 1
    assert "topic.yaml:3: title: is too long: at most 200 characters" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_epubcheck_errors_fail_the_stage_with_its_messages(project, tmp_path):
    import zipfile

    from pipeline.book import sources
    from pipeline.book.assemble import build

    course = load(project, "example")
    good = tmp_path / "good.epub"
    build(course, sources.load(course), _jpeg(), good)  # built, not yet checked
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "EPUB/ch02.xhtml":
                data = data.replace(b'href="answers.xhtml#a-02-01"', b'href="nowhere.xhtml"')
            dst.writestr(info, data)
    with pytest.raises(book.EpubInvalid) as err:
        book._validate(course, broken)
    assert "KDP would reject" in err.value.message
    assert "ERROR(RSC-007) EPUB/ch02.xhtml" in err.value.message
    assert (project / "output/example/book/example.invalid.epub").exists()


def test_given_cover_is_fitted_to_kdp_size_with_a_warning(tmp_path, capsys):
    from pipeline.book import cover

    src = tmp_path / "square.png"
    Image.new("RGB", (1000, 1000), "teal").save(src)
    out = Image.open(io.BytesIO(cover.from_file(src, "topic.yaml")))
    assert out.format == "JPEG" and out.size == (1600, 2560)
    err = capsys.readouterr().err
    assert "ratio 1.00" in err and "only 1000 px tall" in err


def test_theme_colours_are_used_and_kept_legible(project):
    from pipeline.book import cover

    theme = project / "assets/themes/default/theme.yaml"
    write_theme(theme, title_background="102030", title_text="FFFFF0", accent="FF8800")
    course = load(project, "example")
    assert cover.palette(course.theme) == {
        "background": "#102030",
        "text": "#FFFFF0",
        "accent": "#FF8800",
    }
    book.run(course)
    img = Image.open(book.cover_path(course)).convert("RGB")
    assert all(
        abs(a - b) <= 6 for a, b in zip(img.getpixel((4, 4)), (0x10, 0x20, 0x30), strict=True)
    )
    write_theme(theme, title_background="FAFAFA", title_text="EEEEEE")
    assert cover.palette(load(project, "example").theme)["text"] == "#111111"  # unreadable


def test_a_broken_theme_stops_the_book_with_its_line(project):
    theme = project / "assets/themes/default/theme.yaml"
    theme.write_text(theme.read_text().replace('accent: "4F46E5"', 'accent: "indigo"'))
    with pytest.raises(ConfigError, match=r"theme\.yaml:\d+: colors\.accent"):
        book.run(load(project, "example"))

"""The static preview: pages, marks, review, links and the local server (no browser)."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request

import pytest

from pipeline import protect
from pipeline.course import Course
from pipeline.keys import Key
from pipeline.preview import build
from pipeline.preview.server import make_server
from tests.conftest import cut_example, run_cli
from tests.preview import fakemedia
from tests.preview.links import broken_links

LEC = "01-01-why-comprehensions"


@pytest.fixture
def project(project):
    """The example cut to three lectures: these tests need a course, not all of it."""
    cut_example(project)
    return project


@pytest.fixture
def course(project):
    """The example course in a throwaway project."""
    return Course.load("example", project)


def preview(course):
    """The preview folder."""
    return course.out / "preview"


def test_cli_writes_every_page_small_and_stamped(project):
    first = run_cli(project, "preview", "example")
    assert first.returncode == 0, first.stderr
    assert "9 files" in first.stdout and "9 changed" in first.stdout
    folder = project / "output" / "example" / "preview"
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        ["index.html", "outline.html", "style.css", "terms.html", "terms"]
        + [f"quiz-0{i}-{s}.html" for i, s in [(1, "comprehensions"), (2, "beyond-lists")]]
        + [f"lecture-{p.stem}.html" for p in (project / "courses/example/lectures").glob("*.md")]
    )
    total = sum(p.stat().st_size for p in folder.iterdir())
    assert total < 2 * 1024 * 1024, f"preview is {total} bytes"
    second = run_cli(project, "preview", "example")
    assert "0 changed" in second.stdout, second.stdout
    assert (project / "output/example/.stamps/preview/index.html.key").exists()


def test_pages_without_media_show_script_draft_and_quiz(course):
    build(course)
    page = (preview(course) / f"lecture-{LEC}.html").read_text()
    assert page.count('<li class="slide"') == 8  # the script has 8 slides
    assert "The same idea as a comprehension" in page
    assert "dollars = [cents / 100 for cents in prices_in_cents]" in page
    assert "<img" not in page and "<audio" not in page and "<video" not in page
    assert "make video TOPIC=example" in page
    syntax = (preview(course) / "lecture-02-01-dict-and-set-comprehensions.html").read_text()
    assert "<table>" in syntax and 'class="codehilite"' in syntax  # markdown rendered
    quiz = (preview(course) / "quiz-01-comprehensions.html").read_text()
    questions = course.quiz("01-comprehensions").questions
    assert quiz.count('<details class="answer">') == len(questions)
    outline = (preview(course) / "outline.html").read_text()
    assert "Rewrite a simple accumulator loop as a comprehension" in outline


def test_table_slide_shows_every_cell(course):
    path = course.slides_path(LEC)
    table = (
        "## [table] Loop or comprehension\n"
        "| Task | Use |\n|---|---|\n| Build a list | a comprehension |\n"
    )
    note = "Note:\nPick the comprehension when you build a list.\n"
    path.write_text(path.read_text() + f"\n---\n\n{table}\n{note}")
    build(course)
    page = (preview(course) / f"lecture-{LEC}.html").read_text()
    assert page.count('<li class="slide"') == 9
    box = page[page.index("Loop or comprehension") :]
    assert '<th scope="col">Task</th>' in box and "<td>a comprehension</td>" in box


def test_media_is_linked_not_copied_and_no_link_is_broken(course):
    fakemedia.make_frames(course, LEC)
    fakemedia.make_narration(course, LEC)
    fakemedia.make_video(course, LEC)
    build(course)
    page = (preview(course) / f"lecture-{LEC}.html").read_text()
    assert page.count(f'src="../frames/{LEC}/slide-') == 8
    assert 'alt="Slide 4: The same idea as a comprehension"' in page
    assert f'src="../audio/{LEC}/narration.wav#t=3.00,4.00"' in page
    assert '<track kind="captions"' in page and f"../video/{LEC}.vtt" in page
    assert not [p for p in preview(course).iterdir() if p.suffix in (".png", ".wav", ".mp4")]
    assert broken_links(preview(course)) == []
    home = (preview(course) / "index.html").read_text()
    assert "0 min 02 s" in home and "1 of 3" in home


def test_link_checker_catches_a_broken_link(course):
    build(course)
    page = preview(course) / "outline.html"
    page.write_text(page.read_text().replace("lecture-01-01", "lecture-99-01", 1))
    assert any("lecture-99-01" in p for p in broken_links(preview(course)))


def test_edited_file_and_waiting_proposal_are_marked_with_diff(course):
    path = course.lecture_path(LEC)
    original = path.read_text()
    protect.write(course.dir, path, original, Key("k1"), force=True)  # now pipeline-written
    path.write_text(original + "\nMy own closing words.\n")  # the person edits it
    assert (
        protect.write(course.dir, path, original + "\nA regenerated ending.\n", Key("k2"))
        == protect.PROPOSED
    )
    build(course)
    page = (preview(course) / f"lecture-{LEC}.html").read_text()
    assert "edited by hand" in page and "proposed version waiting" in page
    assert '<span class="add">+A regenerated ending.</span>' in page
    assert '<span class="del">-My own closing words.</span>' in page
    assert f"lectern resolve courses/example/lectures/{LEC}.md --take-proposed" in page
    home = (preview(course) / "index.html").read_text()
    assert "Regenerated versions waiting" in home
    # the edit also reopened the drafts checkpoint: the home page says how to approve
    assert "make approve TOPIC=example STAGE=drafts &amp;&amp; make course" in home
    assert broken_links(preview(course)) == []


def test_approved_example_has_nothing_waiting(course):
    build(course)
    home = (preview(course) / "index.html").read_text()
    assert "Nothing is waiting for review." in home
    assert "Python List Comprehensions and Generators" in home
    assert home.count('<a href="lecture-') == 3  # status rows link to lecture pages


def test_broken_outline_still_builds_and_says_where(course):
    course.outline_path.write_text("sections:\n  - id: bad id\n    title: x\n")
    message = build(course)
    assert "4 files" in message  # index, outline, css, terms; no lecture page can exist
    outline = (preview(course) / "outline.html").read_text()
    assert "outline.yaml" in outline and 'class="error"' in outline


def test_server_shows_the_course_but_not_secrets(course):
    build(course)
    (course.root / ".env").write_text("OPENAI_API_KEY=sk-secret\n")
    server = make_server(course, 0)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    ).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with urllib.request.urlopen(base + "/") as r:  # redirected to the home page
            assert r.url.endswith("/output/example/preview/index.html")
            assert b"Python List Comprehensions" in r.read()
        with urllib.request.urlopen(f"{base}/courses/example/lectures/{LEC}.md") as r:
            assert r.headers["Content-Type"].startswith("text/plain")
        for path in (
            "/.env",
            "/output/example/../../.env",
            "/courses/example/.lectern/x",
            "/pyproject.toml",
            "/output/.cache/",
        ):
            with pytest.raises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(base + path)
            assert e.value.code == 404, path
    finally:
        server.shutdown()
        server.server_close()

"""End to end in headless Chromium: navigate, play narration, captions, quiz, screenshots."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.course import Course
from pipeline.preview import build
from tests.conftest import REPO
from tests.preview import fakemedia
from tests.preview.links import broken_links

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
LEC = "01-01-why-comprehensions"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs the Debian chromium at /usr/bin/chromium "
    "(apt-get install chromium); nothing is downloaded",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The example preview with frames, narration and a video for the first lecture."""
    from tests.conftest import make_project

    root = make_project(tmp_path_factory.mktemp("browser") / "proj")
    course = Course.load("example", root)
    fakemedia.make_frames(course, LEC)
    fakemedia.make_narration(course, LEC)
    fakemedia.make_video(course, LEC)
    build(course)
    return course


@pytest.fixture(scope="module")
def page(site):
    """A Chromium page; the browser is the system one, never a downloaded build."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        tab = browser.new_page(viewport={"width": 1280, "height": 900})
        tab.set_default_timeout(15_000)
        yield tab
        browser.close()


def home_url(course) -> str:
    return (course.out / "preview" / "index.html").as_uri()


def load_images(tab) -> None:
    """Frames are lazy-loaded; ask for all of them and wait until each is decoded or failed."""
    # one evaluate, not wait_for_function: its polling evals a string, which the CSP refuses
    tab.evaluate("""() => Promise.all([...document.images].map(i => {
        i.loading = 'eager'; return i.decode().catch(() => null); }))""")


def shoot(course, tab, name: str) -> Path:
    """Full-page screenshot under the project's output/, copied to the repo's output/."""
    load_images(tab)
    path = course.out / "preview-screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(path), full_page=True)
    keep = REPO / "output" / "preview-screenshots"
    keep.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, keep / path.name)
    return path


def test_home_links_to_lecture_with_playing_narration_and_captions(site, page):
    page.goto(home_url(site))
    assert page.title().startswith("Home · Python List Comprehensions")
    shoot(site, page, "home")
    page.click(f"text={LEC}")
    page.wait_for_url(f"**/lecture-{LEC}.html")
    assert page.inner_text("h1") == "Why comprehensions?"
    images = page.locator(".slide img")
    assert images.count() == 8
    assert images.nth(3).get_attribute("alt") == "Slide 4: The same idea as a comprehension"
    audio = page.locator("#slide-3 audio")
    start = audio.evaluate("a => a.play().then(() => a.currentTime)")
    assert 1.9 <= start <= 2.1  # the media fragment starts slide 3 at 2 s
    audio.evaluate(
        "a => new Promise(r => a.addEventListener('timeupdate', "
        "() => a.currentTime > 2.2 && r(), {}))"
    )
    assert audio.evaluate("a => a.error") is None
    audio.evaluate("a => a.pause()")
    track = page.evaluate("""() => { const v = document.querySelector('video');
        return {n: v.textTracks.length, kind: v.textTracks[0].kind,
                cues: v.textTracks[0].cues ? v.textTracks[0].cues.length : 0}; }""")
    assert track == {"n": 1, "kind": "captions", "cues": 1}
    assert shoot(site, page, "lecture").stat().st_size > 10_000


def test_quiz_answer_is_hidden_until_clicked(site, page):
    page.goto(home_url(site))
    page.click("nav >> text=Quiz 01")
    answer = page.locator("#q1 details.answer")
    right = answer.locator(".right").first
    assert not right.is_visible()
    answer.locator("summary").click()
    assert right.is_visible() and right.inner_text() == "A: correct"
    shoot(site, page, "quiz")


def test_keyboard_reaches_the_content_first(site, page):
    page.goto(home_url(site))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_every_page_loads_its_images_and_no_link_is_broken(site, page):
    assert broken_links(site.out / "preview") == []
    page.goto((site.out / "preview" / f"lecture-{LEC}.html").as_uri())
    load_images(page)
    widths = page.evaluate("[...document.images].map(i => i.naturalWidth)")
    assert len(widths) == 8 and all(w == 640 for w in widths)

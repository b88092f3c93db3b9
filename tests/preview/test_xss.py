"""In headless Chromium: hostile HTML in a lecture draft runs no script, harmless markup stays."""

from __future__ import annotations

import re
import threading

import pytest
from PIL import Image

from pipeline.course import Course
from pipeline.preview import build
from pipeline.preview.server import make_server
from tests.preview import fakemedia
from tests.preview.test_browser import ARGS, CHROMIUM, LEC, load_images

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs the Debian chromium at /usr/bin/chromium "
    "(apt-get install chromium); nothing is downloaded",
)

# Each vector opens a dialog numbered by its position if any script runs.
VECTORS = """\
<script>alert(1)</script>

<img src=x onerror=alert(2)>

<svg onload=alert(3)><circle r=5></circle></svg>

<iframe srcdoc="<script>parent.alert(4)</script>"></iframe>

<p><a href="javascript:alert(5)">raw javascript link</a></p>

[markdown javascript link](javascript:alert(6))

<div onclick=alert(7)>click this div</div>

<p><a href="JaVaScRiPt:alert(8)">mixed-case link</a></p>

<math><mtext><table><mglyph><style><img src=x onerror=alert(9)></style></mglyph>
</table></mtext></math>

<svg></p><style><a id="</style><img src=1 onerror=alert(10)>"></svg>

<noscript><p title="</noscript><img src=x onerror=alert(11)>"></p></noscript>

<p><a href="java&#x09;script:alert(12)">tab-split link</a>
<a href="&#106;avascript:alert(13)">entity link</a>
<a href=" javascript:alert(14)">spaced link</a>
<a href="vbscript:alert(15)">vbscript link</a>
<a href="data:text/html,<script>alert(16)</script>">data link</a></p>

<details open ontoggle=alert(17)><summary>toggle</summary>x</details>

<object data="data:text/html,<script>alert(18)</script>"></object>
<embed src="data:text/html,<script>alert(19)</script>">

<form><button formaction="javascript:alert(20)">form button</button></form>

<input autofocus onfocus=alert(21)>

<video><source onerror=alert(22)></video><audio src=x onerror=alert(23)></audio>

<meta http-equiv="refresh" content="0;url=javascript:alert(24)">

<p><img src="javascript:alert(25)" alt="js image"></p>

![md js image](javascript:alert(26))

<p><span style="background:url(javascript:alert(27))" onmouseover=alert(28)>hover span</span></p>
"""

HARMLESS = """\
# Hostile lecture

A harmless paragraph that must survive.[^1]

## Code that keeps its colours

```python
for item in items:
    print(item)
```

| Name | Price |
|------|-------|
| tea  | 3     |

![A red square](images/red.png)

[^1]: A footnote whose backlink still works.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The example preview, its first lecture's draft full of XSS vectors, with media."""
    from tests.conftest import make_project

    root = make_project(tmp_path_factory.mktemp("xss") / "proj")
    course = Course.load("example", root)
    (course.dir / "images").mkdir()
    Image.new("RGB", (40, 30), (200, 0, 0)).save(course.dir / "images" / "red.png")
    course.lecture_path(LEC).write_text(HARMLESS + "\n" + VECTORS, encoding="utf-8")
    fakemedia.make_frames(course, LEC)
    fakemedia.make_narration(course, LEC)
    fakemedia.make_video(course, LEC)
    build(course)
    return course


@pytest.fixture(scope="module")
def browser():
    """The system Chromium, never a downloaded build."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def served(site):
    """The preview over `make serve`'s server; yields the lecture page's URL."""
    server = make_server(site, 0)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    ).start()
    yield (f"http://127.0.0.1:{server.server_address[1]}/output/example/preview/lecture-{LEC}.html")
    server.shutdown()
    server.server_close()


class Visit:
    """A tab that records every dialog (a script ran) and every CSP refusal."""

    def __init__(self, browser, bypass_csp: bool = False):
        self.context = browser.new_context(bypass_csp=bypass_csp)
        self.tab = self.context.new_page()
        self.tab.set_default_timeout(15_000)
        self.dialogs: list[str] = []
        self.refused: list[str] = []
        self.tab.on("dialog", self._dialog)
        self.tab.on(
            "console", lambda m: "Content Security Policy" in m.text and self.refused.append(m.text)
        )

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def __enter__(self) -> Visit:
        return self

    def __exit__(self, *exc) -> None:
        self.context.close()


def lecture_url(course) -> str:
    return (course.out / "preview" / f"lecture-{LEC}.html").as_uri()


def click_everything(tab, url: str) -> None:
    """Click every link, the onclick div and the hover span of the draft, as a reader would."""
    links = tab.locator(".draft a")
    for i in range(links.count()):
        links.nth(i).click()
        if tab.url.split("#")[0] != url:
            tab.goto(url)
    for text in ("click this div", "hover span", "form button"):
        target = tab.locator(".draft").get_by_text(text)
        if target.count():
            target.first.hover()
            target.first.click()
    # A last in-page link: the clicks above queued their work before this navigation ends.
    note = tab.locator(".draft a.footnote-ref")
    note.click()
    tab.wait_for_url("**" + note.get_attribute("href"))


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "sanitiser-alone"])
def test_no_vector_in_a_draft_runs_a_script(site, browser, bypass_csp):
    url = lecture_url(site)
    with Visit(browser, bypass_csp) as v:
        v.tab.goto(url)
        load_images(v.tab)
        click_everything(v.tab, url)
        assert v.dialogs == []
        assert v.tab.locator(".draft a").count() >= 10  # the hostile links were there to click


def test_draft_html_has_no_active_content(site):
    page = (site.out / "preview" / f"lecture-{LEC}.html").read_text(encoding="utf-8")
    draft = page[page.index('<article class="draft">') : page.index("</article>")]
    found = re.findall(
        r"<(?:script|iframe|svg|math|object|embed|form|input|meta|style|button)"
        r"|\bon\w+\s*=|\bstyle\s*=|javascript:|vbscript:|data:|srcdoc",
        draft,
        re.I,
    )
    assert found == []
    assert "raw javascript link" in draft and "click this div" in draft  # text is kept


def test_harmless_markup_still_renders(site, browser):
    with Visit(browser) as v:
        v.tab.goto(lecture_url(site))
        draft = v.tab.locator(".draft")
        assert "A harmless paragraph that must survive." in draft.inner_text()
        keyword = draft.locator(".codehilite .k").first  # Pygments colours `for`
        assert keyword.inner_text() == "for"
        assert keyword.evaluate("e => getComputedStyle(e).color") == "rgb(0, 128, 0)"
        assert draft.locator("table td").all_inner_texts() == ["tea", "3"]
        image = draft.locator("img[alt='A red square']")
        assert image.evaluate("i => i.decode().then(() => i.naturalWidth)") == 40
        assert draft.locator("h3#draft-code-that-keeps-its-colours").count() == 1
        draft.locator("a.footnote-ref").click()
        assert v.tab.evaluate("location.hash") == "#fn-1"
        assert draft.locator("#fn-1").inner_text().startswith("A footnote")
        assert v.refused == []  # the sanitiser left nothing for the policy to refuse


def test_csp_stops_a_script_the_sanitiser_might_miss(site, browser, tmp_path):
    page = (site.out / "preview" / f"lecture-{LEC}.html").read_text(encoding="utf-8")
    injected = site.out / "preview" / "injected.html"
    injected.write_text(
        page.replace(
            '<main id="main" tabindex="-1">',
            '<main id="main" tabindex="-1"><script>alert("inline")'
            '</script><img src=x onerror=alert("handler")>',
        ),
        encoding="utf-8",
    )
    try:
        with Visit(browser) as v:
            v.tab.goto(injected.as_uri())
            load_images(v.tab)
            assert v.dialogs == []
            assert any("script-src 'none'" in r for r in v.refused)
        with Visit(browser, bypass_csp=True) as v:  # the control: without CSP both run
            v.tab.goto(injected.as_uri())
            load_images(v.tab)
            assert sorted(v.dialogs) == ["handler", "inline"]
    finally:
        injected.unlink()


@pytest.mark.parametrize("how", ["file", "http"])
def test_page_loads_everything_it_needs_under_the_policy(site, browser, served, how):
    url = lecture_url(site) if how == "file" else served
    with Visit(browser) as v:
        response = v.tab.goto(url)
        if how == "http":
            assert "script-src 'none'" in response.headers["content-security-policy"]
        load_images(v.tab)
        widths = v.tab.evaluate(
            "[...document.querySelectorAll('.slide img')].map(i => i.naturalWidth)"
        )
        assert widths == [640] * 8
        assert (
            v.tab.evaluate("getComputedStyle(document.body).backgroundColor")
            == "rgb(244, 246, 250)"
        )  # style.css applied
        audio = v.tab.locator("#slide-3 audio")
        assert 1.9 <= audio.evaluate("a => a.play().then(() => a.currentTime)") <= 2.1
        audio.evaluate("a => a.pause()")
        video = v.tab.locator("section[aria-labelledby=video-h] video")
        cues = video.evaluate("""v => new Promise(r => { const track = v.querySelector('track');
            const done = () => r(track.readyState === 2 ? track.track.cues.length : -1);
            track.readyState >= 2 ? done() : (track.addEventListener('load', done),
                                              track.addEventListener('error', done)); })""")
        assert cues == 1  # the inlined data: captions track loaded
        seekable = video.evaluate("""v => new Promise(r => { const go = () =>
            r(v.seekable.length ? v.seekable.end(0) : 0);
            v.readyState ? go() : v.addEventListener('loadedmetadata', go); })""")
        assert seekable > 1.9  # over HTTP this needs Range requests
        assert v.refused == []
        assert v.dialogs == []

"""terms.html: every term with its places, Piper's phonemes, its audio, escaped."""

from __future__ import annotations

import re

from pipeline.course import Course
from pipeline.preview import build
from pipeline.preview import terms as page
from pipeline.preview.site import preview_dir
from pipeline.providers.tts import for_course
from pipeline.speech.terms import Term, find_terms
from pipeline.stages.narration import clip_path
from tests.narration.helpers import LECTURE, set_topic, write_slides

HOSTILE = "<img src=x onerror=alert(1)> calls O'Reilly\"s kubectl."


def _course(project, notes: list[str]) -> Course:
    """The example course with only our lecture's notes."""
    for path in (project / "courses" / "example" / "slides").glob("*.md"):
        path.unlink()
    write_slides(project, LECTURE, notes)
    set_topic(project, narration={"reviewed_terms": ["JSON"]})
    return Course.load("example", project)


def test_page_lists_terms_with_audio_and_is_linked(project):
    course = _course(project, ["Send JSON to np.array.", "Then run kubectl."])
    build(course)
    html = (preview_dir(course) / "terms.html").read_text()
    found = find_terms(course, for_course(course))
    assert {t.text for t in found} == {"JSON", "np.array", "kubectl"}
    assert html.count("<audio ") == len(found)
    for src in re.findall(r'<audio [^>]*src="([^"]+)"', html):
        wav = preview_dir(course) / src
        assert wav.read_bytes()[:4] == b"RIFF"
    json = next(t for t in found if t.text == "JSON")
    assert clip_path(course, json.clip).exists()  # in the narration's own cache
    assert json.says in html and f"courses/example/slides/{LECTURE}.md:" in html
    assert "  np.array: &quot;np dot array&quot;" in html  # the lexicon line to copy
    assert "waiting for review" in html and 'class="state s-ok">pass' in html
    assert 'href="terms.html"' in (preview_dir(course) / "index.html").read_text()


def test_hostile_note_and_term_are_escaped(project):
    course = _course(project, [HOSTILE])
    build(course)
    html = (preview_dir(course) / "terms.html").read_text()
    assert "<img" not in html and "onerror=" not in html
    assert "O&#x27;Reilly" in html  # an unknown name, its quote escaped
    evil = Term('<script>alert("x")</script>', "acronym", "x", '"><b>', "0" * 64)
    row = "".join(page._row(course, for_course(course), evil, False, preview_dir(course)))
    assert "<script>" not in row and "<b>" not in row
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in row
    assert 'aria-label="How the voice says &lt;script&gt;' in row


def test_paid_voice_plays_only_cached_terms(project, monkeypatch):
    course = _course(project, ["Send JSON now."])
    set_topic(project, voice={"provider": "openai"})
    course = Course.load("example", project)
    monkeypatch.delenv(page.ASK, raising=False)
    (json,) = find_terms(course, for_course(course))
    assert page.term_clip(course, for_course(course), json) is None  # no call, no cost
    html = page.render(course, preview_dir(course))
    assert "<audio" not in html and "not synthesised (paid voice)" in html

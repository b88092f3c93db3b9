"""Technical terms: found after the lexicon with their places, said by Piper, reviewed."""

from __future__ import annotations

from pipeline.checks.pronunciation import pronunciation_rule
from pipeline.course import Course
from pipeline.providers.tts import for_course
from pipeline.speech import terms
from tests.narration.helpers import LECTURE, set_topic, write_slides

FIVE = ["kubectl", "PostgreSQL", "JSON", "np.array", "GPT-4o"]
NOTES = [
    "First install kubectl, then connect it to PostgreSQL.",
    "The API sends JSON; we load it with np.array and ask GPT-4o about it.",
]


def _only_our_lecture(project) -> Course:
    """The example course with one lecture's notes: ours (the others are removed)."""
    slides = project / "courses" / "example" / "slides"
    for path in slides.glob("*.md"):
        path.unlink()
    write_slides(project, LECTURE, NOTES)
    return Course.load("example", project)


def _line(project, text: str) -> str:
    """file:line of the script line holding `text`."""
    path = project / "courses" / "example" / "slides" / f"{LECTURE}.md"
    lines = path.read_text().splitlines()
    n = next(i for i, x in enumerate(lines, 1) if text in x)
    return f"courses/example/slides/{LECTURE}.md:{n}"


def test_terms_are_listed_once_with_every_place(project):
    course = _only_our_lecture(project)
    found = {t.text: t for t in terms.find_terms(course, for_course(course))}
    assert set(FIVE) <= set(found)
    assert found["kubectl"].places == [_line(project, "kubectl")]
    assert found["np.array"].places == [_line(project, "np.array")]
    assert found["GPT-4o"].kind == "acronym" and found["np.array"].kind == "identifier"
    assert found["kubectl"].kind == "unknown word"
    assert found["np.array"].spoken == "np dot array"  # the normaliser's reading


def test_a_term_used_twice_keeps_both_places(project):
    course = _only_our_lecture(project)
    write_slides(project, LECTURE, ["Use JSON here.", "And JSON there."])
    (json,) = [t for t in terms.find_terms(course, for_course(course)) if t.text == "JSON"]
    assert json.places == [_line(project, "JSON here"), _line(project, "JSON there")]


def test_plain_english_lists_nothing():
    note = (
        "Let's begin. In this lecture we look at a loop you have written many times, "
        "the one that builds a new list item by item, e.g. prices in the 1990s."
    )
    assert terms.terms_in(note, {}) == []


def test_lexicon_words_are_not_terms():
    lexicon = {"kubectl": "cube control", "SQL": "sequel"}
    assert terms.terms_in("Run kubectl's SQL now.", lexicon) == []


def test_piper_phonemes_are_what_piper_itself_makes(project):
    course = _only_our_lecture(project)
    provider = for_course(course)
    found = {t.text: t for t in terms.find_terms(course, provider)}
    piper = "".join("".join(s) for s in provider._piper.phonemize("kubectl"))
    assert found["kubectl"].says == f"/{piper}/"
    assert "kj" in found["kubectl"].says  # "cube…", not letters


def test_cloud_voice_says_spelled_as_written(project):
    course = _only_our_lecture(project)
    set_topic(project, voice={"provider": "openai"})
    course = Course.load("example", project)
    found = {t.text: t for t in terms.find_terms(course, for_course(course))}
    assert found["np.array"].says == "spelled as written: np dot array"


def test_rule_fails_until_every_term_is_in_lexicon_or_reviewed(project):
    course = _only_our_lecture(project)
    rule = pronunciation_rule(course)
    assert rule.name == "technical terms pronounced right" and not rule.ok
    assert rule.detail.startswith("6 of 6 terms unreviewed: kubectl /")  # and API
    assert _line(project, "kubectl") in rule.detail and "and 3 more" in rule.detail
    assert "terms.html" in rule.fix and "narration.reviewed_terms" in rule.fix
    assert "courses/example/topic.yaml" in rule.fix
    set_topic(
        project,
        narration={
            "lexicon": {"kubectl": "cube control"},
            "reviewed_terms": ["PostgreSQL", "JSON", "np.array", "GPT-4o", "API"],
        },
    )
    rule = pronunciation_rule(Course.load("example", project))
    assert rule.ok, rule.detail
    assert rule.detail == "5 terms, all in the lexicon or reviewed"

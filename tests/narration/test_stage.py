"""The narration stage on the example course: caching per sentence, edits, long notes."""

import json
import shutil

import pytest

from pipeline.course import Course
from pipeline.providers import retry
from pipeline.providers.tts import for_course
from pipeline.stages import narration
from tests.narration.fakes import FakeTTS
from tests.narration.helpers import set_topic, write_slides

EDITED = "02-01-dict-and-set-comprehensions"


@pytest.fixture
def cloud(project, monkeypatch):
    """The example course narrated by the OpenAI SDK against a local server (which gets no
    key: it is named by topic.yaml)."""
    monkeypatch.setattr(retry, "_sleep", lambda s: None)  # retries without waiting
    with FakeTTS() as server:
        set_topic(
            project,
            voice={
                "provider": "openai",
                "voice": "nova",
                "concurrency": 4,
                "base_url": server.url + "/v1",
            },
        )
        yield server


def _lines(course):
    provider = for_course(course)
    return [
        line
        for lec in course.outline.lectures
        for s in narration.plan_lecture(course, lec.id, provider)
        for line in s.lines
    ]


def test_editing_one_note_resynthesises_exactly_that_sentence(cloud, small_project):
    project = small_project
    course = Course.load("example")
    first = narration.run(course)
    unique = {line.clip for line in _lines(course)}
    assert len(first["lectures"]) == 3 and len(cloud.texts()) == len(unique) > 50
    assert narration.run(Course.load("example"))["synthesized"] == 0  # nothing changed
    path = project / "courses" / "example" / "slides" / f"{EDITED}.md"
    before_audio = _slide_samples(course, EDITED)
    text = path.read_text()
    assert text.count("mapping") > 0
    old_sentence = next(s for s in text.splitlines() if "mapping" in s and not s.startswith("#"))
    path.write_text(text.replace(old_sentence, old_sentence.replace("mapping", "dictionary", 1)))
    before = len(cloud.texts())
    again = narration.run(Course.load("example"))
    new_requests = cloud.texts()[before:]
    assert len(new_requests) == 1 and "dictionary" in new_requests[0]
    assert list(again["lectures"]) == [EDITED]  # only the edited lecture was re-mastered
    after_pcm = (course.audio_dir(EDITED) / "narration.wav").read_bytes()
    # json times are rounded to the millisecond: compare each slide without its edges
    changed = [i for i, chunk in enumerate(before_audio, 1) if chunk[960:-960] not in after_pcm]
    edited_slide = next(
        i for i, chunk in enumerate(text.split("\n---\n"), 1) if old_sentence in chunk
    )
    assert changed == [edited_slide]  # every other slide's samples are bit-identical


def _slide_samples(course, lecture_id) -> list[bytes]:
    """Each slide's PCM bytes in the lecture's narration.wav."""
    folder = course.audio_dir(lecture_id)
    doc = json.loads((folder / "narration.json").read_text())
    pcm = (folder / "narration.wav").read_bytes()[44:]
    return [pcm[round(s["start"] * 48000) * 2 : round(s["end"] * 48000) * 2] for s in doc["slides"]]


def test_a_sentence_already_spoken_in_another_lecture_is_not_paid_again(cloud, project):
    course = Course.load("example")
    narration.run(course, [course.outline.lectures[0].id])
    spoken = _lines(course)[0].caption  # the first sentence of the course
    before = len(cloud.texts())
    write_slides(project, "03-02-generator-functions", [spoken])
    narration.run(Course.load("example"), ["03-02-generator-functions"])
    assert len(cloud.texts()) == before


def test_a_20000_character_note_is_split_within_the_provider_limit(cloud, project):
    words = [f"word{i}" for i in range(2600)]
    note = " ".join(words)  # ~20,000 characters and no full stop anywhere
    assert len(note) > 20000
    write_slides(project, "01-01-why-comprehensions", [note, "A short closing sentence."])
    report = narration.run(Course.load("example"), ["01-01-why-comprehensions"])
    texts = cloud.texts()
    assert 6 <= len(texts) <= 12 and all(len(t) <= 4096 for t in texts)
    doc = report["lectures"]["01-01-why-comprehensions"]
    pieces = doc["slides"][0]["sentences"]
    assert len(pieces) == len(texts) - 1 and len(doc["slides"][1]["sentences"]) == 1
    assert " ".join(p["caption"] for p in pieces).split() == words  # nothing lost, in order
    assert sorted(p["text"] for p in pieces) == sorted(t for t in texts if "word" in t)
    saved = json.loads(
        narration.target(Course.load("example"), "01-01-why-comprehensions").read_text()
    )
    assert saved["slides"][-1]["end"] == saved["duration"] == doc["duration"]


def test_piper_pieces_of_a_long_note_stay_under_its_limit(project):
    note = "Generators are lazy, " * 1000  # 21,000 characters, one sentence
    write_slides(project, "01-01-why-comprehensions", [note.strip()])
    course = Course.load("example")
    plan = narration.plan_lecture(course, "01-01-why-comprehensions", for_course(course))
    lines = plan[0].lines
    assert len(lines) > 50 and all(len(line.text) <= 400 for line in lines)
    assert " ".join(line.caption for line in lines).split() == note.split()


def test_a_truncated_cached_clip_is_made_again_not_used(cloud, project):
    course = Course.load("example")
    first = narration.run(course, [EDITED])["lectures"][EDITED]
    clip = next(c for c in (project / "output" / ".cache" / "tts").rglob("*.wav"))
    clip.write_bytes(clip.read_bytes()[: 44 + 4000])  # 2000 samples: a sentence cut short
    shutil.rmtree(project / "output" / "example")  # `make clean`: the cache stays
    asked = len(cloud.texts())
    again = narration.run(Course.load("example"), [EDITED])["lectures"][EDITED]
    assert len(cloud.texts()) - asked == 1  # just the damaged sentence
    assert again["duration"] == first["duration"]

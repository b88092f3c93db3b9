"""Slides that build with the voice, end to end: LibreOffice frames, Piper, the render."""

from __future__ import annotations

import json
import re
import zipfile

import numpy as np
import pytest
from lxml import etree
from PIL import Image

from pipeline import preview
from pipeline.course import Course
from pipeline.providers.tts import for_course
from pipeline.stages import decks, frames, narration, video
from pipeline.video.stills import still_runs
from tests.conftest import make_project
from tests.decks.test_animate import SCHEMA

LEC = "01-01-why-comprehensions"
SCRIPT = """## [title] Builds

Note:
Slides that move with the voice.

---

## [bullets] Three parts
- The expression
- The for clause
- The filter

Note:
[>] First comes the expression. [>] Then the for clause walks the list,
[>] and the filter keeps some items.

---

## [code] Summing
```python
a = 1
b = 2

total = a + b
print(total)
```

Note:
We set two names. Then we add them up and print the total.
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The lecture rendered once through decks, frames, narration and video."""
    root = make_project(tmp_path_factory.mktemp("builds") / "proj")
    course = Course.load("example", root)
    course.slides_path(LEC).write_text(SCRIPT, encoding="utf-8")
    for stage in (decks, frames, narration):
        stage.run(course, [LEC])
    stats = video.run(course, [LEC])[LEC]
    return course, stats


def _index(course):
    return json.loads(frames.STAGE.target(course, LEC).read_text())


def test_each_state_is_a_frame_that_keeps_what_is_already_shown(built):
    course, _ = built
    index = _index(course)
    # title 1; bullets: 3 steps (the first marker opens the note); code: 2 blocks in turn
    assert index["page"] == [1, 2, 2, 2, 3, 3]
    folder = course.frames_dir(LEC)
    pics = [np.asarray(Image.open(folder / n).convert("RGB")) for n in index["frames"]]
    full, background = pics[3], pics[1][-200, 960]
    for state in pics[1:3]:
        ink = np.any(state != background, axis=2)
        assert ink.sum() > 1000
        assert np.array_equal(state[ink], full[ink])  # nothing shown moves or changes
    assert [np.any(a != b) for a, b in zip(pics[1:3], pics[2:4], strict=True)] == [True] * 2
    # the code's two states differ only inside the code panel, where lines are dimmed
    diff = np.argwhere(np.any(pics[4] != pics[5], axis=2))
    assert diff[:, 0].min() > 150 and diff[:, 0].max() < 900


def test_every_libreoffice_frame_takes_the_one_idr_still_path(built):
    """Real slides (pdftoppm's PNGs, not Pillow's) fit the all-skip template: no picture
    is encoded as a full 60-frame segment."""
    _, stats = built
    assert stats.pictures == 6  # title, three bullet steps, two code states
    assert stats.still == stats.pictures


def test_the_picture_changes_at_each_step_and_nowhere_else(built):
    course, _ = built
    mp4 = video.target(course, LEC)
    doc = json.loads((course.audio_dir(LEC) / "narration.json").read_text())
    lines = doc["slides"][1]["sentences"]
    # the bullets' steps: the slide's start (with its first item), then at each later marker
    wanted = [doc["slides"][1]["start"], lines[1]["start"], lines[2]["start"]]
    assert [x["joined"] for x in lines] == [False, False, True]  # cut inside the 2nd sentence
    code = doc["slides"][2]
    wanted += [code["start"], code["sentences"][1]["start"]]
    runs = still_runs(mp4)
    changes = list(np.cumsum(runs)[:-1])
    assert len(changes) == len(wanted)
    for got, want in zip(changes, wanted, strict=True):
        assert abs(got - want) <= 1 / 30 + 1e-6


def test_captions_keep_a_cut_sentence_whole(built):
    course, _ = built
    vtt = video.STAGE.outputs(course, LEC)[1].read_text()
    assert "Then the for clause walks the list, and the filter keeps some items." in vtt.replace(
        "\n", " "
    )
    assert "[>]" not in vtt


def test_the_preview_shows_each_slides_states_with_when_the_voice_reaches_them(built):
    course, _ = built
    preview.build(course)
    page = (course.out / "preview" / f"lecture-{LEC}.html").read_text()
    strips = re.findall(r'<ol class="states".*?</ol>', page)
    assert len(strips) == 2  # the bullets and the code slide; the title does not build
    doc = json.loads((course.audio_dir(LEC) / "narration.json").read_text())
    lines = doc["slides"][1]["sentences"]
    times = [doc["slides"][1]["start"], lines[1]["start"], lines[2]["start"]]
    shown = re.findall(r'<span class="meta">(\d) · 0:(\d\d\.\d)</span>', strips[0])
    assert [n for n, _ in shown] == ["1", "2", "3"]
    assert [float(t) for _, t in shown] == [pytest.approx(t, abs=0.051) for t in times]


def test_the_deck_carries_native_click_builds_and_libreoffice_converts_it(built):
    course, _ = built
    deck = decks.STAGE.target(course, LEC)
    with zipfile.ZipFile(deck) as z:
        bullets = z.read("ppt/slides/slide2.xml").decode()
        code = z.read("ppt/slides/slide3.xml").decode()
    # the first item opens with the slide, as in the video; the other two enter on clicks
    assert bullets.count('nodeType="clickEffect"') == 2 and "<p:bldP" in bullets
    assert re.findall(r'<p:pRg st="(\d)"', bullets) == ["1", "2"]
    assert 'presetClass="emph"' in code
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    for xml in (bullets, code):
        slide = _only_timing(etree.fromstring(xml.encode()))
        assert schema.validate(slide), schema.error_log
    assert (course.frames_dir(LEC) / "deck.pdf").stat().st_size > 0  # LibreOffice made it


def _only_timing(sld):
    """The slide with its shapes taken out: the copied XSD is ISO 29500 strict, where even
    PowerPoint's own bullet sizes (val="110000") fail; what this test adds is the timing."""
    tree = sld.find(".//p:spTree", {"p": sld.nsmap["p"]})
    for shape in list(tree)[2:]:  # keep nvGrpSpPr and grpSpPr, which the schema requires
        tree.remove(shape)
    return sld


def test_moving_one_marker_speaks_only_its_pieces_again_and_reuses_the_pictures(built):
    course, _ = built
    path = course.slides_path(LEC)
    moved = SCRIPT.replace(",\n[>] and the filter", " and\n[>] the filter")
    assert moved != SCRIPT
    path.write_text(moved)
    for stage in (decks, frames):
        stage.run(course, [LEC])
    report = narration.run(course, [LEC])
    assert report["synthesized"] == 2  # "…walks the list and" and "the filter keeps…"
    stats = video.run(course, [LEC])[LEC]
    assert stats.video_encoded == 0  # every state looks as it did
    assert stats.audio_encoded == 1  # the bullets slide's sound only


def test_build_off_gives_one_frame_per_slide_and_the_deck_itself(built):
    course, _ = built
    path = course.slides_path(LEC)
    off = SCRIPT.replace("## [bullets] Three parts\n", "## [bullets] Three parts\n@build: off\n")
    path.write_text(off.replace("## [code] Summing\n", "## [code] Summing\n@build: off\n"))
    decks.run(course, [LEC])
    frames.run(course, [LEC])
    states = decks.STAGE.outputs(course, LEC)[2]
    assert states.read_bytes() == decks.STAGE.target(course, LEC).read_bytes()
    assert len(_index(course)["frames"]) == 3
    plan = narration.plan_lecture(course, LEC, for_course(course))
    assert not any(line.joined for s in plan for line in s.lines)

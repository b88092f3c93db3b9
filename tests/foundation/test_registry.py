"""The stage registry: one declaration per stage, and everything derived from it."""

from __future__ import annotations

import dataclasses
import json

import yaml

from pipeline import rules, stamps, status
from pipeline.cli import cli
from pipeline.course import Course
from pipeline.stages import REGISTRY, STAGES
from tests.conftest import cut_example, make

SECTION_2 = ("02-01-dict-and-set-comprehensions", "02-02-nested-comprehensions")


def test_stages_mk_is_generated_from_the_registry():
    assert rules.STAGES_MK.read_text() == rules.stages_mk(), (
        "pipeline/stages.mk is stale: run `python -m pipeline makefile`"
    )


def test_one_name_everywhere_module_command_target_status_column():
    for stage in REGISTRY:
        assert callable(stage.module().run), stage.name
        assert stage.name in cli.commands
        assert f"\n{stage.name}: setup $({stage.name}_OUT)\n" in rules.stages_mk()
    grids, _ = status.grids(Course.load("example"))
    columns = grids[1][0][1:]
    assert columns == [s.name for s in REGISTRY if s.grain == "lecture"]


def test_renaming_a_section_title_rederives_exactly_that_sections_scripts_and_decks(mk_project):
    cut_example(mk_project, ("01-00-welcome", "01-01-why-comprehensions", *SECTION_2))
    env = {"AUTO_APPROVE": "1"}
    assert make(mk_project, "decks", "TOPIC=example", env=env).returncode == 0
    decks = mk_project / "output" / "example" / "decks"
    before = _decks(decks)
    outline = mk_project / "courses" / "example" / "outline.yaml"
    data = yaml.safe_load(outline.read_text())
    data["sections"][1]["title"] = "Dictionaries, sets and more"
    outline.write_text(yaml.safe_dump(data, sort_keys=False))
    run = make(mk_project, "decks", "TOPIC=example", env=env)
    assert run.returncode == 0, run.stderr
    after = _decks(decks)
    assert sorted(n for n in after if after[n] != before[n]) == sorted(
        f"{lec}.pptx" for lec in SECTION_2
    )
    slides = mk_project / "courses" / "example" / "slides"
    # the example's scripts are hand-written: the re-derived ones wait beside them
    assert sorted(p.name for p in slides.glob("*.proposed.md")) == sorted(
        f"{lec}.proposed.md" for lec in SECTION_2
    )
    assert "Dictionaries, sets and more" in (slides / f"{SECTION_2[0]}.proposed.md").read_text()


def test_why_names_the_setting_and_the_input_that_changed(project, monkeypatch):
    course = Course.load("example")
    lec = course.outline.lectures[0].id
    narration = STAGES["narration"]
    for path in narration.outputs(course, lec):  # as if narrated from these inputs
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("made")
    narration.record(course, lec, narration.key(course, lec))
    assert "narration" not in status.why(course, lec)

    topic = project / "courses" / "example" / "topic.yaml"
    topic.write_text(topic.read_text().replace("speed: 1.0", "speed: 1.2"))
    assert f"narration {lec}: stale: voice.speed changed" in status.why(Course.load("example"), lec)

    script = project / "courses" / "example" / "slides" / f"{lec}.md"
    script.write_text(script.read_text() + "\n")
    said = status.why(Course.load("example"), lec)
    assert f"narration {lec}: stale: the slide script changed; voice.speed changed" in said

    newer = dataclasses.replace(narration, version=narration.version + 1)
    stored = stamps.stored(course.out, narration.target(course, lec))["parts"]
    assert "Lectern's code for this stage" in newer.key(course, lec).changes(stored)


def test_a_stamp_keeps_the_parts_of_its_key(project):
    course = Course.load("example")
    lec = course.outline.lectures[0].id
    decks = STAGES["decks"]
    key = decks.key(course, lec)
    assert {
        "the slide script",
        "the images it shows",
        "the theme",
        "title",
        "the section title",
        "the lecture title",
        "language",
        "theme",
    } <= set(key.parts)
    out = decks.target(course, lec)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(b"pptx")
    stamps.record(course.out, out, key)
    stamp = json.loads((course.out / ".stamps" / "decks" / f"{lec}.pptx.key").read_text())
    assert stamp == {"key": key.digest, "parts": key.parts}


def _decks(folder):
    """Each deck's bytes by name (not the decks of build states beside them)."""
    return {p.name: p.read_bytes() for p in folder.glob("*.pptx") if ".states." not in p.name}

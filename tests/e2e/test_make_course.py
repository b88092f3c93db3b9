"""`make course TOPIC=example` end to end, offline, as a person runs it: everything is
built, a rerun does nothing, and editing one slide's note rebuilds only that lecture."""

from __future__ import annotations

import re
import zipfile

import pytest

from tests.conftest import cut_example, make
from tests.e2e.declared import check_every_stage

# The example is a 30-minute course; a lecture from each of its first two sections
# exercises every stage (lecture and section grain) in a sixth of the time.
KEEP = ("01-01-why-comprehensions", "02-01-dict-and-set-comprehensions")

STAGE_CALL = re.compile(r"-m pipeline (\w+) example(?: --(?:lecture|section) ([\w-]+))?")
# what a batch stage says for each lecture: a progress step, "(up to date)" when skipped
STEP = re.compile(r"^(decks|frames|video) +\[[#-]+\] \d+/\d+ ([\w-]+)(.*)$", re.M)
MASTERED = re.compile(r"^narration ([\w-]+): [\d.]+ s, ", re.M)


def rebuilt(output: str) -> set[tuple[str, str]]:
    """(stage, lecture) for every lecture a per-lecture batch stage worked on."""
    steps = {(m[1], m[2]) for m in STEP.finditer(output) if "(up to date)" not in m[3]}
    return steps | {("narration", m[1]) for m in MASTERED.finditer(output)}


def stage_calls(output: str) -> list[tuple[str, str]]:
    """(stage, lecture or section) for every stage command make ran."""
    return [
        (m[1], m[2] or "")
        for m in STAGE_CALL.finditer(output)
        if m[1] not in ("checkpoint", "rules")
    ]


@pytest.mark.slow
def test_course_builds_everything_offline_then_reruns_only_what_changed(mk_project, tmp_path):
    cut_example(mk_project, KEEP)
    first = make(mk_project, "-j2", "course", "TOPIC=example", timeout=1200)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    out = mk_project / "output" / "example"
    lectures = sorted(p.stem for p in (mk_project / "courses/example/lectures").glob("*.md"))
    assert sorted(p.stem for p in (out / "video").glob("*.mp4")) == lectures
    assert all((out / "video" / f"{lec}.vtt").stat().st_size > 100 for lec in lectures)
    assert all(len(list((out / "frames" / lec).glob("slide-*.png"))) >= 7 for lec in lectures)
    assert (out / "book" / "example.epub").exists() and (out / "kdp" / "listing.md").exists()
    with zipfile.ZipFile(out / "udemy.zip") as z:
        assert sum(n.endswith(".mp4") for n in z.namelist()) == len(lectures)
    report = first.stdout + first.stderr
    fails = [line for line in report.splitlines() if line.strip().startswith("FAIL")]
    assert len(fails) == 3, fails  # two lectures, no introduction: not publishable, on purpose
    assert "at least 5 lectures" in fails[0] and "introduction" in fails[1]
    assert "30 minutes" in fails[2]

    again = make(mk_project, "course", "TOPIC=example")
    assert again.returncode == 0, again.stderr
    why = make(mk_project, "why", "TOPIC=example").stdout
    assert stage_calls(again.stdout + again.stderr) == [], why  # nothing to do, nothing run

    edited = "02-01-dict-and-set-comprehensions"
    slides = mk_project / "courses/example/slides" / f"{edited}.md"
    text = slides.read_text()
    slides.write_text(text.replace("Note:\n", "Note:\nHere is one more thing to notice. ", 1))
    third = make(mk_project, "-j2", "course", "TOPIC=example", timeout=1200)
    assert third.returncode == 0, third.stdout[-3000:] + third.stderr[-3000:]
    calls = stage_calls(third.stdout + third.stderr)
    assert ("video", "") in calls  # one process for every lecture, which skips the others
    per_lecture = rebuilt(third.stdout + third.stderr)
    assert {lec for _, lec in per_lecture} == {edited}, per_lecture
    assert {stage for stage, _ in per_lecture} == {"decks", "frames", "narration", "video"}
    assert ("book", "") not in calls  # the book is made from the lectures, not the slides
    assert "narration: 1 sentences synthesised" in third.stderr

    status = make(mk_project, "status", "TOPIC=example").stdout
    assert "stale" not in status and "missing" not in status, status

    # each stage reads only what its registry entry declares
    check_every_stage(mk_project, tmp_path / "scratch")

"""Rules about the lectures themselves: an introduction that walks through the
curriculum, and each lecture's length against what the outline planned."""

from __future__ import annotations

import re

from pipeline.checks.rule import Rule
from pipeline.course import Course
from pipeline.estimate import WORDS_PER_MINUTE
from pipeline.models import Lecture
from pipeline.slides import parse_file
from pipeline.udemy import probe
from pipeline.video import timeline

INTRO = re.compile(r"\b(intro|introduction|welcome|overview|about this course|start here)\b", re.I)
LENGTH_OFF = 0.30  # a lecture this far off its outline minutes gets a warning
WORD = re.compile(r"[a-z][a-z0-9]{3,}")  # words of 4+ letters name a section well enough
COMMON = {"with", "from", "your", "them", "when", "what", "that", "this", "into", "using"}


def intro_lecture(course: Course) -> Lecture | None:
    """The lecture marked `intro: true`, else the first one when its title says so."""
    lectures = course.outline.lectures
    marked = [lec for lec in lectures if lec.intro]
    if marked:
        return marked[0]
    first = lectures[0] if lectures else None
    return first if first and INTRO.search(first.title) else None


def intro_rule(course: Course) -> Rule:
    """Udemy's checklist: an introduction that says what students get and walks them
    through the curriculum (it names every other section)."""
    fix = (
        f"make the first lecture of courses/{course.slug}/outline.yaml an introduction "
        "(title it e.g. 'Welcome' or 'Introduction', or set `intro: true` on the one that "
        "is): what students will be able to do, then each section in order"
    )
    lec = intro_lecture(course)
    if lec is None:
        return Rule("introduction lecture", False, "no lecture introduces the course", fix)
    missed = _sections_not_named(course, lec)
    detail = f"{lec.id} '{lec.title}'"
    if missed:
        detail += f" does not name section(s): {', '.join(missed)}"
        fix = f"in courses/{course.slug}/slides/{lec.id}.md, say what each section covers"
    return Rule("introduction lecture", not missed, detail, fix)


def _sections_not_named(course: Course, intro: Lecture) -> list[str]:
    """Sections (other than the intro's own) none of whose title words the intro says."""
    said = set(WORD.findall(_narration(course, intro).lower()))
    out = []
    for section in course.outline.sections:
        if any(lec.id == intro.id for lec in section.lectures) and len(section.lectures) == 1:
            continue
        titles = [section.title] + [lec.title for lec in section.lectures if lec.id != intro.id]
        words = {w for t in titles for w in WORD.findall(t.lower())} - COMMON
        if not words & said:
            out.append(f"'{section.title}'")
    return out


def _narration(course: Course, lec: Lecture) -> str:
    """What the lecture says: its slide notes, else its draft."""
    path = course.slides_path(lec.id)
    if path.exists():
        slides = parse_file(path, course.image_dirs, allow_empty_notes=True)
        return " ".join(s.note for s in slides)
    draft = course.lecture_path(lec.id)
    return draft.read_text(encoding="utf-8") if draft.exists() else ""


def length_rule(course: Course, videos: dict) -> Rule:
    """A warning when a lecture runs more than LENGTH_OFF away from its outline minutes,
    with the pace the voice really speaks (the outline plans WORDS_PER_MINUTE)."""
    off, paces = [], []
    for lec in course.outline.lectures:
        info = videos.get(lec.id)
        if not info:
            continue
        planned = lec.minutes * 60
        if abs(info.duration / planned - 1) > LENGTH_OFF:
            share = round(100 * (info.duration / planned - 1))
            off.append(
                f"{lec.id} {probe.clock(info.duration)} of {probe.clock(planned)} "
                f"planned ({share:+d}%)"
            )
        paces += [p] if (p := _pace(course, lec.id)) else []
    pace = f"the voice speaks {sum(paces) / len(paces):.0f} words a minute" if paces else ""
    return Rule(
        "lectures as long as planned",
        not off,
        "; ".join(off[:5] + [pace]) if off else f"within {LENGTH_OFF:.0%}; {pace}".rstrip("; "),
        f"set each listed lecture's `minutes` in courses/{course.slug}/outline.yaml to its "
        f"length, or lengthen or cut its slide notes (outlines plan {WORDS_PER_MINUTE} "
        "words a minute)",
        warning=True,
    )


def _pace(course: Course, lecture_id: str) -> float | None:
    """Words a minute while the voice speaks (pauses left out), from narration.json."""
    path = course.audio_dir(lecture_id) / "narration.json"
    if not path.exists():
        return None
    lines = [s for slide in timeline.load_narration(path)["slides"] for s in slide["sentences"]]
    words = sum(len((s["caption"] or s["text"]).split()) for s in lines)
    seconds = sum(s["end"] - s["start"] for s in lines)
    return 60 * words / seconds if seconds > 0 else None

"""scripts with an LLM: lecture Markdown → slide structure (JSON) → slides/<id>.md text."""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel

from pipeline import coverage, estimate, log, slides, stages
from pipeline.course import Course
from pipeline.fsutil import read_text
from pipeline.providers.llm import calls
from pipeline.slides import Bullet, Slide

MAX_BULLETS = 8


class BulletPlan(BaseModel):
    """One bullet: level 0, or 1 for a sub-item."""

    text: str
    level: Literal[0, 1]


class SlidePlan(BaseModel):
    """One slide as the model writes it; unused fields are empty."""

    kind: Literal["title", "bullets", "code", "quote", "summary"]
    title: str
    bullets: list[BulletPlan]
    code: str
    language: str
    quote: str
    by: str
    note: str


class ScriptPlan(BaseModel):
    """The structured answer of the script call."""

    slides: list[SlidePlan]


def messages(course: Course, lecture_id: str, lecture_text: str | None = None) -> list[dict]:
    """The script prompt for one lecture."""
    lec = course.lecture(lecture_id)
    text = lecture_text or read_text(course.lecture_path(lecture_id))
    return calls.prompt(
        "script",
        language=course.topic.language,
        lecture_title=lec.title,
        section_title=course.outline.section_of(lecture_id).title,
        minutes=f"{lec.minutes:g}",
        lecture=text.strip(),
    )


def generate(course: Course, lecture_id: str) -> str:
    """The slide script of one lecture, validated by the slide-script parser."""
    lec = course.lecture(lecture_id)
    s = calls.session(course)
    text = s.ask(
        "scripts",
        lecture_id,
        messages(course, lecture_id),
        parse=lambda answer: to_script(course, lecture_id, answer),
        schema=calls.json_schema(
            ScriptPlan,
            "slide_script",
            counts={"slides": (3, None), "slides.bullets": (None, MAX_BULLETS)},
        ),
        expect_out=int(estimate.lecture_tokens(lec.minutes) * 1.3),
    )
    log.info(f"scripts {lecture_id}: {s.progress()} so far")
    return text


def to_script(course: Course, lecture_id: str, answer: str) -> str:
    """Check the model's slides and render them in the slide-script format."""
    plan = ScriptPlan.model_validate(json.loads(answer))
    _check(plan)
    section = course.outline.section_of(lecture_id).title
    text = slides.render_text([_slide(p, section) for p in plan.slides])
    # The parser is the judge: anything it rejects goes back to the model.
    parsed = slides.parse_text(text, course.slides_path(lecture_id), course.image_dirs)
    _check_coverage(read_text(course.lecture_path(lecture_id)), parsed, text + "\n")
    return text + "\n"


def _check_coverage(lecture: str, parsed: list[Slide], text: str) -> None:
    """The lecture kept whole (pipeline/coverage.py): a paragraph or code block left out,
    or narration said twice, goes back to the model; the script is kept if no repair
    mends it (it is valid, and `lectern check-script` lists what it lacks)."""
    found = [f for f in coverage.check(lecture, parsed) if f.kind in coverage.ENFORCED]
    if found:
        said = "; ".join(str(f) for f in found[:8])
        raise calls.Incomplete(
            f"the script does not keep the lecture whole: {said}. Narrate every paragraph "
            "once, in order, and put every code block on a code slide as written",
            text,
        )


def _check(plan: ScriptPlan) -> None:
    """Rules the schema cannot express."""
    if len(plan.slides) < 3:
        raise calls.Unusable("write at least three slides: title, content, summary")
    if plan.slides[0].kind != "title" or plan.slides[-1].kind != "summary":
        raise calls.Unusable("the first slide must be `title` and the last `summary`")
    for i, p in enumerate(plan.slides, 1):
        if not p.note.strip():
            raise calls.Unusable(f"slide {i} ('{p.title}') has an empty note")
        if p.kind == "code" and (not p.language.strip() or "```" in p.code):
            raise calls.Unusable(f"code slide {i} needs a language and code without ```")
        if len(p.bullets) > MAX_BULLETS:
            raise calls.Unusable(f"slide {i} has {len(p.bullets)} bullets; at most {MAX_BULLETS}")


def _slide(p: SlidePlan, section_title: str) -> Slide:
    """A parser-level Slide; text is flattened to one line where the format needs it."""
    s = Slide(p.kind, _one_line(p.title) or "Untitled", 0, note=_one_line(p.note))
    if p.kind == "title":
        s.subtitle = section_title
    if p.kind in ("bullets", "summary"):
        s.bullets = [Bullet(_one_line(b.text), b.level) for b in p.bullets if b.text.strip()]
        if s.bullets:
            s.bullets[0].level = 0  # a sub-item needs an item above it
    if p.kind == "code":
        s.code, s.language = p.code.strip("\n"), _one_line(p.language).lower()
    if p.kind == "quote":
        s.quote, s.by = _one_line(p.quote), _one_line(p.by)
    return s


def _one_line(text: str) -> str:
    # A line of `---` or `Note:` inside a field would split or end the slide.
    return " ".join(text.split())


def planned_calls(course: Course) -> list[estimate.Planned]:
    """One call per lecture, for `make estimate` (a draft not written yet counts at its
    planned length)."""
    out = []
    for lec in course.outline.lectures:
        path = course.lecture_path(lec.id)
        if path.exists() and estimate.is_done(
            course, course.slides_path(lec.id), stages.stage("scripts").key(course, lec.id)
        ):
            out.append(estimate.Planned(lec.id, True))
            continue
        draft_tokens = estimate.lecture_tokens(lec.minutes)
        text = read_text(path) if path.exists() else "x" * 4 * draft_tokens
        out.append(
            estimate.Planned(
                lec.id,
                False,
                estimate.message_tokens(messages(course, lec.id, text)),
                int(draft_tokens * 1.3),
            )
        )
    return out

"""drafts with an LLM: one call per lecture, several at once, each saved when done."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed

from pipeline import estimate, log
from pipeline.course import Course
from pipeline.providers.llm import calls
from pipeline.stages import drafts

# Earlier lectures in full detail; older ones by title only, so long courses fit.
DETAILED_EARLIER = 12
MIN_WORDS = 40


def write_drafts(course: Course, lecture_ids: list[str], force: bool) -> None:
    """Write the given drafts concurrently (the session's concurrency at a time)."""
    s = calls.session(course)
    bar = log.Progress("drafts", len(lecture_ids))
    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=s.concurrency) as pool:
        futures = [pool.submit(_write_one, course, i, force, stop) for i in lecture_ids]
        try:
            for fut in as_completed(futures):
                if fut.result():
                    bar.step(s.progress())
        except BaseException:
            # Start nothing new; calls in flight finish and are saved (they are paid for).
            stop.set()
            raise


def _write_one(course: Course, lecture_id: str, force: bool, stop: threading.Event) -> bool:
    """Ask for one lecture and save it at once, so an interrupted run keeps it."""
    if stop.is_set():
        return False
    try:
        text = generate(course, lecture_id)
    except BaseException:
        stop.set()
        raise
    drafts.save(course, lecture_id, text, force)
    return True


def generate(course: Course, lecture_id: str) -> str:
    """The draft of one lecture, from the cache or the model."""
    lec = course.lecture(lecture_id)
    return calls.session(course).ask(
        "drafts",
        lecture_id,
        messages(course, lecture_id),
        parse=lambda text: clean(text, lec.title),
        expect_out=estimate.lecture_tokens(lec.minutes),
    )


def messages(course: Course, lecture_id: str) -> list[dict]:
    """The draft prompt: the lecture's plan, the outline, and what came before."""
    t, lec = course.topic, course.lecture(lecture_id)
    return calls.prompt(
        "draft",
        course_title=t.title,
        audience=t.audience or "-",
        level=t.level,
        language=t.language,
        outline=outline_text(course),
        earlier=earlier(course, lecture_id),
        lecture_id=lec.id,
        lecture_title=lec.title,
        section_title=course.outline.section_of(lecture_id).title,
        objectives=_bullets(lec.objectives),
        key_points=_bullets(lec.key_points),
        key_terms=", ".join(lec.key_terms) or "-",
        minutes=f"{lec.minutes:g}",
        words=int(lec.minutes * estimate.WORDS_PER_MINUTE),
    )


def outline_text(course: Course) -> str:
    """Section and lecture titles, one line each."""
    return "\n".join(
        f"{s.title}: " + "; ".join(lec.title for lec in s.lectures) for s in course.outline.sections
    )


def earlier(course: Course, lecture_id: str) -> str:
    """Summaries of the lectures before this one (from the outline, so the prompt does
    not depend on which draft finished first and the cache key stays stable)."""
    ids = [lec.id for lec in course.outline.lectures]
    before = course.outline.lectures[: ids.index(lecture_id)]
    if not before:
        return "- (this is the first lecture)"
    old, recent = before[:-DETAILED_EARLIER], before[-DETAILED_EARLIER:]
    lines = [f"- {lec.title}" for lec in old]
    lines += [
        f"- {lec.title}: "
        + "; ".join(lec.key_points or lec.objectives)
        + (f" (terms: {', '.join(lec.key_terms)})" if lec.key_terms else "")
        for lec in recent
    ]
    return "\n".join(lines)


def clean(text: str, title: str) -> str:
    """The lecture Markdown, checked: a `# Title` first, real content, no wrapper fence."""
    text = text.strip()
    fenced = re.fullmatch(r"```(?:markdown|md)?\s*\n(.*)\n```", text, flags=re.S)
    if fenced:
        text = fenced[1].strip()
    if not text.startswith("# "):
        text = f"# {title}\n\n{text}"
    if len(text.split()) < MIN_WORDS:
        raise calls.Unusable(
            f"the lecture is only {len(text.split())} words; write the whole lecture"
        )
    if text.count("```") % 2:
        raise calls.Unusable("a fenced code block is not closed with ```")
    return text + "\n"


def planned_calls(course: Course) -> list[estimate.Planned]:
    """One call per lecture, for `make estimate`."""
    out = []
    for lec in course.outline.lectures:
        if estimate.is_done(
            course, drafts.STAGE.target(course, lec.id), drafts.STAGE.key(course, lec.id)
        ):
            out.append(estimate.Planned(lec.id, True))
        else:
            out.append(
                estimate.Planned(
                    lec.id,
                    False,
                    estimate.message_tokens(messages(course, lec.id)),
                    estimate.lecture_tokens(lec.minutes),
                )
            )
    return out


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {x}" for x in items) or "- (not given)"

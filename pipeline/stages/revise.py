"""revise: apply a person's review comments in lecture files with the LLM, as a proposal.

Comments are written inline (`<!-- revise: make the example about dictionaries -->`) or
as items under a `## Review comments` heading at the end of the file. The revised
lecture goes beside the person's file as `<id>.proposed.md` and a diff is shown; the
person's file stays the protected version until they run `lectern resolve`.
"""

from __future__ import annotations

import difflib
import re

import click

from pipeline import estimate, log, placeholders, protect
from pipeline.course import Course
from pipeline.errors import ConfigError
from pipeline.fsutil import read_text
from pipeline.providers.llm import calls
from pipeline.stages import drafts, drafts_llm

INLINE = re.compile(r"<!--\s*revise:\s*(.*?)\s*-->", re.S | re.I)
SECTION = placeholders.REVIEW_COMMENTS


def comments(text: str) -> list[str]:
    """The review comments in a lecture file, inline ones first."""
    found = [" ".join(c.split()) for c in INLINE.findall(text)]
    m = SECTION.search(text)
    if m:
        for line in text[m.end() :].splitlines():
            if line.startswith("#"):
                break
            item = line.strip().lstrip("-*").strip()
            if item:
                found.append(item)
    return [c for c in found if c]


def run(course: Course, only: list[str] | None = None, force: bool = False) -> None:
    """Propose a revision of every (or the given) lecture that holds review comments."""
    if not course.topic.uses_llm:
        raise ConfigError(
            f"{course.topic_path}: `make revise` needs an LLM; set "
            "`llm.provider: openai` (and a key or llm.base_url), or apply the "
            "review comments by hand"
        )
    ids = only or [lec.id for lec in course.outline.lectures]
    done = sum(_revise_one(course, i) for i in ids)
    if not done:
        log.info(
            "no review comments found. Write `<!-- revise: what to change -->` in a "
            f"lecture under courses/{course.slug}/lectures/, then run "
            f"`make revise TOPIC={course.slug}`"
        )


def _revise_one(course: Course, lecture_id: str) -> bool:
    """Ask for the revision of one lecture and propose it; False when it has no comments."""
    path = course.lecture_path(lecture_id)
    if not path.exists():
        return False
    text = read_text(path)
    notes = comments(text)
    if not notes:
        return False
    revised = generate(course, lecture_id, text, notes)
    click.echo(diff(course, path, text, revised))
    outcome = protect.write(course.dir, path, revised, drafts.STAGE.key(course, lecture_id))
    log.outcome(course, path, outcome)
    return True


def generate(course: Course, lecture_id: str, text: str, notes: list[str]) -> str:
    """The revised lecture, without the comments."""
    lec = course.lecture(lecture_id)
    msgs = calls.prompt("revise", comments="\n".join(f"- {n}" for n in notes), lecture=text.strip())
    return calls.session(course).ask(
        "revise",
        lecture_id,
        msgs,
        parse=lambda answer: _check(answer, lec.title),
        expect_out=estimate.tokens(text) + 200,
    )


def _check(answer: str, title: str) -> str:
    text = drafts_llm.clean(answer, title)
    if INLINE.search(text) or SECTION.search(text):
        raise calls.Unusable(
            "the review comments are still in the text; apply them and remove them"
        )
    return text


def diff(course: Course, path, before: str, after: str) -> str:
    """A unified diff of the person's file and the proposal."""
    rel = f"courses/{course.slug}/{path.relative_to(course.dir).as_posix()}"
    lines = difflib.unified_diff(
        before.splitlines(True), after.splitlines(True), rel, protect.proposed_path(path).name
    )
    return "".join(lines)

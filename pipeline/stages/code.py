"""code stage: every code block of a lecture run in a sandbox and compared with what the
text says it prints (pipeline/code). It writes output/T/code/ID.json, what each block
printed, only for a lecture whose code passes: the book waits for it, and shows that
output where the text asks. The decks stage checks the slide scripts the same way
(`check_slides`), so an edited slide never remakes the book."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline import log, stages
from pipeline.code import check, fill, fix, sandbox
from pipeline.code.check import Report
from pipeline.course import Course
from pipeline.errors import InputError
from pipeline.formats import jsonfile
from pipeline.formats.code import BlockRun, CodeResults

STAGE = stages.stage("code")
FIX = (
    "fix the lines above; mark a block that is not meant to run with `@run: no` on the "
    "line above its fence (docs/formats.md, Code that runs)"
)


def files(course: Course, lecture_id: str) -> list[Path]:
    return [course.lecture_path(lecture_id), course.slides_path(lecture_id)]


def check_slides(course: Course, lecture_id: str) -> Report:
    """The check of one slide script (the decks stage's first step); an error on failure."""
    path = course.slides_path(lecture_id)
    if not course.topic.code.check:
        return Report(course.root, "code.check is off", {})
    report = check.check_files(course, [path], sandbox.unsafe_local())
    if report.failed:
        raise InputError("\n".join([report.text(passed_files=False), *_fixes(course, report), FIX]))
    return report


def run(course: Course, only: list[str] | None = None, force: bool = False) -> None:
    """Check every lecture whose code, or the check's settings, changed."""
    todo = list(STAGE.pending(course, course.lecture_ids(only), force))
    if not todo:
        return
    if not course.topic.code.check:
        for lecture_id, key in todo:
            save(course, lecture_id, Report(course.root, "code.check is off", {}))
            STAGE.record(course, lecture_id, key)
        log.info(f"code: not run (code.check is off in courses/{course.slug}/topic.yaml)")
        return
    paths = [course.lecture_path(lecture_id) for lecture_id, _ in todo]
    report = check.check_files(course, paths, sandbox.unsafe_local())
    failed = []
    for lecture_id, key in todo:
        if any(
            o.status == "failed" for o in report.outcomes.get(course.lecture_path(lecture_id), [])
        ):
            failed.append(lecture_id)
            continue
        save(course, lecture_id, report)
        STAGE.record(course, lecture_id, key)
    log.info(report.text(passed_files=False).splitlines()[-1])
    if failed:
        raise InputError("\n".join([report.text(passed_files=False), *_fixes(course, report), FIX]))


def check_course(course: Course, only: list[str], unsafe: bool = False) -> None:
    """`make check-code`: the whole report, every file listed; an error when any fails."""
    paths = [p for lecture_id in course.lecture_ids(only) for p in files(course, lecture_id)]
    if not course.topic.code.check:
        log.info(f"code check: off (code.check in courses/{course.slug}/topic.yaml)")
        return
    report = check.check_files(course, paths, unsafe or sandbox.unsafe_local())
    click.echo(report.text())
    if report.failed:
        raise InputError("\n".join(["code check failed", *_fixes(course, report, unsafe), FIX]))


def _fixes(course: Course, report: Report, unsafe: bool = False) -> list[str]:
    """When an LLM writes this course: its proposed fixes (see pipeline/code/fix.py)."""
    return (
        fix.propose(course, report, unsafe or sandbox.unsafe_local())
        if course.topic.uses_llm
        else []
    )


def save(course: Course, lecture_id: str, report: Report) -> None:
    """Write what each block of the lecture did, for the book."""
    runs = [
        BlockRun(
            line=o.block.line,
            language=o.block.language,
            status=o.status,  # type: ignore[arg-type]  # a failing lecture is not saved
            code_sha=fill.code_sha(o.block.code),
            stdout=o.stdout,
        )
        for o in report.outcomes.get(course.lecture_path(lecture_id), [])
    ]
    results = CodeResults(isolation=report.isolation, blocks=runs)
    jsonfile.write(STAGE.target(course, lecture_id), results)

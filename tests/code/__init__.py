"""Tests of the code check (pipeline/code): planted lectures run in the real sandbox, and
each problem is asserted as the person sees it, the `file:line: message` of the report.

Helpers shared by the modules: a project whose code cache is its own (so a planted block
really runs, never answered by another test's run) and whose blocks get a short time limit.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from pipeline.code import check
from pipeline.code.check import Outcome, Report
from pipeline.course import Course
from tests.conftest import make_project

PLANTED = "zz-planted"
REL = f"courses/example/lectures/{PLANTED}.md"


def code_project(dest: Path, time_s: float = 2) -> Path:
    """A project with the example course, `code: {time_s: ...}` and a cache of its own."""
    root = make_project(dest)
    cache = root / "output" / ".cache" / "code"
    cache.unlink()  # make_project shares one cache per test run; these tests need theirs
    cache.mkdir()
    set_time_limit(root, time_s)
    return root


def set_time_limit(root: Path, time_s: float) -> None:
    topic = root / "courses" / "example" / "topic.yaml"
    data = yaml.safe_load(topic.read_text(encoding="utf-8"))
    data["code"] = {"time_s": time_s}
    topic.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def plant(root: Path, text: str, name: str = PLANTED) -> Path:
    """A lecture file that is not in the outline: check_files takes any path."""
    path = root / "courses" / "example" / "lectures" / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    return path


def check_paths(root: Path, paths: list[Path], **kwargs) -> Report:
    return check.check_files(Course.load("example", root), paths, **kwargs)


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The line number of the nth line of `text` that contains `needle`."""
    found = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(found) >= nth, f"{needle!r} is not in the planted text {nth} time(s)"
    return found[nth - 1]


def exact_line(text: str, line: str, nth: int = 1) -> int:
    """The line number of the nth line of `text` that is exactly `line`."""
    found = [n for n, t in enumerate(text.splitlines(), 1) if t == line]
    assert len(found) >= nth, f"no line {line!r} in the planted text"
    return found[nth - 1]


def report_lines(report: Report) -> list[str]:
    return report.text().splitlines()


def outcome_at(report: Report, path: Path, line: int) -> Outcome:
    """The outcome of the block that holds `line` (its opening fence or a line of code)."""
    found = [o for o in report.outcomes[path] if o.block.line <= line <= o.block.end]
    assert found, f"no block holds line {line}: {[o.block.line for o in report.outcomes[path]]}"
    return found[0]

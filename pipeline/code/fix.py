"""When an LLM wrote the course: a file whose code fails goes back to the model with what
the check found, and the fix comes back beside it as ID.proposed.md (never over it),
checked by the same sandbox before it is offered. Every call is cached and ledgered."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline import estimate, log, protect
from pipeline.code import check
from pipeline.code.check import Report
from pipeline.errors import LecternError
from pipeline.fsutil import atomic_write_text, read_text
from pipeline.providers.llm import calls

MAX_PROBLEMS = 6000  # characters of the report sent with the file


def propose(course, report: Report, unsafe_local: bool = False) -> list[str]:
    """Ask for a fix of each failing file; the lines that tell the person where it is."""
    said = []
    for path, outcomes in report.outcomes.items():
        if not any(o.status == "failed" for o in outcomes):
            continue
        try:
            fixed = _ask(course, path, report, unsafe_local)
        except LecternError as exc:  # no usable fix: the report above still says what to do
            log.warn(f"no fix proposed for {report.rel(path)}: {exc.format_message()}")
            continue
        proposal = protect.proposed_path(path)
        atomic_write_text(proposal, fixed)
        said.append(
            f"a fix passes the code check: {report.rel(proposal)}; take it with "
            f"`python -m pipeline resolve --take-proposed {report.rel(path)}`"
        )
    return said


def _problems(report: Report, path: Path) -> str:
    """The report's lines about one file, bounded."""
    lines = [
        line.removeprefix("  ")
        for line in report.text(passed_files=False).splitlines()[1:-1]
        if line.startswith(f"  {report.rel(path)}:") or line.startswith("      ")
    ]
    return "\n".join(lines)[:MAX_PROBLEMS]


def _ask(course, path: Path, report: Report, unsafe_local: bool) -> str:
    text = read_text(path)
    title = text.splitlines()[0] if text.strip() else ""

    def parse(answer: str) -> str:
        fixed = _clean(answer, title)
        again = check.check_files(course, [path], unsafe_local, texts={path: fixed})
        if again.failed:
            raise calls.Unusable(
                "the code still fails the check:\n" + _problems(again, path)[:MAX_PROBLEMS]
            )
        return fixed

    problems = _problems(report, path)
    messages = calls.prompt("code_fix", problems=problems, path=report.rel(path), text=text)
    return calls.session(course).ask(
        "code", path.stem, messages, parse=parse, expect_out=estimate.tokens(text) + 200
    )


def _clean(answer: str, title: str) -> str:
    """The file from the answer: no wrapping fence, its first line as it was."""
    text = answer.strip()
    fenced = re.fullmatch(r"```(?:markdown|md)?\s*\n(.*)\n```", text, flags=re.S)
    if fenced:
        text = fenced[1].strip()
    if title and not text.startswith(title.split()[0]):
        raise calls.Unusable(f"answer with the whole file, starting with its first line: {title}")
    return text + "\n"

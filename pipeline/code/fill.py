"""The real output of a block where the text asks for it: a lecture block marked
`@output: run` gets an output block after it (a `<!-- output -->` line is replaced by
one), and a code slide marked `@output: run` shows it under the code."""

from __future__ import annotations

from pathlib import Path

from pipeline.code.blocks import CodeBlock, find
from pipeline.code.check import Report
from pipeline.errors import InputError
from pipeline.formats import jsonfile
from pipeline.formats.code import BlockRun, CodeResults
from pipeline.fsutil import sha256_bytes


def code_sha(code: str) -> str:
    return sha256_bytes(code.encode("utf-8"))


def wanted(path: Path, text: str) -> list[CodeBlock]:
    """The blocks of a file whose output the text asks Lectern to show."""
    return [b for b in find(path, text) if b.fill or b.placeholder]


def outputs(results_path: Path, blocks: list[CodeBlock]) -> dict[int, str]:
    """What each of these blocks printed, by its fence line, from the code stage's file."""
    if not blocks:
        return {}
    runs = jsonfile.read(CodeResults, results_path, "code").blocks
    found = {}
    for block in blocks:
        run = _match(runs, block)
        if run is None or run.status != "passed":
            raise InputError(
                f"{block.path}:{block.line}: `@output: run` asks for this block's output, "
                "but it was not run (it is skipped, or changed since the code check): "
                f"run `make check-code`"
            )
        found[block.line] = run.stdout
    return found


def _match(runs: list[BlockRun], block: CodeBlock) -> BlockRun | None:
    sha = code_sha(block.code)
    same_line = [r for r in runs if r.code_sha == sha and r.line == block.line]
    found = same_line or [r for r in runs if r.code_sha == sha]
    return found[0] if found else None


def lecture_text(path: Path, text: str, results_path: Path) -> str:
    """The lecture with each requested output written in as a ```text block."""
    blocks = wanted(path, text)
    if not blocks:
        return text
    printed = outputs(results_path, blocks)
    lines = text.splitlines()
    # from the end, so earlier line numbers stay right
    for block in sorted(blocks, key=lambda b: b.line, reverse=True):
        shown = ["", "```text", *printed[block.line].rstrip("\n").splitlines(), "```"]
        if block.placeholder:
            lines[block.placeholder - 1 : block.placeholder] = shown[1:]
        else:
            lines[block.end : block.end] = shown
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")


COMMENT = {"sql": "--", "sqlite": "--", "javascript": "//", "js": "//", "node": "//"}


def slide_outputs(report: Report, path: Path, slides: list) -> dict[int, str]:
    """What each code slide marked `@output: run` printed (from the slide script's code
    check), by the slide's heading line."""
    runs = {
        code_sha(o.block.code): o for o in report.outcomes.get(path, []) if o.status == "passed"
    }
    found = {}
    for s in (s for s in slides if s.kind == "code" and s.output):
        run = runs.get(code_sha(s.code))
        if run is None:
            raise InputError(
                f"{path}:{s.line}: slide '{s.title}' asks for `@output: run`, but its code "
                "does not run (it is `@run: no`, or its language is not run)"
            )
        found[s.line] = run.stdout
    return found


def with_output(code: str, language: str, printed: str) -> str:
    """A slide's code with what it printed under it, as comments of its language."""
    mark = COMMENT.get(language, "#")
    shown = [f"{mark} {line}".rstrip() for line in printed.rstrip("\n").splitlines()]
    return "\n".join([code.rstrip("\n"), "", f"{mark} Output:", *(shown or [f"{mark} (nothing)"])])

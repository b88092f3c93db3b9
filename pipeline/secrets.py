"""API keys come from the environment or a git-ignored `.env` file, and stay in memory."""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.course import project_root


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a .env file (comments, `export` and quotes allowed)."""
    if not path.is_file():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip().removeprefix("export ").strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.partition("=")
        out[name.strip()] = value.strip().strip("'\"")
    return out


def environment(root: Path | None = None) -> dict[str, str]:
    """The process environment over the project's .env (the environment wins)."""
    return {**read_dotenv((root or project_root()) / ".env"), **os.environ}

"""Theme files for tests: Lectern's default theme.yaml with some colours changed."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import REPO

DEFAULT = REPO / "assets" / "themes" / "default" / "theme.yaml"


def write_theme(path: Path, **colours: str) -> Path:
    """A valid theme.yaml at `path`: the default theme with `colours` (role=hex) changed."""
    text = DEFAULT.read_text(encoding="utf-8")
    for role, value in colours.items():
        text, n = re.subn(
            rf'^(  {role}: )"[0-9A-Fa-f]{{6}}"$', rf'\g<1>"{value}"', text, flags=re.M
        )
        assert n == 1, f"no colour '{role}' in {DEFAULT}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path

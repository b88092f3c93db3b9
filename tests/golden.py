"""Golden files for text outputs. `make golden` rewrites them on purpose."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"


def assert_golden(name: str, text: str) -> None:
    """Compare text with tests/golden/<name>; refresh it when LECTERN_UPDATE_GOLDEN=1."""
    path = GOLDEN / name
    if os.environ.get("LECTERN_UPDATE_GOLDEN") == "1" or not path.exists():
        if not path.exists() and os.environ.get("CI"):
            raise AssertionError(f"golden file {path} is missing; run `make golden`")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(True), text.splitlines(True), "golden", "actual"
            )
        )
        raise AssertionError(
            f"{name} differs from its golden file (`make golden` to accept):\n{diff[:4000]}"
        )

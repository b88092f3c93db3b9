"""A platform rule's verdict, shared by the Udemy check and the modules of its rules."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Rule:
    """One rule's verdict: what was measured and, when it fails, how to fix it."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    warning: bool = False  # advice: shown, but it does not hold the course back

"""One exception family; click prints the message and exits without a traceback."""

from __future__ import annotations

from pathlib import Path

import click


def remake(path: Path, stage: str, force: bool = True) -> str:
    """The command that makes a file under output/<topic>/ again. FORCE=1 for a file that
    exists but is damaged: Make takes it for current."""
    parts = Path(path).parts
    slug = parts[parts.index("output") + 1] if "output" in parts[:-1] else "<topic>"
    return f"`make {stage} TOPIC={slug}{' FORCE=1' if force else ''}`"


class LecternError(click.ClickException):
    """Base of every error a person can act on."""

    exit_code = 1

    def format_message(self) -> str:
        return self.message

    def show(self, file=None) -> None:  # noqa: D102 - click's hook
        click.secho(f"error: {self.format_message()}", err=True, fg="red")


class ConfigError(LecternError):
    """topic.yaml (or another source file) is invalid."""


class InputError(LecternError):
    """A source file a stage reads is missing or malformed."""


class ProviderError(LecternError):
    """An LLM or TTS provider failed in a way retries did not fix."""

    def __init__(self, message: str, status: str = "error"):
        super().__init__(message)
        self.status = status  # what the ledger records: error, quota, rate_limit, refusal…


class BudgetError(LecternError):
    """The next paid call would exceed the course budget."""


class DiskFull(LecternError):
    """A write failed because the disk (or the person's quota) is full."""


class ToolMissing(LecternError):
    """A system program (LibreOffice, Java, ffmpeg) is not installed."""


class CheckpointPending(LecternError):
    """A review checkpoint waits for the person: a normal stop, not a failure."""

    exit_code = 75

    def show(self, file=None) -> None:  # noqa: D102 - click's hook
        click.secho(self.format_message(), err=True, fg="yellow")

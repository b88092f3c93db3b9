"""One exception family; click prints the message and exits without a traceback."""

from __future__ import annotations

import click


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

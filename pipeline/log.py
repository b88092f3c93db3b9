"""Console messages and progress for people (stderr; stdout stays clean for data)."""

from __future__ import annotations

import sys
import threading
import time

import click


def info(msg: str) -> None:
    """A line of progress."""
    click.echo(msg, err=True)


def warn(msg: str) -> None:
    """Something the person should look at; the run goes on."""
    click.secho(f"warning: {msg}", err=True, fg="yellow")


def outcome(course, path, what: str) -> None:
    """Say what happened to a course file: written, kept (with a proposal), or deleted."""
    rel = f"courses/{course.slug}/{path.relative_to(course.dir).as_posix()}"
    if what == "written":
        info(f"wrote {rel}")
    elif what == "proposed":
        stem, _, ext = rel.rpartition(".")
        warn(
            f"{rel} was edited by hand, so it was kept. The regenerated version is beside "
            f"it as {stem}.proposed.{ext}. Take it with `lectern resolve {rel} "
            f"--take-proposed`, or keep yours with `lectern resolve {rel} --keep-mine`."
        )
    elif what == "deleted":
        warn(
            f"{rel} was deleted by hand, so it was not regenerated. Run with FORCE=1 to "
            "make it again, or remove the lecture from outline.yaml."
        )


class Progress:
    """A one-line progress bar: `stage  [####----] 3/8  extra`."""

    def __init__(self, label: str, total: int):
        self.label, self.total, self.done, self.start = label, total, 0, time.monotonic()
        self.tty = sys.stderr.isatty()
        self._lock = threading.Lock()  # stages step it from worker threads

    def step(self, extra: str = "") -> None:
        """Count one item done and redraw."""
        with self._lock:
            self._step(extra)

    def _step(self, extra: str) -> None:
        self.done += 1
        width = 20
        fill = int(width * self.done / max(self.total, 1))
        bar = "#" * fill + "-" * (width - fill)
        line = f"{self.label:<10} [{bar}] {self.done}/{self.total} {extra}".rstrip()
        if self.tty:
            click.echo("\r" + line, err=True, nl=self.done >= self.total)
        else:
            click.echo(line, err=True)

"""Thin click commands over the library: each loads the course and calls one function."""

from __future__ import annotations

import importlib
import os
import signal
import sys
import traceback
from pathlib import Path

import click

from pipeline import stages, stamps
from pipeline.course import Course
from pipeline.errors import LecternError

DEBUG = {"on": False}


def _force_default() -> bool:
    return os.environ.get("FORCE", "") not in ("", "0")


def _call(target: str, *args, **kwargs):
    """Import `module:function` lazily (keeps startup fast) and call it."""
    module, func = target.split(":")
    return getattr(importlib.import_module(module), func)(*args, **kwargs)


@click.group()
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def cli(debug: bool) -> None:
    """Lectern: turn a topic into a course and an e-book, one stage at a time."""
    DEBUG["on"] = debug or os.environ.get("LECTERN_DEBUG") == "1"
    stamps.begin_run()


def _stage_command(name: str, summary: str) -> click.Command:
    """A command that runs one stage for a course (optionally some lectures)."""

    @click.command(name=name, help=f"Run the '{name}' stage: {summary}.")
    @click.argument("topic")
    @click.option("--lecture", "lectures", multiple=True, help="Only this lecture id.")
    @click.option("--section", "sections", multiple=True, help="Only this section id.")
    @click.option(
        "--force",
        is_flag=True,
        default=_force_default,
        help="Overwrite hand-edited files (a backup is kept).",
    )
    def command(topic: str, lectures: tuple, sections: tuple, force: bool) -> None:
        course = Course.load(topic)
        only = list(lectures or sections) or None
        stages.run(name, course, only, force=force)

    return command


for _stage in stages.REGISTRY:
    cli.add_command(_stage_command(_stage.name, _stage.summary))


@cli.command()
@click.argument("topic")
def new(topic: str) -> None:
    """Scaffold courses/TOPIC/topic.yaml with every field explained."""
    click.echo(_call("pipeline.scaffold:new_topic", topic))


@cli.command("check-topic")
@click.argument("topic")
def check_topic(topic: str) -> None:
    """Exit 0 when TOPIC names a course with a valid topic.yaml."""
    Course.load(topic)


@cli.command()
@click.argument("topic")
def rules(topic: str) -> None:
    """Write the course's lecture and section ids for the Make rules."""
    click.echo(_call("pipeline.rules:write", Course.load(topic)))


@cli.command()
def makefile() -> None:
    """Regenerate pipeline/stages.mk from the stage registry."""
    click.echo(_call("pipeline.rules:write_stages_mk"))


@cli.command()
@click.argument("topic")
@click.argument("stage", type=click.Choice(["outline", "drafts"]), metavar="STAGE")
def checkpoint(topic: str, stage: str) -> None:
    """Stop (exit 75) with instructions when STAGE waits for review."""
    _call("pipeline.review:checkpoint", Course.load(topic), stage)


@cli.command()
@click.argument("topic")
@click.argument("stage", type=click.Choice(["outline", "drafts", "scripts"]), metavar="STAGE")
@click.option("--force", is_flag=True, help="Approve files that still hold placeholders.")
def approve(topic: str, stage: str, force: bool) -> None:
    """Record that you reviewed and approved STAGE's files."""
    click.echo(_call("pipeline.review:approve", Course.load(topic), stage, force))


@cli.command()
@click.argument("topic")
def status(topic: str) -> None:
    """Print each stage's state for each lecture."""
    click.echo(_call("pipeline.status:table", Course.load(topic)))


@cli.command()
@click.argument("topic")
@click.option("--lecture", default=None, help="Only this lecture (and its section).")
def why(topic: str, lecture: str | None) -> None:
    """Say what changed for every stage output that is not up to date."""
    click.echo(_call("pipeline.status:why", Course.load(topic), lecture))


@cli.command()
@click.argument("topic")
def clean(topic: str) -> None:
    """Delete output/TOPIC (never anything under courses/)."""
    click.echo(_call("pipeline.scaffold:clean", Course.load(topic)))


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--take-proposed", "take", flag_value=True, help="Use the regenerated version.")
@click.option("--keep-mine", "take", flag_value=False, help="Keep your edited version.")
def resolve(path: Path, take: bool | None) -> None:
    """Settle a file that has a .proposed version beside it."""
    click.echo(_call("pipeline.scaffold:resolve", path, take))


@cli.command()
@click.argument("topic")
def costs(topic: str) -> None:
    """Show every LLM call made for a course, with tokens and cost."""
    click.echo(_call("pipeline.ledger:report", Course.load(topic)))


@cli.command()
@click.argument("topic")
def estimate(topic: str) -> None:
    """Predict tokens and dollars for the text stages before running them."""
    click.echo(_call("pipeline.forecast:report", Course.load(topic)))


@cli.command()
@click.argument("topic")
@click.option("--lecture", "lectures", multiple=True, help="Only this lecture id.")
def revise(topic: str, lectures: tuple) -> None:
    """Apply the review comments written in lecture files."""
    _call("pipeline.stages.revise:run", Course.load(topic), list(lectures) or None)


@cli.command("check-video")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def check_video(path: Path) -> None:
    """Verify an MP4 meets Lectern's (and Udemy's) video rules."""
    click.echo(_call("pipeline.checks.video:report", path))


@cli.command("check-script")
@click.argument("topic")
@click.option("--lecture", default=None, help="Only this lecture.")
def check_script(topic: str, lecture: str | None) -> None:
    """List what of each lecture is on no slide, said twice, or held on one slide too long."""
    click.echo(_call("pipeline.checks.script:report", Course.load(topic), lecture))


@cli.command("check-code")
@click.argument("topic")
@click.option("--lecture", "lectures", multiple=True, help="Only this lecture id.")
@click.option(
    "--unsafe-local", is_flag=True, help="Run without a sandbox: only for code you trust."
)
def check_code(topic: str, lectures: tuple, unsafe_local: bool) -> None:
    """Run every code block in a sandbox; report where it differs from what the text says."""
    _call("pipeline.stages.code:check_course", Course.load(topic), list(lectures), unsafe_local)


@cli.command("check-udemy")
@click.argument("topic")
def check_udemy(topic: str) -> None:
    """Report every Udemy rule with pass/fail and the fix."""
    click.echo(_call("pipeline.checks.udemy:report", Course.load(topic)))


@cli.command()
@click.argument("topic")
def preview(topic: str) -> None:
    """Write the review site to output/TOPIC/preview/."""
    click.echo(_call("pipeline.preview:build", Course.load(topic)))


@cli.command()
@click.argument("topic")
@click.option("--port", default=8000, show_default=True)
def serve(topic: str, port: int) -> None:
    """Serve the review site on 127.0.0.1."""
    _call("pipeline.preview:serve", Course.load(topic), port)


@cli.command()
@click.option(
    "--check",
    is_flag=True,
    help="Change nothing; exit 1 naming each generated block that is not current.",
)
def docs(check: bool) -> None:
    """Rewrite the generated parts of docs/*.md and README.md (`make docs`)."""
    click.echo(_call("pipeline.gendocs:verify" if check else "pipeline.gendocs:write"))


def _interrupt(signum, _frame) -> None:
    # Make passes a SIGTERM on to its children as well: a second one must not cut short
    # the paid call we are now waiting for, so further ones are ignored.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main() -> None:
    """Entry point: errors print a clear message; tracebacks only with --debug."""
    # `kill` and a closed terminal stop a run the way Ctrl-C does: work in flight (a paid
    # call) finishes and is saved, nothing half-made is left, no traceback.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _interrupt)
    try:
        cli.main(standalone_mode=False)
    except LecternError as e:
        if DEBUG["on"]:
            traceback.print_exc()
        e.show()
        sys.exit(e.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo(
            "interrupted: finished work is kept; run the same command again to go on", err=True
        )
        sys.exit(130)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except OSError as e:  # a file that could not be written or read: one line naming it
        if DEBUG["on"]:
            traceback.print_exc()
        from pipeline.course import project_root
        from pipeline.fsutil import os_error_message

        click.secho(f"error: {os_error_message(e, project_root() / 'output')}", err=True, fg="red")
        sys.exit(1)
    except Exception as e:  # noqa: BLE001 - last resort: one line, not a traceback
        if DEBUG["on"]:
            traceback.print_exc()
        else:
            click.secho(
                f"internal error: {type(e).__name__}: {e}\n"
                "Run again with `lectern --debug …` (or LECTERN_DEBUG=1) for details.",
                err=True,
                fg="red",
            )
        sys.exit(1)

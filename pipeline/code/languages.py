"""Which fenced languages the code check runs, parses, or leaves alone (and why)."""

from __future__ import annotations

import functools
import json
import platform
import re
import shutil
import sqlite3
import subprocess
import tomllib

import yaml

RUN = {
    "python": "python",
    "py": "python",
    "python3": "python",
    "pycon": "python",
    "sql": "sql",
    "sqlite": "sql",
    "sh": "shell",
    "bash": "shell",
    "shell": "shell",
    "console": "shell",  # a transcript: `$ command` lines, then what they print
    "shell-session": "shell",
    "javascript": "javascript",
    "js": "javascript",
    "node": "javascript",
}
PARSE = {"json": "json", "yaml": "yaml", "yml": "yaml", "toml": "toml"}
NOT_CODE = {"text", "txt", "plaintext", "output", "stdout", "result", "mermaid", "dot"}
TRANSCRIPTS = {"console", "shell-session"}
NEEDS = {"shell": "bash", "javascript": "node"}  # the program each needs besides Python
SUPPORTED = "python, sql (SQLite), sh/bash, javascript (node); json, yaml and toml are parsed"


def kind(language: str) -> str:
    """run: python|sql|shell|javascript; parse: json|yaml|toml; '' for the rest."""
    return RUN.get(language) or PARSE.get(language) or ""


def missing_tool(k: str) -> str:
    """The program a language needs that is not installed ('' when all are)."""
    tool = NEEDS.get(k)
    return tool if tool and not shutil.which(tool) else ""


@functools.cache
def version(k: str) -> str:
    """The language's version, part of the cache key: a new Python re-checks."""
    if k == "python":
        return f"{platform.python_implementation()} {platform.python_version()}"
    if k == "sql":
        return f"SQLite {sqlite3.sqlite_version}"
    tool = NEEDS.get(k)
    if not tool or not shutil.which(tool):
        return ""
    done = subprocess.run([tool, "--version"], capture_output=True, text=True, timeout=20)
    return done.stdout.splitlines()[0].strip() if done.stdout else ""


def parse_error(k: str, code: str) -> tuple[int, str] | None:
    """(line within the block, message) when YAML, JSON or TOML does not parse."""
    try:
        if k == "json":
            json.loads(code)
        elif k == "yaml":
            list(yaml.safe_load_all(code))
        else:
            tomllib.loads(code)
    except json.JSONDecodeError as exc:
        return exc.lineno, f"invalid JSON: {exc.msg}"
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        return (mark.line + 1 if mark else 1), f"invalid YAML: {problem}"
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+)", str(exc))
        last = len(code.rstrip("\n").splitlines()) or 1  # "(at end of document)"
        return (int(m[1]) if m else last), f"invalid TOML: {str(exc).split(' (at')[0]}"
    return None

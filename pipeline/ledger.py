"""The ledger: one SQLite row per LLM call (or cache hit), and `lectern costs`.

It lives in output/.cache/ledger.sqlite beside the call cache, so `make clean` (which
removes output/<topic>/) does not forget money already spent against budget_usd.
Rows hold counts and names only: never prompts, answers or keys.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

COLUMNS = (
    "at",
    "course",
    "stage",
    "item",
    "provider",
    "model",
    "tokens_in",
    "tokens_out",
    "cost_usd",
    "seconds",
    "cache_hit",
    "status",
)
SCHEMA = """CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY, at TEXT, course TEXT, stage TEXT, item TEXT, provider TEXT,
    model TEXT, tokens_in INTEGER, tokens_out INTEGER, cost_usd REAL, seconds REAL,
    cache_hit INTEGER, status TEXT)"""


def path(course) -> Path:
    """Where the ledger is."""
    return course.cache_dir / "ledger.sqlite"


def _connect(course) -> sqlite3.Connection:
    """A connection with the table in place; waits for other writers (make -j)."""
    p = path(course)
    p.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(p, timeout=30)
    con.execute(SCHEMA)
    return con


def record(course, **row) -> None:
    """Append one call: stage, item, provider, model, tokens, cost, seconds, cache hit."""
    row = {"at": time.strftime("%Y-%m-%dT%H:%M:%S"), "course": course.slug, **row}
    values = [row.get(c) for c in COLUMNS]
    with closing(_connect(course)) as con, con:
        con.execute(
            f"INSERT INTO calls ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
            values,
        )


def spent(course) -> float:
    """Dollars spent on real calls for this course so far."""
    if not path(course).exists():
        return 0.0
    with closing(_connect(course)) as con:
        (total,) = con.execute(
            "SELECT COALESCE(SUM(cost_usd), 0) FROM calls WHERE course = ? AND cache_hit = 0",
            (course.slug,),
        ).fetchone()
    return float(total)


def rows(course) -> list[dict]:
    """Every call recorded for this course, oldest first."""
    if not path(course).exists():
        return []
    with closing(_connect(course)) as con:
        cur = con.execute(
            f"SELECT {', '.join(COLUMNS)} FROM calls WHERE course = ? ORDER BY id", (course.slug,)
        )
        return [dict(zip(COLUMNS, r, strict=True)) for r in cur.fetchall()]


def summary(course) -> dict[str, dict]:
    """Per stage: requests, cache hits, failures, tokens in/out, dollars, seconds."""
    out: dict[str, dict] = {}
    for r in rows(course):
        s = out.setdefault(
            r["stage"],
            dict.fromkeys(
                (
                    "requests",
                    "cache_hits",
                    "failed",
                    "tokens_in",
                    "tokens_out",
                    "cost_usd",
                    "seconds",
                ),
                0,
            ),
        )
        hit = bool(r["cache_hit"])
        s["cache_hits" if hit else "requests"] += 1
        s["failed"] += r["status"] not in ("stop", "cache")  # refusals, quota, limits…
        if not hit:
            s["tokens_in"] += r["tokens_in"] or 0
            s["tokens_out"] += r["tokens_out"] or 0
            s["cost_usd"] += r["cost_usd"] or 0.0
            s["seconds"] += r["seconds"] or 0.0
    return out


def report(course) -> str:
    """The `lectern costs` table."""
    stats = summary(course)
    if not stats:
        return f"no LLM calls recorded for {course.slug} yet ({path(course)})"
    head = (
        f"{'stage':<10}{'requests':>9}{'cached':>8}{'failed':>8}{'tokens in':>11}"
        f"{'tokens out':>12}{'cost USD':>11}{'seconds':>9}"
    )
    lines = [head, "-" * len(head)]
    total = dict.fromkeys(next(iter(stats.values())), 0)
    for stage, s in stats.items():
        lines.append(_line(stage, s))
        for k, v in s.items():
            total[k] += v
    lines += [
        "-" * len(head),
        _line("total", total),
        f"budget: ${course.topic.budget_usd:.2f} in {course.topic_path.name}, "
        f"${max(course.topic.budget_usd - total['cost_usd'], 0):.4f} left",
    ]
    return "\n".join(lines)


def _line(label: str, s: dict) -> str:
    return (
        f"{label:<10}{s['requests']:>9}{s['cache_hits']:>8}{s['failed']:>8}"
        f"{s['tokens_in']:>11}{s['tokens_out']:>12}{s['cost_usd']:>11.4f}"
        f"{s['seconds']:>9.1f}"
    )

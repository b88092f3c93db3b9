"""The home page (status, review, minutes, checks) and the outline page."""

from __future__ import annotations

import importlib
from pathlib import Path

from pipeline import review, status
from pipeline.errors import LecternError
from pipeline.preview.html import bullets, esc, href, lecture_page, page, quiz_page, state, table
from pipeline.preview.media import duration
from pipeline.preview.sources import mark, waiting

CHECKS = (("Udemy", "pipeline.checks.udemy"), ("KDP", "pipeline.checks.kdp"))


def render_home(course, page_dir: Path) -> str:
    """Course title, what waits for review, the status table, minutes and checks."""
    t = course.topic
    sub = f'<p class="subtitle">{esc(t.subtitle)}</p>' if t.subtitle else ""
    main = "".join(
        [
            f"<h1>{esc(t.title)}</h1>{sub}",
            _facts(course),
            _review(course, page_dir),
            _proposals(course, page_dir),
            _status(course),
            _checks(course),
        ]
    )
    return page(course, "Home", main, "index.html")


def _lectures(course) -> list:
    try:
        return course.outline.lectures
    except LecternError:
        return []


def _facts(course) -> str:
    """Headline numbers: lectures, planned minutes, rendered video minutes."""
    lectures = _lectures(course)
    videos = [course.video_path(x.id) for x in lectures if course.video_path(x.id).exists()]
    seconds = round(sum(duration(v) or 0 for v in videos))
    planned = sum(x.minutes for x in lectures)
    items = [
        ("Lectures", str(len(lectures))),
        ("Planned minutes", f"{planned:g}"),
        ("Video length", f"{seconds // 60} min {seconds % 60:02d} s"),
        ("Lectures rendered", f"{len(videos)} of {len(lectures)}"),
    ]
    body = "".join(f"<div><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>" for k, v in items)
    return f'<dl class="facts" aria-label="Course facts">{body}</dl>'


def _review(course, page_dir: Path) -> str:
    """What waits for the person's review, and the exact command to approve it."""
    parts = []
    for stage in ("outline", "drafts"):
        try:
            files = review.pending(course, stage)
        except LecternError as e:
            parts.append(f'<p class="error">{esc(e.message)}</p>')
            continue
        if files:
            parts.append(_pending(course, stage, files, page_dir))
    if not parts:
        parts = ['<p class="notice ok">Nothing is waiting for review.</p>']
    return (
        '<section aria-labelledby="review-h"><h2 id="review-h">Review</h2>'
        + "".join(parts)
        + "</section>"
    )


def _pending(course, stage: str, files: list[str], page_dir: Path) -> str:
    links = "".join(
        f'<li><a href="{href(page_dir, course.dir / f)}">{esc(f)}</a></li>' for f in files
    )
    cmd = esc(f"make approve TOPIC={course.slug} STAGE={stage} && make course TOPIC={course.slug}")
    return (
        f'<div class="notice"><p><strong>Checkpoint “{esc(stage)}”</strong> waits for '
        f'you: read and edit these files, then approve.</p><ul class="files">{links}</ul>'
        f'<code class="command">{cmd}</code></div>'
    )


def _proposals(course, page_dir: Path) -> str:
    """Files with a regenerated version waiting beside the person's edit."""
    paths = [course.outline_path]
    for lec in _lectures(course):
        paths += [course.lecture_path(lec.id), course.slides_path(lec.id)]
    paths += [course.quiz_path(s.id) for s in _sections(course)]
    waits = [f"<li>{mark(course, p, page_dir)}</li>" for p in paths if waiting(course, p)]
    if not waits:
        return ""
    return (
        '<section aria-labelledby="prop-h"><h2 id="prop-h">Regenerated versions waiting'
        f'</h2><ul class="files">{"".join(waits)}</ul></section>'
    )


def _sections(course) -> list:
    try:
        return course.outline.sections
    except LecternError:
        return []


def _status(course) -> str:
    """The same table `make status` prints, as HTML."""
    tables, notes = status.grids(course)
    blocks = [_status_table(course, t) for t in tables]
    blocks += [f'<p class="error">{esc(note)}</p>' for note in notes]
    return (
        '<section aria-labelledby="status-h"><h2 id="status-h">Status</h2>'
        '<p class="meta">The same facts as <code>make status</code>.</p>'
        + "".join(blocks)
        + "</section>"
    )


def _status_table(course, grid: list[list[str]]) -> str:
    """One status grid as an HTML table, its first column linked to the page."""
    head, rows = [esc(h) for h in grid[0]], grid[1:]
    return table(head, [[_row_link(course, r[0])] + [state(c) for c in r[1:]] for r in rows])


def _row_link(course, name: str) -> str:
    ids = {x.id for x in _lectures(course)}
    if name in ids:
        return f'<a href="{lecture_page(name)}">{esc(name)}</a>'
    if name.startswith("quiz ") and name[5:] in {s.id for s in _sections(course)}:
        return f'<a href="{quiz_page(name[5:])}">{esc(name)}</a>'
    if name == "outline":
        return f'<a href="outline.html">{esc(name)}</a>'
    return esc(name)


def _checks(course) -> str:
    """Udemy and KDP check reports, from their modules when those exist."""
    parts = [f"<h3>{esc(label)}</h3>{_check(course, module)}" for label, module in CHECKS]
    return (
        '<section aria-labelledby="checks-h"><h2 id="checks-h">Platform checks</h2>'
        + "".join(parts)
        + "</section>"
    )


def _check(course, module: str) -> str:
    """One platform's rules, and the report file its stage wrote, when there is one."""
    written = course.out / "udemy" / "CHECK.md" if module.endswith(".udemy") else None
    note = (
        f'<p class="meta">The last build wrote this report to <code>output/{esc(course.slug)}'
        "/udemy/CHECK.md</code>.</p>"
        if written and written.exists()
        else ""
    )
    return note + _verdicts(course, module)


def _verdicts(course, module: str) -> str:
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return f'<p class="meta">No check yet ({esc(module)} is not built).</p>'
    try:
        rules = mod.check(course) if hasattr(mod, "check") else None
        if isinstance(rules, list) and all(hasattr(r, "ok") for r in rules):
            return _rules(rules)
        return f"<pre>{esc(mod.report(course))}</pre>"
    except LecternError as e:
        return f'<p class="error">{esc(e.message)}</p>'
    except Exception as e:  # a check under construction must not sink the whole preview
        return f'<p class="error">The check failed: {esc(type(e).__name__)}: {esc(e)}</p>'


def _rules(rules: list) -> str:
    """Rule verdicts (name, ok, detail, fix) as a table with a one-line summary; a
    warning is shown but is not a rule to pass."""
    failed = sum(not r.ok and not getattr(r, "warning", False) for r in rules)
    binding = sum(not getattr(r, "warning", False) for r in rules)
    rows = [
        [
            esc(r.name),
            state("pass") if r.ok else state("warn" if getattr(r, "warning", False) else "fail"),
            esc(r.detail)
            + (f"<br><em>fix:</em> {esc(r.fix)}" if not r.ok and getattr(r, "fix", "") else ""),
        ]
        for r in rules
    ]
    verdict = (
        f'<p class="notice ok">Ready: all {binding} rules pass.</p>'
        if not failed
        else f'<p class="notice">Not ready: {failed} of {binding} rules fail.</p>'
    )
    return verdict + table(["rule", "verdict", "measured"], rows)


def render_outline(course, page_dir: Path) -> str:
    """Sections and lectures with objectives and key points."""
    parts = ["<h1>Outline</h1>", f"<p>{mark(course, course.outline_path, page_dir)}</p>"]
    try:
        sections = course.outline.sections
    except LecternError as e:
        return page(
            course,
            "Outline",
            "".join(parts) + f'<p class="error">{esc(e.message)}</p>',
            "outline.html",
        )
    parts += [_outline_section(s) for s in sections]
    return page(course, "Outline", "".join(parts), "outline.html")


def _outline_section(section) -> str:
    lis = "".join(
        f'<li><h3><a href="{lecture_page(x.id)}">{esc(x.title)}</a></h3>'
        f'<p class="meta">{esc(x.id)} · about {x.minutes:g} min</p>'
        f"{'<p>Objectives:</p>' + bullets(x.objectives) if x.objectives else ''}"
        f"{'<p>Key points:</p>' + bullets(x.key_points) if x.key_points else ''}</li>"
        for x in section.lectures
    )
    return (
        f'<section class="outline-section card"><h2>{esc(section.title)}</h2>'
        f'<ol>{lis}</ol><p><a href="{quiz_page(section.id)}">Section quiz</a></p></section>'
    )

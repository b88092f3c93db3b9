"""Small HTML-building helpers shared by the preview pages (no template engine)."""

from __future__ import annotations

import difflib
import html
import os
from pathlib import Path
from string import Template
from urllib.parse import quote

from pipeline.errors import LecternError

TEMPLATES = Path(__file__).parent / "templates"
# Pages load only their own stylesheet, frames and media (and captions inlined as data:
# URLs); no script runs, even one a draft smuggled past the sanitiser. Sent as a <meta>
# for file:// and as a header by `make serve`.
CSP = (
    "default-src 'none'; script-src 'none'; object-src 'none'; style-src 'self'; "
    "img-src 'self' data:; media-src 'self' data:; base-uri 'none'; form-action 'none'"
)

# How a state word from `make status` or the manifest is coloured.
STATE_CLASS = {
    "up to date": "s-ok",
    "built": "s-ok",
    "generated": "s-ok",
    "approved": "s-ok",
    "pass": "s-ok",
    "fail": "s-bad",
    "warn": "s-warn",
    "stale": "s-warn",
    "waiting for review": "s-warn",
    "proposed version waiting": "s-warn",
    "edited by hand": "s-info",
    "written by hand": "s-info",
    "missing": "s-bad",
    "deleted by hand": "s-bad",
}


def esc(text: object) -> str:
    """Escape text for HTML content and attribute values."""
    return html.escape(str(text), quote=True)


def href(page_dir: Path, target: Path) -> str:
    """A relative, URL-quoted link from the preview folder to a file."""
    rel = os.path.relpath(Path(target), Path(page_dir))
    return quote(Path(rel).as_posix())


def state(word: str) -> str:
    """A coloured badge for a state word."""
    return f'<span class="state {STATE_CLASS.get(word, "")}">{esc(word)}</span>'


def page(course, title: str, main: str, current: str) -> str:
    """Wrap a page body in the site layout."""
    text = (TEMPLATES / "page.html").read_text(encoding="utf-8")
    return Template(text).substitute(
        csp=CSP,
        lang=esc(course.topic.language),
        title=esc(title),
        course=esc(course.topic.title),
        slug=esc(course.slug),
        nav=_nav(course, current),
        main=main,
    )


def _nav(course, current: str) -> str:
    links = [("index.html", "Home"), ("outline.html", "Outline"), ("terms.html", "Terms")]
    try:
        links += [(quiz_page(s.id), f"Quiz {s.id[:2]}") for s in course.outline.sections]
    except LecternError:  # a broken outline must not break the page frame
        pass
    here = ' aria-current="page"'
    return "\n".join(
        f'<li><a href="{esc(url)}"{here if url == current else ""}>{esc(label)}</a></li>'
        for url, label in links
    )


def lecture_page(lecture_id: str) -> str:
    """File name of a lecture's page."""
    return f"lecture-{lecture_id}.html"


def quiz_page(section_id: str) -> str:
    """File name of a section quiz's page."""
    return f"quiz-{section_id}.html"


def bullets(items: list[str]) -> str:
    """A plain bullet list."""
    return "<ul>" + "".join(f"<li>{esc(x)}</li>" for x in items) + "</ul>" if items else ""


def table(head: list[str], rows: list[list[str]], caption: str = "") -> str:
    """A table whose cells are already HTML."""
    cap = f'<caption class="meta">{esc(caption)}</caption>' if caption else ""
    th = "".join(f'<th scope="col">{h}</th>' for h in head)
    body = "".join("<tr>" + "".join(_cell(i, c) for i, c in enumerate(r)) + "</tr>" for r in rows)
    return (
        f'<div class="table-wrap"><table>{cap}<thead><tr>{th}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _cell(i: int, content: str) -> str:
    return f'<th scope="row">{content}</th>' if i == 0 else f"<td>{content}</td>"


def diff(old: str, new: str, old_name: str, new_name: str) -> str:
    """A unified diff as a coloured <pre> block."""
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), old_name, new_name, lineterm=""
    )
    out = [f'<span class="{_diff_class(x)}">{esc(x)}</span>' for x in lines]
    return '<pre class="diff"><code>' + "".join(out) + "</code></pre>"


def _diff_class(line: str) -> str:
    if line.startswith(("+++", "---", "@@")):
        return "hunk"
    return {"+": "add", "-": "del"}.get(line[:1], "ctx")

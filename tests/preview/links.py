"""A broken-link checker for the static preview: every href/src must resolve."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Refs(HTMLParser):
    """Collect element ids and every href/src of a page."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name in ("href", "src") and value is not None:
                self.refs.append((tag, value))


def parse(page: Path) -> _Refs:
    """The ids and references of one HTML file."""
    refs = _Refs()
    refs.feed(page.read_text(encoding="utf-8"))
    return refs


def broken_links(folder: Path) -> list[str]:
    """Every reference in folder/*.html that points nowhere; external URLs count as broken."""
    pages = {p.resolve(): parse(p) for p in sorted(folder.glob("*.html"))}
    problems = []
    for page, refs in pages.items():
        for tag, ref in refs.refs:
            why = _check(page, tag, ref, pages)
            if why:
                problems.append(f"{page.name}: <{tag}> {ref}: {why}")
    return problems


def _check(page: Path, tag: str, ref: str, pages: dict) -> str:
    parts = urlsplit(ref)
    if parts.scheme == "data":
        return ""
    if parts.scheme or parts.netloc:
        return "points outside the preview (needs a network)"
    target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    if not target.exists():
        return "file does not exist"
    # A fragment on a media src is a time range (#t=1,2), not an anchor.
    if parts.fragment and tag == "a" and target.suffix == ".html":
        ids = pages[target].ids if target in pages else parse(target).ids
        if parts.fragment not in ids:
            return f"no element with id '{parts.fragment}'"
    return ""

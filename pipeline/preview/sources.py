"""Marks for files under courses/: who wrote them, and regenerated versions waiting."""

from __future__ import annotations

from pathlib import Path

from pipeline import protect
from pipeline.preview.html import diff, esc, href, state

# protect.state() words, as a person reads them.
WORDS = {
    "generated": "generated",
    "edited": "edited by hand",
    "authored": "written by hand",
    "missing": "missing",
    "deleted": "deleted by hand",
}


def rel(course, path: Path) -> str:
    """The path as a person types it from the project root."""
    return f"courses/{course.slug}/{Path(path).relative_to(course.dir).as_posix()}"


def waiting(course, path: Path) -> bool:
    """True when a regenerated version waits beside the person's file."""
    return protect.proposed_path(path).exists()


def mark(course, path: Path, page_dir: Path, label: str = "") -> str:
    """A link to the source file, its state badge, and the proposed diff if any."""
    word = WORDS[protect.state(course.dir, path)]
    name = esc(label or rel(course, path))
    link = f'<a href="{href(page_dir, path)}">{name}</a>' if Path(path).exists() else name
    out = f"{link} {state(word)}"
    if waiting(course, path):
        out += " " + state("proposed version waiting") + proposal(course, path, page_dir)
    return out


def proposal(course, path: Path, page_dir: Path) -> str:
    """The diff between the person's file and the regenerated one, with the commands."""
    prop = protect.proposed_path(path)
    mine = path.read_text(encoding="utf-8") if path.exists() else ""
    body = diff(mine, prop.read_text(encoding="utf-8"), "yours", "proposed")
    r = rel(course, path)
    return (
        f'<details class="proposal"><summary>Show the changes in '
        f"{esc(prop.name)}</summary>{body}"
        f'<p>Open <a href="{href(page_dir, prop)}">{esc(prop.name)}</a>. Take it with '
        f'<code class="command">lectern resolve {esc(r)} --take-proposed</code>'
        f'or keep yours with <code class="command">lectern resolve {esc(r)} --keep-mine'
        f"</code></p></details>"
    )

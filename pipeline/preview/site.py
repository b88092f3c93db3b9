"""Build the static review site in output/<topic>/preview/."""

from __future__ import annotations

from pathlib import Path

from pipeline import stamps
from pipeline.errors import LecternError
from pipeline.fsutil import atomic_write_text, sha256_bytes
from pipeline.preview import home, lecture, quiz, terms
from pipeline.preview.html import TEMPLATES, lecture_page, quiz_page


def preview_dir(course) -> Path:
    """Where the site goes."""
    return course.out / "preview"


def pages(course) -> dict[str, str]:
    """Every file of the site by name: HTML pages and the stylesheet."""
    d = preview_dir(course)
    out = {
        "style.css": stylesheet(),
        "index.html": home.render_home(course, d),
        "outline.html": home.render_outline(course, d),
        terms.PAGE: terms.render(course, d),
    }
    try:
        outline = course.outline
    except LecternError:
        return out  # the home and outline pages say what is wrong
    for lec in outline.lectures:
        out[lecture_page(lec.id)] = lecture.render(course, lec.id, d)
    for section in outline.sections:
        out[quiz_page(section.id)] = quiz.render(course, section, d)
    return out


def stylesheet() -> str:
    """The site's CSS plus Pygments colours for code in drafts."""
    css = (TEMPLATES / "style.css").read_text(encoding="utf-8")
    try:
        from pygments.formatters import HtmlFormatter
    except ImportError:  # code still reads fine, only without colours
        return css
    return css + "\n/* code colours (Pygments) */\n" + HtmlFormatter().get_style_defs(".codehilite")


def build(course) -> str:
    """Write the site; only pages whose content changed are rewritten."""
    d = preview_dir(course)
    site = pages(course)
    changed = sum(_write(course, d / name, text) for name, text in site.items())
    _remove_stale(d, set(site))
    size = sum(len(t.encode("utf-8")) for t in site.values())
    index = (d / "index.html").relative_to(course.root).as_posix()
    return (
        f"preview: {len(site)} files ({size / 1024:.0f} KB of HTML/CSS), {changed} changed. "
        f"Open {index} in a browser, or run `make serve TOPIC={course.slug}`."
    )


def _write(course, path: Path, text: str) -> bool:
    """Atomic write stamped with the content hash; False when already current."""
    key = sha256_bytes(text.encode("utf-8"))
    if stamps.fresh(course.out, path, key):
        return False
    atomic_write_text(path, text)
    stamps.record(course.out, path, key)
    return True


def _remove_stale(folder: Path, keep: set[str]) -> None:
    """Drop pages of lectures or sections that left the outline."""
    for path in folder.glob("*.html"):
        if path.name not in keep:
            path.unlink()

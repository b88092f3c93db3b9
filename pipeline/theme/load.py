"""Where a course's theme comes from: `theme:` in topic.yaml, found and read once.

`theme:` names a built-in theme (a folder in the project's assets/themes/, then in
Lectern's own), a path to a theme.yaml, or a person's .pptx template (its colours and
fonts over the default theme: pipeline.theme.pptx). The decks, the video's cards, the
book cover and the course image all read the theme through `load` (as `Course.theme`),
so a theme looks the same everywhere and a broken one is the same located error.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import ConfigError
from pipeline.theme.model import Theme, ThemeSpec
from pipeline.yamlsrc import load_with_lines, validate

if TYPE_CHECKING:
    from pipeline.course import Course

LECTERN_THEMES = Path(__file__).resolve().parents[2] / "assets" / "themes"
DEFAULT = "default"  # the built-in theme a template's sizes and code colours come from


def theme_dirs(root: Path) -> list[Path]:
    """Where built-in themes are looked up: the project's assets/themes, then Lectern's."""
    return [Path(root) / "assets" / "themes", LECTERN_THEMES]


def builtin_theme(name: str, root: Path) -> Path | None:
    """The theme.yaml of a built-in theme (a plain folder name), the project's first."""
    if not re.fullmatch(r"[\w-][\w.-]*", name):  # no '/', '..' or hidden folders
        return None
    return next((p for d in theme_dirs(root) if (p := d / name / "theme.yaml").is_file()), None)


def builtin_names(root: Path) -> list[str]:
    """Names of the themes in assets/themes (the project's, then Lectern's own)."""
    dirs = theme_dirs(root)
    return sorted({p.parent.name for d in dirs if d.is_dir() for p in d.glob("*/theme.yaml")})


def load_spec(path: Path) -> ThemeSpec:
    """Read and validate a theme.yaml (errors name its file and line)."""
    data, lines = load_with_lines(path)
    return validate(ThemeSpec, data, path, lines)


def source(course: Course) -> Path:
    """The file `theme:` names: a theme.yaml or a .pptx template, or a ConfigError."""
    value = course.topic.theme.strip()
    if value.lower().endswith((".pptx", ".yaml", ".yml")):
        return course.file(value, "theme")
    return _builtin(course, value)


def load(course: Course) -> Theme:
    """The course's theme, validated; a template's on top of the default theme."""
    path, lang = source(course), course.topic.language
    if path.suffix.lower() == ".pptx":
        from pipeline.theme.pptx import from_template  # python-pptx only for a template

        default = _builtin(course, DEFAULT)
        return from_template(path, load_spec(default), default, lang)
    return Theme(load_spec(path), lang, [path])


def _builtin(course: Course, name: str) -> Path:
    path = builtin_theme(name, course.root)
    if path is None:
        names = ", ".join(builtin_names(course.root)) or "none installed"
        raise ConfigError(
            f"{course.topic_path}: theme: '{name}' is not a theme. Use one of: "
            f"{names}; or a path to your own .pptx template or theme.yaml"
        )
    return path

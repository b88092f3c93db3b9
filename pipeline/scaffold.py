"""Commands that manage course folders: new, clean, resolve."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from pipeline import protect
from pipeline.course import SLUG, Course
from pipeline.errors import ConfigError, InputError
from pipeline.fsutil import atomic_write_text
from pipeline.project import project_root


def new_topic(slug: str) -> str:
    """Create courses/<slug>/topic.yaml from the commented template."""
    if not SLUG.match(slug or ""):
        raise ConfigError(
            f"TOPIC '{slug}' is not a valid topic name: use lowercase letters, "
            "digits, '-' and '_' only (no '/', '..' or spaces)"
        )
    path = project_root() / "courses" / slug / "topic.yaml"
    if path.exists():
        raise ConfigError(f"{path} already exists; edit it, or pick another TOPIC")
    template = resources.files("pipeline").joinpath("templates/topic.yaml").read_text("utf-8")
    title = slug.replace("-", " ").replace("_", " ").title()
    atomic_write_text(path, template.format(title=title))
    return (
        f"created {path.relative_to(project_root())}: edit it, then run `make course TOPIC={slug}`"
    )


def clean(course: Course) -> str:
    """Remove the course's output folder; sources under courses/ are never touched."""
    if course.out.exists():
        shutil.rmtree(course.out)
        return f"removed output/{course.slug}/ (courses/{course.slug}/ untouched)"
    return f"output/{course.slug}/ is already clean"


def resolve(path: Path, take: bool | None) -> str:
    """Take or refuse the .proposed version of a course file."""
    if take is None:
        raise InputError("say which version to keep: --take-proposed or --keep-mine")
    path = Path(path).resolve()
    if path.name.count(".proposed."):
        path = path.with_name(path.name.replace(".proposed.", "."))
    course_dir = _course_dir(path)
    if not protect.proposed_path(path).exists():
        raise InputError(f"{path}: there is no {protect.proposed_path(path).name} to resolve")
    return f"{path.name}: " + protect.resolve(course_dir, path, take)


def _course_dir(path: Path) -> Path:
    for parent in path.parents:
        if parent.parent.name == "courses":
            return parent
    raise InputError(f"{path}: not inside a courses/<topic>/ folder")

"""Files a course names (images, a cover, a preface, music, a watermark, a theme, a voice):
found only where a course may reach.

A name is looked up relative to the course folder, then the project folder, and the
file it resolves to (symlinks followed) must lie inside the course folder or the
project's assets/ folder, with no hidden (dot) file or folder on the way. Not the whole
project: it holds .env, output/ and the other courses, and a course shared by someone
else must not be able to put any of those into a deck, a video or a bundle.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError, LecternError


@dataclass(frozen=True)
class SearchPath:
    """Where names are looked up (`bases`, in order) and where files may be (`allowed`)."""

    bases: tuple[Path, ...]
    allowed: tuple[Path, ...]

    @classmethod
    def within(cls, dirs) -> SearchPath:
        """Look up in `dirs` and stay inside them (a plain list of folders)."""
        if isinstance(dirs, SearchPath):
            return dirs
        folders = tuple(Path(d) for d in dirs or ())
        return cls(folders, folders)

    @classmethod
    def for_course(cls, course_dir: Path, root: Path) -> SearchPath:
        """The course folder, then the project (for `assets/…` names); inside the course
        folder or assets/."""
        return cls((Path(course_dir), Path(root)), (Path(course_dir), Path(root) / "assets"))

    def shown(self) -> str:
        """The allowed folders, for messages."""
        return " or ".join(f"{d}/" for d in self.allowed) or "the course folder"


def find(
    value: str,
    search: SearchPath | list[Path],
    where: str,
    what: str,
    error: type[LecternError] = InputError,
    hint: str = "",
) -> Path:
    """The file `value` names, resolved, inside an allowed folder; else `error` located at
    `where` (e.g. `slides/01-01-x.md:12` or `topic.yaml: video.music`), ending in `hint`."""
    search = SearchPath.within(search)
    name = value.strip()
    refused = None
    for candidate in _candidates(name, search.bases):
        reason = _refusal(candidate, search)
        if reason is None:
            return candidate
        refused = refused or reason
    if refused:
        raise error(
            f"{where}: {what} '{name}' {refused}; copy the file into "
            f"{search.shown()} and name it from there{hint}"
        )
    looked = " and ".join(str(b) for b in search.bases) or "the course folder"
    raise error(
        f"{where}: {what} '{name}' not found (looked in {looked}); add the file "
        f"there or fix the path{hint}"
    )


def _candidates(name: str, bases: tuple[Path, ...]) -> list[Path]:
    """The existing files `name` resolves to from each base (an absolute name or ~ is the
    same file from every base)."""
    found = []
    for base in bases:
        try:
            path = (base / Path(name).expanduser()).resolve()
        except (OSError, RuntimeError):  # a symlink loop
            continue
        if path.is_file():
            found.append(path)
    return found


def _refusal(path: Path, search: SearchPath) -> str | None:
    """Why a resolved file may not be used, or None when it is inside an allowed folder."""
    for folder in (f.resolve() for f in search.allowed):
        if path.is_relative_to(folder):
            parts = path.relative_to(folder).parts
            hidden = next((p for p in parts if p.startswith(".")), None)
            return f"is in a hidden file or folder ({hidden})" if hidden else None
    return f"is outside the course (it is {path}, symlinks followed)"


def check_image(path: Path, where: str, value: str) -> None:
    """An image file Pillow can open and decode to the end, else an error at `where`."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img.draft(img.mode, (256, 256))  # JPEG: decode at 1/8 size, still to the end
            img.load()  # a cut-off file fails here, not in LibreOffice or the e-book
        return
    except UnidentifiedImageError:
        reason = "its content is not in any image format"
    except Exception as e:  # noqa: BLE001 - Pillow raises many kinds for a broken file
        reason = f"{type(e).__name__}: {e}"
    raise InputError(
        f"{where}: '{value}' is not an image Pillow can read ({reason}); save it as PNG or JPEG"
    )

"""Images in lectures: found with their line numbers, embedded small (KDP bills per MB)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from pipeline.errors import InputError
from pipeline.fsutil import sha256_bytes
from pipeline.paths import SearchPath, check_image, find

MAX_SIDE = 1600
MD_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")
HTML_IMAGE = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"']?([^\"'\s>]+)", re.I)
FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass
class ImageRef:
    """An image a lecture uses: where it is written, and the file it names."""

    src: str
    line: int
    path: Path


def scan(md_path: Path, text: str, search: SearchPath, shown: str) -> list[ImageRef]:
    """Every image a lecture names, resolved and readable; a missing, unreadable or
    out-of-course one is an error naming its line."""
    refs, in_fence = [], False
    for n, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            in_fence = not in_fence
        if in_fence or FENCE.match(line):
            continue
        for src in MD_IMAGE.findall(line) + HTML_IMAGE.findall(line):
            refs.append(ImageRef(src, n, _resolve(src, n, search, shown)))
    return refs


def _resolve(src: str, line: int, search: SearchPath, shown: str) -> Path:
    """The file an image src names (pipeline.paths.find: the course folder or assets/)."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", src, re.I):
        raise InputError(
            f"{shown}:{line}: image '{src}' is not a local file; an e-book must "
            "embed its images: save it under the course's images/ folder and "
            "link it as images/NAME"
        )
    path = find(src, search, f"{shown}:{line}", "image")
    check_image(path, f"{shown}:{line}", src)
    return path


def compress(path: Path, shown: str) -> tuple[bytes, str]:
    """The image shrunk to MAX_SIDE and re-encoded: (data, extension)."""
    try:
        img = ImageOps.exif_transpose(Image.open(path))
    except (UnidentifiedImageError, OSError) as e:
        raise InputError(
            f"{shown}: '{path.name}' is not an image Pillow can read ({e}); use PNG or JPEG"
        ) from None
    img.thumbnail((MAX_SIDE, MAX_SIDE), Image.LANCZOS)
    if _is_photo(img):
        return _save(img.convert("RGB"), "JPEG", quality=82, optimize=True), "jpg"
    if img.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        img = img.convert("RGBA")
    return _save(img, "PNG", optimize=True), "png"


def _is_photo(img: Image.Image) -> bool:
    """Photographs compress best as JPEG; diagrams (few colours, transparency) as PNG."""
    if img.mode in ("P", "1", "LA", "RGBA") or "transparency" in img.info:
        return False
    colours = img.convert("RGB").getcolors(maxcolors=4096)
    return colours is None


def _save(img: Image.Image, fmt: str, **opts) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **opts)
    return buf.getvalue()


def embedded_name(data: bytes, ext: str) -> str:
    """A content-addressed name inside the EPUB, so one image used twice is stored once.
    Its stem is the manifest id, which must be an XML name: never starting with a digit
    (as 10 of 16 hex digits would)."""
    return f"images/img-{sha256_bytes(data)[:16]}.{ext}"

"""A person's PowerPoint template (`theme: brand.pptx`) as a theme: its colour scheme and
fonts over the default theme's sizes (the decks are drawn on its masters: deck/template.py).
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from pipeline.errors import ConfigError
from pipeline.theme.model import Theme, ThemeSpec, mix

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def open_presentation(path: Path):
    """Open a .pptx, with a clear error when it is not one."""
    try:
        return Presentation(str(path))
    except Exception as e:  # python-pptx raises several kinds for a bad package
        raise ConfigError(
            f"{path}: cannot be read as a PowerPoint template ({e}); save it "
            "from PowerPoint or LibreOffice as .pptx"
        ) from None


def from_template(path: Path, spec: ThemeSpec, spec_file: Path, lang: str) -> Theme:
    """The default theme's sizes (`spec`) with the template's colours and fonts."""
    prs = open_presentation(path)
    check_wide(prs, path)
    scheme, major, minor = _theme_part(prs)
    colors = _colors(spec.colors.model_dump(), scheme)
    fonts = {
        "heading": major or spec.fonts.heading,
        "body": minor or spec.fonts.body,
        "code": spec.fonts.code,
    }
    spec = spec.model_copy(
        update={
            "name": path.stem,
            "colors": spec.colors.model_copy(update=colors),
            "fonts": spec.fonts.model_copy(update=fonts),
        }
    )
    return Theme(spec, lang, [path, spec_file], template=path)


def check_wide(prs, path: Path) -> None:
    """Frames are 1920x1080, so the template must be 16:9."""
    ratio = prs.slide_width / prs.slide_height
    if abs(ratio - 16 / 9) > 0.01:
        raise ConfigError(
            f"{path}: slides are {prs.slide_width / 914400:.3g} x "
            f"{prs.slide_height / 914400:.3g} in, not 16:9; in PowerPoint choose "
            "Design > Slide Size > Widescreen (13.333 x 7.5 in) and save again"
        )


def _theme_part(prs) -> tuple[dict[str, str], str, str]:
    """The colour scheme and the major/minor Latin fonts of the first master's theme."""
    part = prs.slide_masters[0].part.part_related_by(RT.THEME)
    root = etree.fromstring(part.blob)
    scheme = {}
    for el in root.iter(f"{A}clrScheme"):
        for child in el:
            val = child.find(f"{A}srgbClr")
            sys_ = child.find(f"{A}sysClr")
            hexval = (
                val.get("val")
                if val is not None
                else (sys_.get("lastClr") if sys_ is not None else None)
            )
            if hexval:
                scheme[etree.QName(child).localname] = hexval.upper()
        break
    major, minor = (_latin(root, f"{A}{n}") for n in ("majorFont", "minorFont"))
    return scheme, major, minor


def _latin(root, tag: str) -> str:
    el = root.find(f".//{tag}/{A}latin")
    face = el.get("typeface", "") if el is not None else ""
    return "" if face.startswith("+") else face


def _colors(base: dict[str, str], s: dict[str, str]) -> dict[str, str]:
    """Map a template's scheme onto Lectern's colour roles (code colours stay).

    The title colours are drawn only where there is no template slide (the video's cards,
    the book cover, the course image): the scheme's second dark colour under its first
    light one, with its accent, as a dark title band of the brand.
    """
    if not all(k in s for k in ("dk1", "lt1", "accent1")):
        return base
    dk, lt, acc = s["dk1"], s["lt1"], s["accent1"]
    return {
        **base,
        "background": lt,
        "text": dk,
        "muted": mix(dk, lt, 0.45),
        "accent": acc,
        "title_background": s.get("dk2", dk),
        "title_text": lt,
        "title_muted": s.get("lt2", lt),
        "panel": mix(lt, acc, 0.08),
        "rule": mix(lt, dk, 0.15),
    }

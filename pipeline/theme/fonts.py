"""A theme's fonts: the file fontconfig (and so LibreOffice) uses for a family, measured.

Text is measured with Pillow using the same font file fontconfig hands LibreOffice,
so what the layout predicts is what the frames show.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache, cached_property

from PIL import ImageFont

from pipeline.errors import ConfigError, ToolMissing

REF_SIZE = 200  # measure at a large size and scale: sub-point precision
# Ideographs, kana, hangul and full-width forms: a line may break before any of them.
CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
TOKEN = re.compile(rf"[{CJK}]|[^\s{CJK}]+|\s+")
INSTALL_HINT = (
    "install it (`sudo apt-get install -y fonts-dejavu fonts-liberation2 "
    "fonts-noto-cjk`) or name an installed family in theme.yaml (`fc-list : family`)"
)


@dataclass(frozen=True)
class FontFile:
    """A font family and style resolved to a file (and face index in a collection)."""

    family: str
    bold: bool
    path: str
    index: int = 0


@cache
def resolve(family: str, bold: bool = False, strict: bool = True) -> FontFile:
    """The installed file fontconfig (and so LibreOffice) uses for a family.

    Strict (built-in themes): the family must be installed. Lenient (a user's template):
    measure with the substitute fontconfig picks, which is what LibreOffice draws with.
    """
    if not shutil.which("fc-match"):
        raise ToolMissing("fc-match is not installed: `sudo apt-get install -y fontconfig`")
    pattern = f"{family}:weight={'bold' if bold else 'regular'}"
    out = subprocess.run(
        ["fc-match", "-f", "%{file}|%{family}|%{index}", pattern],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    path, families, index = (out.split("|") + ["", "", "0"])[:3]
    if not path:
        raise ConfigError(f"no font found for '{family}': {INSTALL_HINT}")
    if strict and family.lower() not in [f.strip().lower() for f in families.split(",")]:
        raise ConfigError(
            f"font '{family}' is not installed (fontconfig offers "
            f"'{families or 'nothing'}'): {INSTALL_HINT}"
        )
    return FontFile(family, bold, path, int(index or 0))


class Measurer:
    """Widths, line heights and greedy wrapping for one font file, in points."""

    def __init__(self, font: FontFile):
        self.font = font

    @cached_property
    def _face(self) -> ImageFont.FreeTypeFont:
        return ImageFont.truetype(self.font.path, REF_SIZE, index=self.font.index)

    def width(self, text: str, size: float) -> float:
        """Advance width of a single line of text at `size` points."""
        return self._face.getlength(text) * size / REF_SIZE

    def line_height(self, size: float) -> float:
        """Height of one line at 100% spacing (ascent + descent), in points."""
        ascent, descent = self._face.getmetrics()
        return (ascent + descent) * size / REF_SIZE

    def wrap(self, text: str, width: float, size: float) -> list[str]:
        """Break text into lines no wider than `width` (over-long words are cut)."""
        lines, cur = [], ""
        for tok in TOKEN.findall(text):
            if tok.isspace():
                cur += " " if cur else ""  # a break swallows the space, like LibreOffice
                continue
            if cur and self.width(cur + tok, size) > width:
                lines.append(cur.rstrip())
                cur = ""
            cur += tok
            while len(cur) > 1 and self.width(cur, size) > width:
                head, cur = self._cut(cur, width, size)
                lines.append(head)
        return lines + [cur.rstrip()]

    def _cut(self, word: str, width: float, size: float) -> tuple[str, str]:
        """The longest head of `word` that fits (at least one character), and the rest."""
        n = 1
        while n < len(word) and self.width(word[: n + 1], size) <= width:
            n += 1
        return word[:n], word[n:]

    def covers(self, char: str) -> bool:
        """True when the font has a real glyph for `char` (not the missing-glyph box)."""
        if char.isspace():
            return True
        return self._glyph(char) != self._notdef

    def _glyph(self, char: str) -> bytes:
        mask = self._face.getmask(char)
        return bytes(mask) + bytes(str(mask.size), "ascii")

    @cached_property
    def _notdef(self) -> bytes:
        return self._glyph("\U0010fffd")  # a private-use code point no font maps

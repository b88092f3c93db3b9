"""What a theme is: its colours, fonts, type scale and margins (one theme.yaml, validated).

Every output that shows the course's look (decks, video intro/outro cards, the book cover,
the Udemy course image) draws with a `Theme`, which only pipeline.theme.load makes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import Field

from pipeline.config import Strict
from pipeline.fsutil import sha256_file
from pipeline.theme.fonts import FontFile, Measurer, resolve

HEX = r"^[0-9A-Fa-f]{6}$"
# Noto Sans CJK has one face per region; the language tag picks the right glyph forms.
CJK_FAMILIES = {
    "zh-tw": "Noto Sans CJK TC",
    "zh-hk": "Noto Sans CJK HK",
    "zh-hant": "Noto Sans CJK TC",
    "zh": "Noto Sans CJK SC",
    "ja": "Noto Sans CJK JP",
    "ko": "Noto Sans CJK KR",
}


def _color() -> Field:
    return Field(pattern=HEX, description="hex RGB without #, e.g. 1E293B")


class Colors(Strict):
    """Theme colours, hex RGB."""

    background: str = _color()
    text: str = _color()
    muted: str = _color()
    accent: str = _color()
    title_background: str = _color()
    title_text: str = _color()
    title_muted: str = _color()
    panel: str = _color()
    code_background: str = _color()
    code_text: str = _color()
    rule: str = _color()


class Fonts(Strict):
    """Font families (installed, so LibreOffice renders what was measured)."""

    heading: str
    body: str
    code: str


class Sizes(Strict):
    """Type scale in points."""

    title_slide: float = Field(ge=16, le=96)
    title: float = Field(ge=12, le=72)
    title_min: float = Field(ge=10, le=72)
    body: float = Field(ge=10, le=60)
    body_min: float = Field(ge=8, le=60)
    code: float = Field(ge=8, le=48)
    code_min: float = Field(ge=6, le=48)
    quote: float = Field(ge=12, le=72)
    caption: float = Field(ge=8, le=40)
    footer: float = Field(ge=6, le=24)


class Margins(Strict):
    """Slide margins in inches."""

    side: float = Field(ge=0.1, le=3)
    top: float = Field(ge=0.1, le=3)
    bottom: float = Field(ge=0.1, le=3)


class ThemeSpec(Strict):
    """One theme.yaml."""

    name: str
    description: str = ""
    colors: Colors
    fonts: Fonts
    sizes: Sizes
    margins: Margins
    code_style: str = "one-dark"
    # How slides build with the voice: parts `appear` one at a time, or all are shown
    # and the one the voice is on is in `focus` (the others dimmed).
    build: Literal["appear", "focus"] = "appear"


@dataclass
class Theme:
    """A loaded theme, with fonts resolved for the course's language."""

    spec: ThemeSpec
    lang: str = "en"
    files: list[Path] = field(default_factory=list)  # what it was read from (for keys)
    template: Path | None = None
    _measurers: dict = field(default_factory=dict, repr=False)

    @property
    def cjk(self) -> str | None:
        """The CJK family for the course language, or None for other languages."""
        tag = self.lang.lower()
        for prefix, family in CJK_FAMILIES.items():
            if tag == prefix or tag.startswith(prefix + "-"):
                return family
        return None

    def family(self, role: str) -> str:
        """The family used for a role (heading, body, code)."""
        base = getattr(self.spec.fonts, role)
        return self.cjk if self.cjk and role != "code" else base

    def font(self, role: str, bold: bool = False) -> FontFile:
        """The font file LibreOffice will use for a role."""
        return resolve(self.family(role), bold, strict=self.template is None)

    def measurer(self, role: str, bold: bool = False) -> Measurer:
        """A (cached) measurer for a role's font."""
        if (role, bold) not in self._measurers:
            self._measurers[role, bold] = Measurer(self.font(role, bold))
        return self._measurers[role, bold]

    def color(self, name: str) -> str:
        """A theme colour as hex."""
        return getattr(self.spec.colors, name).upper()

    def file_hashes(self) -> list[str]:
        """The SHA-256 of each file the theme was read from: what a stage's key holds."""
        return [sha256_file(f) for f in self.files]

    def colors(self) -> list[str]:
        """Every colour of the theme as #rrggbb, in the order theme.yaml lists them."""
        return [f"#{value.lower()}" for value in self.spec.colors.model_dump().values()]


def mix(a: str, b: str, t: float) -> str:
    """Blend two hex colours: t=0 gives a, t=1 gives b."""
    ca, cb = (bytes.fromhex(c) for c in (a, b))
    return "".join(f"{round(x + (y - x) * t):02X}" for x, y in zip(ca, cb, strict=True))


AA = 4.5  # WCAG AA contrast for small text


def luminance(color: str) -> float:
    """The WCAG relative luminance of a hex colour."""
    lin = [c / 255 for c in bytes.fromhex(color)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in lin)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two hex colours, 1 to 21."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def readable(fg: str, bg: str, ratio: float = AA) -> str:
    """`fg`, moved towards white or black (whichever reads better on `bg`) until it reaches
    `ratio`: a theme's quiet colours stay as quiet as the contrast rule allows."""
    far = "FFFFFF" if contrast("FFFFFF", bg) >= contrast("000000", bg) else "000000"
    steps = 50
    for i in range(steps + 1):
        shade = mix(fg, far, i / steps)
        if contrast(shade, bg) >= ratio:
            return shade
    return far

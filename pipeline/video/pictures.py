"""Pictures drawn or fixed with Pillow: letterboxing, watermark, burned captions, cards."""

from __future__ import annotations

import textwrap
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from pipeline.theme.fonts import resolve
from pipeline.theme.model import Theme

CARD_COLOURS = ("title_background", "title_text", "title_muted", "accent")


def fit(img: Image.Image, size: tuple[int, int], bg: str = "000000") -> Image.Image:
    """Scale to fit inside `size`, keeping the aspect ratio, centred on bars of `bg`."""
    img = img.convert("RGB")
    if img.size == size:
        return img
    scale = min(size[0] / img.width, size[1] / img.height)
    inner = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
    canvas = Image.new("RGB", size, f"#{bg}")
    canvas.paste(
        img.resize(inner, Image.LANCZOS), ((size[0] - inner[0]) // 2, (size[1] - inner[1]) // 2)
    )
    return canvas


def watermark(img: Image.Image, logo: Path, opacity: float = 0.7) -> Image.Image:
    """Put a logo in the bottom-right corner, 10% of the width, semi-transparent."""
    mark = Image.open(logo).convert("RGBA")
    w = max(1, img.width // 10)
    mark = mark.resize((w, max(1, round(mark.height * w / mark.width))), Image.LANCZOS)
    alpha = mark.getchannel("A").point(lambda a: int(a * opacity))
    mark.putalpha(alpha)
    margin = img.width // 40
    out = img.convert("RGBA")
    out.alpha_composite(mark, (img.width - mark.width - margin, img.height - mark.height - margin))
    return out.convert("RGB")


def burn_caption(img: Image.Image, lines: list[str]) -> Image.Image:
    """Draw caption lines bottom-centre on a dark translucent band (for social clips)."""
    if not lines:
        return img
    out = img.convert("RGBA")
    size = max(12, img.height // 24)
    font = font_for("DejaVu Sans", size)
    band = Image.new("RGBA", out.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(band)
    line_h = int(size * 1.3)
    top = img.height - img.height // 12 - line_h * len(lines)
    for n, line in enumerate(lines):
        w = draw.textlength(line, font=font)
        x, y = (img.width - w) / 2, top + n * line_h
        box = (x - size / 2, y - size * 0.15, x + w + size / 2, y + line_h)
        draw.rectangle(box, (0, 0, 0, 170))
        draw.text((x, y), line, font=font, fill=(255, 255, 255, 255))
    out.alpha_composite(band)
    return out.convert("RGB")


def card(
    size: tuple[int, int],
    title: str,
    subtitle: str,
    palette: dict,
    fonts: tuple[str, str] = ("Liberation Sans", "Liberation Sans"),
) -> Image.Image:
    """An intro/outro card: big title, smaller subtitle, an accent rule, theme colours."""
    img = Image.new("RGB", size, f"#{palette['title_background']}")
    draw = ImageDraw.Draw(img)
    w, h = size
    big, small = font_for(fonts[0], h // 14), font_for(fonts[1], h // 26)
    lines = textwrap.wrap(title, 32) or [""]
    y = h * 0.38 - len(lines) * h / 28
    for line in lines:
        draw.text((w / 2, y), line, font=big, fill=f"#{palette['title_text']}", anchor="mt")
        y += h / 12
    draw.rectangle(
        (w * 0.4, y + h * 0.02, w * 0.6, y + h * 0.02 + max(2, h // 180)),
        fill=f"#{palette['accent']}",
    )
    for line in textwrap.wrap(subtitle, 60)[:2]:
        y += h / 18
        draw.text(
            (w / 2, y + h * 0.02), line, font=small, fill=f"#{palette['title_muted']}", anchor="mt"
        )
    return img


def card_style(theme: Theme) -> tuple[dict, tuple[str, str]]:
    """A card's colours (the theme's title slide) and its title and subtitle families."""
    return (
        {name: theme.color(name) for name in CARD_COLOURS},
        (theme.family("heading"), theme.family("body")),
    )


@cache
def font_for(family: str, size: int) -> ImageFont.FreeTypeFont:
    """A TrueType font for a family name: the face fontconfig (and LibreOffice) picks."""
    face = resolve(family, strict=False)
    return ImageFont.truetype(face.path, size, index=face.index)

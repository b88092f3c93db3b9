"""The book cover: the person's image fitted to KDP's 1600x2560, or one drawn from the theme
(its title slide's colours and its heading and body fonts, so the book matches the decks)."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from pipeline import log
from pipeline.errors import ConfigError
from pipeline.theme.fonts import resolve
from pipeline.theme.model import CJK_FAMILIES, Theme

SIZE = (1600, 2560)  # KDP's ideal: 2560 px tall, 1.6:1
MARGIN = 130
CJK_TOKEN = re.compile(r"[\u2e80-\uffff][、。，．！？：；」』）)]*|[^\u2e80-\uffff]+")


def from_file(src: Path, shown: str) -> bytes:
    """The person's cover resized (and cropped to 1.6:1 if needed) as a JPEG."""
    try:
        img = ImageOps.exif_transpose(Image.open(src)).convert("RGB")
    except (UnidentifiedImageError, OSError) as e:
        raise ConfigError(
            f"{shown}: book.cover '{src.name}' is not an image Pillow can read "
            f"({e}); use a JPEG or PNG"
        ) from None
    ratio = img.height / img.width
    if abs(ratio - 1.6) > 0.03:
        log.warn(
            f"{shown}: book.cover is {img.width}x{img.height} (ratio {ratio:.2f}); "
            "KDP wants 1.6:1, so it was cropped to 1600x2560"
        )
    if img.height < SIZE[1]:
        log.warn(f"{shown}: book.cover is only {img.height} px tall; KDP recommends 2560")
    return to_jpeg(ImageOps.fit(img, SIZE, Image.LANCZOS))


def to_jpeg(img: Image.Image) -> bytes:
    """Baseline (not progressive) JPEG, sRGB, which every Kindle reads."""
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=90, optimize=True, dpi=(300, 300))
    return buf.getvalue()


def palette(theme: Theme) -> dict[str, str]:
    """The title slide's colours (#RRGGBB), its text swapped for one that reads if need be."""
    colours = {
        role: "#" + theme.color(name)
        for role, name in (
            ("background", "title_background"),
            ("text", "title_text"),
            ("accent", "accent"),
        )
    }
    if contrast(colours["text"], colours["background"]) < 7:
        # A cover is read as a thumbnail: a title colour fine on a slide may be too faint.
        colours["text"] = max(
            ("#FFFFFF", "#111111"), key=lambda c: contrast(c, colours["background"])
        )
    return colours


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #RRGGBB colours (1 to 21)."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def is_cjk(text: str) -> bool:
    """True when text holds characters the Latin fonts cannot draw (CJK, kana, hangul)."""
    return any(ord(ch) > 0x2E7F and unicodedata.category(ch).startswith("L") for ch in text)


def _font(text: str, size: int, theme: Theme, bold: bool = True) -> ImageFont.FreeTypeFont:
    """The theme's heading (bold) or body face; CJK text in a course of another language
    gets a CJK face, which Latin fonts lack."""
    role = "heading" if bold else "body"
    face = theme.font(role, bold)
    if is_cjk(text) and theme.cjk is None:
        face = resolve(CJK_FAMILIES["ja"], bold)  # Noto Sans CJK's first face
    return ImageFont.truetype(face.path, size, index=face.index)


def _tokens(text: str) -> list[str]:
    """Break points: words for spaced scripts, single characters for CJK."""
    out: list[str] = []
    for word in re.findall(r"\S+\s*", text):
        if is_cjk(word):
            # Closing punctuation stays on the line of the character before it.
            out.extend(re.findall(CJK_TOKEN, word))
        else:
            out.append(word)
    return out


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy line wrap to a pixel width; over-long words are split by characters."""
    lines, line = [], ""
    for tok in _tokens(text):
        while font.getlength(tok.rstrip()) > width and len(tok) > 1:
            cut = max(
                1, next(i for i in range(len(tok), 0, -1) if font.getlength(tok[:i]) <= width)
            )
            if line:
                lines.append(line.rstrip())
                line = ""
            lines.append(tok[:cut])
            tok = tok[cut:]
        if line and font.getlength((line + tok).rstrip()) > width:
            lines.append(line.rstrip())
            line = ""
        line += tok
    return [ln for ln in lines + [line.rstrip()] if ln]


def fit_title(
    title: str, width: int, max_height: int, theme: Theme
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest title size (220 down to 90 px) that fits the box without splitting words."""
    for size in range(220, 89, -10):
        font = _font(title, size, theme)
        lines = wrap(title, font, width)
        whole_words = all(font.getlength(t.rstrip()) <= width for t in _tokens(title))
        if whole_words and len(lines) * size * 1.18 <= max_height:
            return font, lines
    return font, lines


def _mix(a: str, b: str, share: float) -> tuple[int, int, int]:
    """Colour a moved `share` of the way towards colour b."""
    ca, cb = (tuple(int(c.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)) for c in (a, b))
    return tuple(round(x + (y - x) * share) for x, y in zip(ca, cb, strict=True))


def _circles(draw: ImageDraw.ImageDraw, colours: dict[str, str]) -> None:
    """Two soft circles low on the right, echoing the title slides of the decks."""
    draw.ellipse((700, 1350, 2300, 2950), fill=_mix(colours["background"], colours["accent"], 0.12))
    draw.ellipse((1050, 1900, 1950, 2800), fill=_mix(colours["background"], colours["accent"], 0.3))


def generate(title: str, subtitle: str, author: str, theme: Theme) -> bytes:
    """A 1600x2560 typographic cover: big title, accent rule, subtitle, author."""
    colours = palette(theme)
    img = Image.new("RGB", SIZE, colours["background"])
    draw = ImageDraw.Draw(img)
    _circles(draw, colours)
    width = SIZE[0] - 2 * MARGIN
    font, lines = fit_title(title, width, 1500, theme)
    y = 300
    for line in lines:
        draw.text((MARGIN, y), line, font=font, fill=colours["text"])
        y += int(font.size * 1.18)
    y += 50
    draw.rectangle((MARGIN, y, MARGIN + 360, y + 22), fill=colours["accent"])
    y += 90
    if subtitle and y < 2000:
        sub_font = _font(subtitle, 64, theme, bold=False)
        for line in wrap(subtitle, sub_font, width)[: max(1, (2100 - y) // 82)]:
            draw.text((MARGIN, y), line, font=sub_font, fill=colours["text"])
            y += 82
    author_font = _font(author, 100, theme)
    author_lines = wrap(author, author_font, width)[:2]
    ay = SIZE[1] - MARGIN - 120 * len(author_lines)
    for line in author_lines:
        draw.text((MARGIN, ay), line, font=author_font, fill=colours["text"])
        ay += 120
    return to_jpeg(img)

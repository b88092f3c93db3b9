"""The course image: an abstract, text-free picture in the theme's colours.

Udemy rejects course images with text on them, so this draws only a gradient, soft
circles and rows of rounded bars that suggest code without any letters.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFilter

from pipeline.theme.model import Theme

SIZE = (2048, 1152)  # 16:9, well above Udemy's 750x422 minimum


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def _luma(hex_colour: str) -> float:
    r, g, b = _rgb(hex_colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def render(theme: Theme, seed: str) -> bytes:
    """A JPEG of SIZE in every colour of the theme: a gradient of the two darkest, blurred
    circles and code-like bars in the others; no text."""
    ordered = sorted(dict.fromkeys(theme.colors()), key=_luma)
    back, accents = ordered[:2], ordered[2:] or ordered
    rng = random.Random(seed)
    img = _gradient(_rgb(back[0]), _rgb(back[-1]))
    img = Image.alpha_composite(img, _circles(rng, accents))
    img = Image.alpha_composite(img, _bars(rng, accents))
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=90, optimize=True)
    return buf.getvalue()


def _gradient(top: tuple, bottom: tuple) -> Image.Image:
    w, h = SIZE
    column = Image.new("RGBA", (1, h))
    for y in range(h):
        column.putpixel((0, y), _mix(top, bottom, y / (h - 1)) + (255,))
    return column.resize(SIZE)


def _mix(a: tuple, b: tuple, t: float) -> tuple:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _circles(rng: random.Random, accents: list[str]) -> Image.Image:
    """Soft blurred discs; drawn at quarter size because blurring is the slow part."""
    small = (SIZE[0] // 4, SIZE[1] // 4)
    layer = Image.new("RGBA", small, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for _ in range(5):
        r = rng.randint(150, 420) // 4
        x, y = rng.randint(0, small[0]), rng.randint(0, small[1])
        draw.ellipse((x - r, y - r, x + r, y + r), fill=_rgb(rng.choice(accents)) + (70,))
    return layer.filter(ImageFilter.GaussianBlur(15)).resize(SIZE, Image.Resampling.BICUBIC)


def _bars(rng: random.Random, accents: list[str]) -> Image.Image:
    """Rows of rounded bars with indentation, like code seen from afar."""
    layer = Image.new("RGBA", SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    x0, y, indent = 980, 190, 0
    while y < SIZE[1] - 190:
        indent = max(0, min(3, indent + rng.choice((-1, 0, 0, 1))))
        x = x0 + indent * 70
        for _ in range(rng.randint(1, 4)):
            w = rng.randint(60, 260)
            if x + w > SIZE[0] - 120:
                break
            draw.rounded_rectangle(
                (x, y, x + w, y + 30), radius=15, fill=_rgb(rng.choice(accents)) + (220,)
            )
            x += w + 28
        y += 62
    return layer

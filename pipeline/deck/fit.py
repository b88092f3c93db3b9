"""Text fitting: measure paragraphs with real font metrics, shrink until they fit.

Widths are measured against a slightly narrower box than the one written to the
deck, so LibreOffice (whose hinting differs by a hair) never wraps a line we did not
predict; greedy wrapping in a wider box never needs more lines.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH_SAFETY = 0.96
HEIGHT_SAFETY = 0.97
STEP = 1.0  # points


@dataclass
class Para:
    """A paragraph to fit: its text, font role and geometry relative to the block size."""

    text: str
    role: str = "body"
    bold: bool = False
    scale: float = 1.0  # size relative to the block's base size
    indent: float = 0.0  # left indent in points (bullets hang inside it)
    before: float = 0.0  # space before, as a fraction of the paragraph's size
    spacing: float = 1.0  # line spacing (1.0 = the font's own line height)


def para_size(p: Para, size: float) -> float:
    """A paragraph's font size at a block size, rounded as PowerPoint stores it."""
    return round(size * p.scale * 2) / 2


def para_height(theme, p: Para, size: float, width: float) -> float:
    """Height of one paragraph in points, wrapped to `width`."""
    s = para_size(p, size)
    m = theme.measurer(p.role, p.bold)
    lines = m.wrap(p.text, (width - p.indent) * WIDTH_SAFETY, s)
    return len(lines) * m.line_height(s) * p.spacing + p.before * s


def block_height(theme, paras: list[Para], size: float, width: float) -> float:
    """Height of a block of paragraphs."""
    return sum(para_height(theme, p, size, width) for p in paras)


def fits(theme, paras: list[Para], size: float, width: float, height: float) -> bool:
    """True when the paragraphs fit the box at this size."""
    return block_height(theme, paras, size, width) <= height * HEIGHT_SAFETY


def fit_size(
    theme, paras: list[Para], width: float, height: float, start: float, minimum: float
) -> float | None:
    """The largest size from `start` down to `minimum` at which the block fits."""
    size = start
    while size >= minimum:
        if fits(theme, paras, size, width, height):
            return size
        size -= STEP
    return None


def shrink_to_fit(
    theme,
    paras: list[Para],
    width: float,
    height: float,
    start: float,
    minimum: float,
    floor: float = 6.0,
) -> float:
    """Like fit_size, but below `minimum` keep shrinking to `floor`: never overflow."""
    size = fit_size(theme, paras, width, height, start, minimum)
    if size is None:
        size = fit_size(theme, paras, width, height, minimum - STEP, floor)
    return size if size is not None else floor

"""Slide geometry in points, derived from the slide size and the theme's margins."""

from __future__ import annotations

from dataclasses import dataclass

EMU_PER_PT = 12700
TITLE_H = 80.0  # room for a two-line title at the theme's title size
RULE_GAP = 8.0
BODY_GAP = 26.0
FOOTER_H = 18.0


@dataclass(frozen=True)
class Box:
    """A rectangle in points."""

    x: float
    y: float
    w: float
    h: float

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def right(self) -> float:
        return self.x + self.w

    def inset(self, dx: float, dy: float | None = None) -> Box:
        """The box shrunk by dx left and right, dy top and bottom."""
        dy = dx if dy is None else dy
        return Box(self.x + dx, self.y + dy, self.w - 2 * dx, self.h - 2 * dy)

    def emu(self) -> tuple[int, int, int, int]:
        """(left, top, width, height) in EMU, for python-pptx."""
        return tuple(round(v * EMU_PER_PT) for v in (self.x, self.y, self.w, self.h))


@dataclass(frozen=True)
class Layout:
    """Where things go on a content slide."""

    width: float
    height: float
    side: float
    top: float
    bottom_margin: float
    title_box: Box | None = None  # a template's own title and body areas, when it has them
    body_box: Box | None = None

    @classmethod
    def for_theme(cls, theme, width_emu: int, height_emu: int) -> Layout:
        """Geometry for a slide size (EMU) and a theme's margins (inches)."""
        m = theme.spec.margins
        return cls(
            width_emu / EMU_PER_PT, height_emu / EMU_PER_PT, m.side * 72, m.top * 72, m.bottom * 72
        )

    @property
    def title(self) -> Box:
        if self.title_box is not None:
            return self.title_box
        return Box(self.side, self.top, self.width - 2 * self.side, TITLE_H)

    @property
    def rule(self) -> Box:
        """The short accent bar under the title."""
        return Box(self.side, self.title.bottom + RULE_GAP, 56, 4)

    @property
    def footer(self) -> Box:
        return Box(
            self.side,
            self.height - self.bottom_margin - FOOTER_H,
            self.width - 2 * self.side,
            FOOTER_H,
        )

    @property
    def body(self) -> Box:
        if self.body_box is not None:
            return Box(
                self.body_box.x,
                self.body_box.y,
                self.body_box.w,
                min(self.body_box.h, self.footer.y - 18 - self.body_box.y),
            )
        y = self.title.bottom + BODY_GAP
        return Box(self.side, y, self.width - 2 * self.side, self.footer.y - 18 - y)

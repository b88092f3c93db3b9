"""output/T/frames/ID/frames.json (written by frames, read by video and the preview) and
output/T/decks/ID.json (written by decks, read by frames)."""

from __future__ import annotations

from pydantic import Field

from pipeline.config import Strict


class DeckMap(Strict):
    """decks/ID.json: the script slide (1-based) each deck slide shows. The identity
    [1, 2, …, n] unless a slide too long to fit continues on extra deck slides."""

    slides: list[int]


class FrameIndex(Strict):
    """frames.json: one PNG per deck slide, in order, and the script slide each shows."""

    size: tuple[int, int] = (1920, 1080)
    frames: list[str] = Field(min_length=1)
    pdf: str = "deck.pdf"
    script_slide: list[int] | None = None

"""output/T/frames/ID/frames.json (written by frames, read by video and the preview) and
output/T/decks/ID.json (written by decks, read by frames)."""

from __future__ import annotations

from pydantic import Field

from pipeline.config import Strict


class DeckMap(Strict):
    """decks/ID.json: the script slide (1-based) each deck slide shows. The identity
    [1, 2, …, n] unless a slide too long to fit continues on extra deck slides."""

    slides: list[int]
    # decks/ID.states.pptx: for each of its slides, the deck slide (1-based) whose build
    # state it is, and where in the script slide's note that state starts (a character
    # offset). One per deck slide, at its narration's start, when nothing builds.
    frames: list[tuple[int, int]] = []


class FrameIndex(Strict):
    """frames.json: one PNG per build state of each deck slide (one per deck slide when
    nothing builds), in order, and the script slide each shows."""

    size: tuple[int, int] = (1920, 1080)
    frames: list[str] = Field(min_length=1)
    pdf: str = "deck.pdf"
    script_slide: list[int] | None = None
    # per frame: the deck slide it is a state of, and where in its script slide's note the
    # state starts (decks/ID.json's `frames`); None: one frame per deck slide, no builds
    page: list[int] | None = None
    at: list[int] | None = None

"""output/T/audio/ID/narration.json: written by narration, read by video, its check and
the preview. Slide i is on screen from its `start` to its `end` (pauses included); the
slides tile the whole duration; `index` is the script slide's number (1-based)."""

from __future__ import annotations

from pydantic import Field, model_validator

from pipeline.config import Strict


class Sentence(Strict):
    """One spoken line: as spoken, as written (the caption), and when."""

    text: str
    caption: str = ""
    start: float
    end: float
    at: int | None = None  # where it starts in the slide's note (build steps start there)
    joined: bool = False  # it goes on with the line before: one sentence cut at a [>] marker


class SlideTiming(Strict):
    """One script slide's span of narration.wav, in seconds."""

    index: int = Field(ge=1)
    start: float
    end: float
    sentences: list[Sentence] = []

    @model_validator(mode="after")
    def _ordered(self) -> SlideTiming:
        if self.end < self.start:
            raise ValueError(
                f"slide {self.index} ends ({self.end}) before it starts ({self.start})"
            )
        return self


class Narration(Strict):
    """narration.json."""

    sample_rate: int = 48000
    duration: float = Field(default=0.0, ge=0)
    loudness_lufs: float | None = None
    true_peak_dbtp: float | None = None
    slides: list[SlideTiming] = Field(min_length=1)

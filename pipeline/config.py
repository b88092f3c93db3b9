"""The topic.yaml schema: pydantic models that reject unknown keys."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from pipeline.secrets import key_env_problem
from pipeline.yamlsrc import load_with_lines, validate

BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?$")
STAGES_WITH_REVIEW = ("outline", "drafts")


class Strict(BaseModel):
    """Base for every config block: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class LectureSpec(Strict):
    """A lecture the person wants, in an explicit outline."""

    title: str = Field(min_length=1)
    id: str | None = None
    objectives: list[str] = []
    key_points: list[str] = []
    key_terms: list[str] = []
    minutes: float | None = Field(default=None, ge=0.5, le=120)


class SectionSpec(Strict):
    """A section the person wants, in an explicit outline."""

    title: str = Field(min_length=1)
    id: str | None = None
    lectures: list[LectureSpec] = Field(min_length=1)


class Server(Strict):
    """A provider's own server and the variable holding its key (the rules: secrets.py)."""

    # A self-hosted, test or third-party server; None uses OPENAI_BASE_URL /
    # ELEVENLABS_BASE_URL from the environment or .env, else the provider's official API.
    base_url: str | None = None
    # The environment / .env variable whose value is base_url's key (e.g. OPENROUTER_API_KEY).
    # topic.yaml travels with a course, so a base_url from it gets no key unless this names
    # one, and it may not name a key Lectern binds to a host (OPENAI_API_KEY,
    # ELEVENLABS_API_KEY, AZURE_OPENAI_API_KEY: see secrets.BOUND_KEYS).
    api_key_env: str | None = None
    # Failed calls (429, 5xx, timeouts, dropped connections) are retried this many times,
    # waiting base * 2**attempt seconds, at most retry_max_s (a server's Retry-After wins).
    max_retries: int = Field(default=4, ge=0, le=10)
    retry_base_s: float = Field(default=1.0, ge=0, le=60)
    retry_max_s: float = Field(default=30, ge=0, le=600)

    @field_validator("api_key_env")
    @classmethod
    def _own_variable(cls, v: str | None, info: ValidationInfo) -> str | None:
        problem = key_env_problem(v, info.data.get("base_url")) if v else None
        if problem:
            raise ValueError(problem)
        return v


class LLMConfig(Server):
    """Which language model writes the text; provider `none` means manual mode."""

    # none: you write the drafts; auto: openai when OPENAI_API_KEY, OPENAI_BASE_URL or
    # base_url is set, else none; openai: any OpenAI-compatible server; azure: Azure OpenAI.
    provider: str = "none"
    model: str = "gpt-4o-mini"  # on Azure: the deployment name
    # Unset means not sent (the model's default): reasoning models (gpt-5, o-series) take
    # no other value.
    temperature: float | None = Field(default=None, ge=0, le=2)
    reasoning_effort: Literal["none", "minimal", "low", "medium", "high"] | None = None
    # Calls at once; unset: 4, or 1 for a server on this machine or network (Ollama answers
    # one request at a time unless OLLAMA_NUM_PARALLEL says otherwise).
    concurrency: int | None = Field(default=None, ge=1, le=32)
    # Seconds to wait for an answer; unset: 120, or 600 for a server on this machine or
    # network (a local model is slower, and requests wait in its queue).
    timeout_s: float | None = Field(default=None, ge=1, le=3600)
    # Invalid or truncated answers are sent back with the error this many times.
    repair_attempts: int = Field(default=2, ge=0, le=5)
    max_tokens: int | None = Field(default=None, ge=16, le=200_000)
    # The model's context window in tokens; unset: a known model's own, else what the
    # server reports (vLLM, LM Studio, Ollama), else unchecked.
    context_tokens: int | None = Field(default=None, ge=512, le=10_000_000)
    # Azure classic deployments (https://RES.openai.azure.com): the API version to call.
    api_version: str | None = None
    # Prices in USD per million tokens, for models Lectern does not know (0 for a free server).
    price_in_per_mtok: float | None = Field(default=None, ge=0, le=1000)
    price_out_per_mtok: float | None = Field(default=None, ge=0, le=1000)


class VoiceConfig(Server):
    """Which voice narrates, and how."""

    provider: str = "piper"
    voice: str | None = None
    model: str | None = None
    speed: float = Field(default=1.0, ge=0.5, le=2)
    stability: float | None = Field(default=None, ge=0, le=1)
    similarity: float | None = Field(default=None, ge=0, le=1)
    style: float | None = Field(default=None, ge=0, le=1)
    instructions: str | None = None
    concurrency: int = Field(default=2, ge=1, le=16)
    timeout_s: float = Field(default=120, ge=1, le=3600)


class NarrationConfig(Strict):
    """How narration is turned into speech and mastered."""

    lexicon: dict[str, str] = {}
    sentence_pause: float = Field(default=0.35, ge=0, le=5)
    slide_pause: float = Field(default=0.8, ge=0, le=10)
    empty_note: Literal["error", "pause"] = "error"
    empty_note_seconds: float = Field(default=3.0, ge=0.5, le=60)
    lead_in: float = Field(default=0.3, ge=0, le=5)
    loudness_lufs: float = Field(default=-16, ge=-30, le=-10)
    true_peak_db: float = Field(default=-1.5, ge=-9, le=-1)
    room_tone_db: float = Field(default=-66, ge=-90, le=-50)


class VideoConfig(Strict):
    """How lectures are rendered."""

    resolution: Literal[720, 1080] = 1080
    captions: Literal["sidecar", "burn"] = "sidecar"
    intro: bool = False
    outro: bool = False
    music: str | None = None
    music_db: float = Field(default=-24, ge=-60, le=0)
    watermark: str | None = None
    min_slide_seconds: float = Field(default=2.0, ge=0.5, le=30)
    intro_seconds: float = Field(default=4.0, ge=1, le=15)
    outro_seconds: float = Field(default=4.0, ge=1, le=15)
    keyframe_seconds: int = Field(default=2, ge=1, le=4)
    crf: int = Field(default=20, ge=12, le=32)
    watermark_opacity: float = Field(default=0.6, ge=0.05, le=1)


class BookConfig(Strict):
    """Extra facts for the e-book and its KDP listing."""

    cover: str | None = None
    preface: str | None = None
    publisher: str | None = None
    description: str | None = None
    keywords: list[str] = []
    categories: list[str] = []


class UdemyConfig(Strict):
    """Extra facts for the Udemy landing page."""

    category: str | None = None
    requirements: list[str] = []


class Topic(Strict):
    """Everything a person writes in courses/<slug>/topic.yaml."""

    title: str = Field(min_length=1, max_length=200)
    subtitle: str = ""
    author: str = Field(min_length=1)
    language: str = "en"
    audience: str = ""
    level: Literal["beginner", "intermediate", "advanced", "all"] = "beginner"
    goals: list[str] = []
    sections: int = Field(default=3, ge=1, le=30)
    lectures_per_section: int = Field(default=3, ge=1, le=30)
    minutes_per_lecture: float = Field(default=6, ge=1, le=60)
    outline: list[SectionSpec] | None = None
    llm: LLMConfig = LLMConfig()
    voice: VoiceConfig = VoiceConfig()
    narration: NarrationConfig = NarrationConfig()
    video: VideoConfig = VideoConfig()
    book: BookConfig = BookConfig()
    udemy: UdemyConfig = UdemyConfig()
    theme: str = "default"
    review: list[Literal["outline", "drafts"]] = list(STAGES_WITH_REVIEW)
    budget_usd: float = Field(default=5.0, ge=0, le=10000)

    @field_validator("title", "author")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be empty")
        return v.strip()

    @field_validator("language")
    @classmethod
    def _bcp47(cls, v: str) -> str:
        if not BCP47.match(v):
            raise ValueError(f"'{v}' is not a BCP-47 language tag; use e.g. en, en-US, zh-CN")
        return v

    @property
    def uses_llm(self) -> bool:
        """True when a language model writes text (so AI use must be disclosed)."""
        return self.llm.provider != "none"


def load_topic(path: Path) -> Topic:
    """Read and validate topic.yaml, reporting every problem with its line."""
    data, lines = load_with_lines(path)
    if data is not None and not isinstance(data, dict):
        from pipeline.errors import ConfigError

        raise ConfigError(f"{path}:1: expected a mapping of keys (title: ..., author: ...)")
    return validate(Topic, data, path, lines)

"""The topic.yaml schema: pydantic models that reject unknown keys.

Every field's description is the reference a course author reads: docs/topic.md is
generated from them (`make docs`), so a new setting is documented where it is declared.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from pipeline.secrets import key_env_problem
from pipeline.yamlsrc import load_with_lines, validate

BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?$")
STAGES_WITH_REVIEW = ("outline", "drafts")


class Strict(BaseModel):
    """Base for every config block: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


# The ids that name a course's files (outline.yaml uses the same patterns).
SECTION_ID = r"^\d{2}-[a-z0-9]+(-[a-z0-9]+)*$"
LECTURE_ID = r"^\d{2}-\d{2}-[a-z0-9]+(-[a-z0-9]+)*$"


class LectureSpec(Strict):
    """A lecture of a section in the outline you write yourself."""

    title: str = Field(
        min_length=1,
        description=(
            "The lecture's title: its heading in the draft, its title slide, its video's title "
            "and its section of the book."
        ),
    )
    id: str | None = Field(
        default=None,
        pattern=LECTURE_ID,
        description=(
            "The lecture's id, which names every file made for it (lectures/ID.md, "
            "slides/ID.md, the video…): `SS-LL-slug` starting with its section's number, "
            "e.g. `01-02-why-it-matters`. Unset: the id already at this position in "
            "outline.yaml, else one made from the position and title."
        ),
    )
    objectives: list[str] = Field(
        default=[],
        description=(
            "What a learner can do after this lecture. The LLM draft covers them; the Udemy "
            "landing page uses them when `goals` has fewer than 4."
        ),
    )
    key_points: list[str] = Field(
        default=[],
        description=(
            "The points the lecture makes, in order. The LLM draft covers them; in manual "
            "mode each becomes a `##` heading of the starting file you fill in."
        ),
    )
    key_terms: list[str] = Field(
        default=[],
        description=(
            "Terms the lecture introduces: they go to the LLM draft, the book's index and "
            "the KDP keywords (after `book.keywords`)."
        ),
    )
    minutes: float | None = Field(
        default=None,
        ge=0.5,
        le=120,
        description=(
            "The lecture's target video length in minutes: the LLM sizes its draft and "
            "slide script to it, and the Udemy page counts it until the videos exist. "
            "Unset: `minutes_per_lecture`."
        ),
    )


class SectionSpec(Strict):
    """The outline you write yourself (manual mode): sections of lectures, in order;
    with it the outline stage needs no LLM."""

    title: str = Field(
        min_length=1,
        description=(
            "The section's title: a chapter of the book, a section of the Udemy curriculum."
        ),
    )
    id: str | None = Field(
        default=None,
        pattern=SECTION_ID,
        description=(
            "The section's id, `NN-slug` (e.g. `01-basics`); its lectures' ids start with "
            "its number. Unset: the id already at this position in outline.yaml, else one "
            "made from the position and title."
        ),
    )
    lectures: list[LectureSpec] = Field(
        min_length=1, description=("The section's lectures, in order (at least one).")
    )

    @model_validator(mode="after")
    def _lecture_ids_in_section(self) -> SectionSpec:
        for lec in self.lectures:
            if self.id and lec.id and not lec.id.startswith(self.id[:3]):
                raise ValueError(
                    f"lecture id '{lec.id}' must start with '{self.id[:3]}', its section's number"
                )
        return self


class Server(Strict):
    """A provider's own server and the variable holding its key (the rules: secrets.py)."""

    base_url: str | None = Field(
        default=None,
        description=(
            "A server of your own for this provider (self-hosted, a test server or a third "
            "party), called instead of its official API, e.g. `http://127.0.0.1:11434/v1` "
            "(Ollama) for llm. Unset: OPENAI_BASE_URL (ELEVENLABS_BASE_URL for ElevenLabs, "
            "AZURE_OPENAI_ENDPOINT for Azure) from the environment or .env, else the "
            "official API."
        ),
    )
    api_key_env: str | None = Field(
        default=None,
        description=(
            "The name of the environment or .env variable holding `base_url`'s key, e.g. "
            "`MY_SERVER_KEY`. topic.yaml travels with a course, so a `base_url` written here "
            "gets no key unless this names one, and it may not name a key Lectern binds to "
            "one host (OPENAI_API_KEY, ELEVENLABS_API_KEY, AZURE_OPENAI_API_KEY). "
            "Needs `base_url`."
        ),
    )
    max_retries: int = Field(
        default=4,
        ge=0,
        le=10,
        description=(
            "How many times a failed call (429, 5xx, a timeout, a dropped connection) is "
            "tried again before the stage stops; finished work is kept."
        ),
    )
    retry_base_s: float = Field(
        default=1.0,
        ge=0,
        le=60,
        description=(
            "Seconds before the first retry; each further wait doubles (with a little "
            "jitter) up to `retry_max_s`. A server's Retry-After header wins."
        ),
    )
    retry_max_s: float = Field(
        default=30, ge=0, le=600, description=("The longest wait between two retries, in seconds.")
    )

    @field_validator("api_key_env")
    @classmethod
    def _own_variable(cls, v: str | None, info: ValidationInfo) -> str | None:
        problem = key_env_problem(v, info.data.get("base_url")) if v else None
        if problem:
            raise ValueError(problem)
        return v


class LLMConfig(Server):
    """Which language model writes the outline, drafts, slide scripts, quizzes and
    landing page, and how it is called; provider `none` means you write them."""

    provider: str = Field(
        default="none",
        description=(
            "`none`: you write the outline (in `outline`, or outline.yaml), the lectures and "
            "the quizzes, and slide scripts are derived from the lectures; `auto` (what `make "
            "new` writes): `openai` when OPENAI_API_KEY, OPENAI_BASE_URL or `llm.base_url` is "
            "set, else `none`; `openai`: any OpenAI-compatible server (OpenAI, Ollama, vLLM, "
            "LM Studio, llama.cpp); `azure`: Azure OpenAI. An installed plugin adds its own "
            "name."
        ),
    )
    model: str = Field(
        default="gpt-4o-mini",
        description=(
            "The model's name on that server, e.g. `gpt-5-mini` or `llama3.1`; on Azure, the "
            "deployment's name. Part of every cached answer's key: a new model writes anew."
        ),
    )
    temperature: float | None = Field(
        default=None,
        ge=0,
        le=2,
        description=(
            "Sampling temperature: lower is more predictable. Unset: not sent (the model's "
            "default); reasoning models (gpt-5, o-series) take no other, so it is not sent "
            "to them."
        ),
    )
    reasoning_effort: Literal["none", "minimal", "low", "medium", "high"] | None = Field(
        default=None,
        description=(
            "How hard a reasoning model (gpt-5, o-series) thinks before answering; its "
            "hidden tokens are billed as output. Unset: not sent (the server's default, "
            "`medium` on OpenAI)."
        ),
    )
    concurrency: int | None = Field(
        default=None,
        ge=1,
        le=32,
        description=(
            "How many LLM calls run at once (the drafts stage writes lectures in parallel). "
            "Unset: 4, or 1 for a server on this machine or network (Ollama answers one "
            "request at a time unless OLLAMA_NUM_PARALLEL says otherwise)."
        ),
    )
    timeout_s: float | None = Field(
        default=None,
        ge=1,
        le=3600,
        description=(
            "Seconds to wait for one answer before the call counts as failed (and is "
            "retried). Unset: 120, or 600 for a server on this machine or network (a local "
            "model is slower, and requests wait in its queue)."
        ),
    )
    repair_attempts: int = Field(
        default=2,
        ge=0,
        le=5,
        description=(
            "How many times an invalid or cut-off answer is sent back to the model with what "
            "was wrong before the stage gives up; 0: one try only."
        ),
    )
    max_tokens: int | None = Field(
        default=None,
        ge=16,
        le=200_000,
        description=(
            "The output limit sent with each call, in tokens; a cut-off answer is asked again "
            "with twice the room, up to the model's known cap. Unset: none sent (the "
            "server's own limit)."
        ),
    )
    context_tokens: int | None = Field(
        default=None,
        ge=512,
        le=10_000_000,
        description=(
            "The model's context window in tokens: a prompt and answer that cannot fit are "
            "refused before they are paid for. Unset: a known model's own, else what the "
            "server reports (vLLM, LM Studio, Ollama), else unchecked."
        ),
    )
    api_version: str | None = Field(
        default=None,
        description=(
            "Azure classic deployments (https://RES.openai.azure.com): the API version to "
            "call. Unset: 2024-10-21. Not used by `…/openai/v1` endpoints."
        ),
    )
    price_in_per_mtok: float | None = Field(
        default=None,
        ge=0,
        le=1000,
        description=(
            "USD per million input tokens, for `budget_usd` and `make estimate` with a model "
            "Lectern does not know (0 for a free server). Unset: the known model's price; 0 "
            "on a server on this machine or network; an unknown model on a paid server is "
            "refused until both prices are given."
        ),
    )
    price_out_per_mtok: float | None = Field(
        default=None,
        ge=0,
        le=1000,
        description=(
            "USD per million output tokens (reasoning tokens count as output); see "
            "`price_in_per_mtok`."
        ),
    )


class VoiceConfig(Server):
    """Which voice narrates the slides, and how it is called."""

    provider: str = Field(
        default="piper",
        description=(
            "`piper`: an offline voice, free (the default en_US-joe-medium ships with "
            "Lectern); `elevenlabs` (needs ELEVENLABS_API_KEY) or `openai` (OPENAI_API_KEY): "
            "paid cloud voices, each sentence paid for once and cached. An installed plugin "
            "adds its own name."
        ),
    )
    voice: str | None = Field(
        default=None,
        description=(
            "Piper: a `.onnx` voice model (with its `.onnx.json` beside it) in the course "
            "folder or assets/, e.g. `assets/voices/x.onnx`; unset: en_US-joe-medium. "
            "ElevenLabs: the voice id from its Voice Library (required). OpenAI: a voice "
            "name such as `nova`; unset: `alloy`."
        ),
    )
    model: str | None = Field(
        default=None,
        description=(
            "The cloud voice's model. Unset: `eleven_multilingual_v2` (ElevenLabs), "
            "`gpt-4o-mini-tts` (OpenAI). Piper ignores it: the model is `voice`."
        ),
    )
    speed: float = Field(
        default=1.0,
        ge=0.5,
        le=2,
        description=(
            "Speaking rate: 1 is the voice's own, 1.2 is 20% faster (Piper stretches its "
            "output; the cloud voices are sent the rate)."
        ),
    )
    stability: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description=(
            "ElevenLabs only: lower gives a broader emotional range, higher a steadier (and "
            "flatter) voice. Unset: the voice's own setting."
        ),
    )
    similarity: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description=(
            "ElevenLabs only (similarity boost): how closely the speech keeps to the "
            "original voice. Unset: the voice's own setting."
        ),
    )
    style: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description=(
            "ElevenLabs only (style exaggeration): how much the original speaker's style is "
            "amplified; above 0 costs latency. Unset: the voice's own setting."
        ),
    )
    instructions: str | None = Field(
        default=None,
        description=(
            "OpenAI only: how to speak, in words, e.g. `Calm and friendly, like a patient "
            "teacher` (gpt-4o-mini-tts follows it; tts-1 does not)."
        ),
    )
    concurrency: int = Field(
        default=2,
        ge=1,
        le=16,
        description=(
            "Sentences synthesized at once: requests in flight for a cloud voice, processes "
            "for Piper (never more than the CPU's cores)."
        ),
    )
    timeout_s: float = Field(
        default=120,
        ge=1,
        le=3600,
        description=(
            "Seconds to wait for one cloud voice request before it counts as failed (and is "
            "retried)."
        ),
    )


class NarrationConfig(Strict):
    """How the slides' notes are turned into speech and mastered."""

    lexicon: dict[str, str] = Field(
        default={},
        description=(
            "How to say words the voice gets wrong: written → spoken, e.g. "
            "`{SQL: sequel, kubectl: cube control}`. Whole words, case-sensitive, the longest "
            "first; captions keep the written word."
        ),
    )
    reviewed_terms: list[str] = Field(
        default=[],
        description=(
            "Technical terms (acronyms, identifiers, words the voice's dictionary lacks) you "
            "have listened to on the preview's terms page and found said right, e.g. "
            "`[JSON, pytest]`: the Udemy check stops listing them. Written as in the notes, "
            "case-sensitive; a term said wrong belongs in `lexicon` instead."
        ),
    )
    sentence_pause: float = Field(
        default=0.35, ge=0, le=5, description=("Seconds of quiet between two sentences of a slide.")
    )
    slide_pause: float = Field(
        default=0.8,
        ge=0,
        le=10,
        description=(
            "Seconds of quiet after each slide's last sentence, before the next slide (a "
            "slide's own `@pause:` adds to it)."
        ),
    )
    empty_note: Literal["error", "pause"] = Field(
        default="error",
        description=(
            "A slide with nothing to say after `Note:`: `error` stops the decks and "
            "narration stages at that slide's line; `pause` shows it silently for "
            "`empty_note_seconds`."
        ),
    )
    empty_note_seconds: float = Field(
        default=3.0,
        ge=0.5,
        le=60,
        description=(
            "How long a silent slide (`empty_note: pause`) stays on screen, before `slide_pause`."
        ),
    )
    lead_in: float = Field(
        default=0.3, ge=0, le=5, description=("Seconds of quiet before a lecture's first sentence.")
    )
    loudness_lufs: float = Field(
        default=-16,
        ge=-30,
        le=-10,
        description=(
            "The narration's integrated loudness in LUFS; -16 is the norm for spoken web video."
        ),
    )
    true_peak_db: float = Field(
        default=-1.5,
        ge=-9,
        le=-1,
        description=(
            "The ceiling for the narration's true peaks in dBTP (a limiter keeps them under "
            "it; platforms ask for -1 or lower)."
        ),
    )
    room_tone_db: float = Field(
        default=-66,
        ge=-90,
        le=-50,
        description=(
            "The level (dBFS RMS) of the soft noise laid under the narration, so pauses "
            "sound like a quiet room instead of a dead line."
        ),
    )


class VideoConfig(Strict):
    """How each lecture's video is rendered from its slides and narration."""

    resolution: Literal[720, 1080] = Field(
        default=1080,
        description=("Frame height: 1080 is 1920×1080, 720 is 1280×720 (30 frames a second)."),
    )
    builds: bool = Field(
        default=True,
        description=(
            "Slides build with the voice: bullets, table rows and columns appear, and code "
            "lines are highlighted, as the narration reaches them (`[>]` markers in a note "
            "place them; else the sentence that introduces each). `off`: still slides; "
            "`@build: off` does the same for one slide."
        ),
    )
    captions: Literal["sidecar", "burn"] = Field(
        default="sidecar",
        description=(
            "`sidecar`: captions as .vtt and .srt files beside the video (what Udemy "
            "takes); `burn`: also drawn into the picture, for players without captions."
        ),
    )
    intro: bool = Field(
        default=False,
        description=(
            "Start each video with a card: the lecture's title over the course title, in "
            "the theme's colours, for `intro_seconds`."
        ),
    )
    outro: bool = Field(
        default=False,
        description=(
            'End each video with a card: the course title and "by" the author, for `outro_seconds`.'
        ),
    )
    music: str | None = Field(
        default=None,
        description=(
            "An audio file in the course folder or assets/, looped under the narration, "
            "ducked while the voice speaks and faded in and out. Unset: no music."
        ),
    )
    music_db: float = Field(
        default=-24,
        ge=-60,
        le=0,
        description=("The music's gain in dB (0 plays the file as it is), before the ducking."),
    )
    watermark: str | None = Field(
        default=None,
        description=(
            "An image in the course folder or assets/ (a PNG with transparency works best) "
            "drawn in the bottom-right corner of every frame, a tenth of the width wide."
        ),
    )
    min_slide_seconds: float = Field(
        default=2.0,
        ge=0.5,
        le=30,
        description=(
            "How long a slide without narration time stays on screen. The decks stage warns "
            "when a slide too long to fit continues on deck slides that its note would show "
            "for less than this each."
        ),
    )
    intro_seconds: float = Field(
        default=4.0,
        ge=1,
        le=15,
        description=("How long the intro card is shown (with `intro: true`)."),
    )
    outro_seconds: float = Field(
        default=4.0,
        ge=1,
        le=15,
        description=("How long the outro card is shown (with `outro: true`)."),
    )
    keyframe_seconds: int = Field(
        default=2,
        ge=1,
        le=4,
        description=(
            "The longest stretch between two keyframes, in seconds; every slide also starts "
            "on one. Shorter seeks more precisely in players, in slightly larger files."
        ),
    )
    crf: int = Field(
        default=20,
        ge=12,
        le=32,
        description=(
            "H.264 quality (x264's constant rate factor): lower is sharper, in larger files."
        ),
    )
    watermark_opacity: float = Field(
        default=0.6, ge=0.05, le=1, description=("How opaque the watermark is: 1 is solid.")
    )


class BookConfig(Strict):
    """Extra facts for the e-book (EPUB) and its KDP listing."""

    cover: str | None = Field(
        default=None,
        description=(
            "Your cover image (JPEG or PNG) in the course folder or assets/, resized and "
            "cropped to KDP's 1600×2560 (1.6:1). Unset: Lectern draws one from the title, "
            "subtitle, author and the theme's colours."
        ),
    )
    preface: str | None = Field(
        default=None,
        description=(
            "A preface before the first chapter: Markdown text, or the name of a .md file "
            "in the course folder."
        ),
    )
    publisher: str | None = Field(
        default=None,
        description=(
            "The publisher on the title and copyright pages and in the EPUB's metadata. "
            "Unset: none on the pages, the author in the metadata."
        ),
    )
    description: str | None = Field(
        default=None,
        description=(
            "The book's blurb (paragraphs separated by blank lines): the KDP description "
            "(at most 4,000 characters as HTML), the EPUB's description, and (without an "
            "LLM) a paragraph of the Udemy description. Unset: the subtitle (else the "
            "title)."
        ),
    )
    keywords: list[str] = Field(
        default=[],
        description=(
            "KDP keyword phrases (7 are listed, each at most 50 characters) and the EPUB's "
            "subjects. Fewer than 7 are topped up from the outline's key terms and section "
            "titles."
        ),
    )
    categories: list[str] = Field(
        default=[],
        description=(
            "KDP categories as paths, e.g. `Computers & Technology > Programming Languages "
            "> Python`; the first two are listed. Unset: guessed from the title and key "
            "terms."
        ),
    )


class UdemyConfig(Strict):
    """Extra facts for the Udemy landing page, which an LLM writes from the topic when
    there is one, else Lectern from the topic's own words."""

    category: str | None = Field(
        default=None,
        description=(
            "The course's Udemy category, e.g. `Development > Programming Languages > "
            "Python`. Unset: the LLM's suggestion when one writes the landing page, else "
            "left for you to pick on Udemy."
        ),
    )
    requirements: list[str] = Field(
        default=[],
        description=(
            "What students need before they start: Udemy's Requirements list (`lectern "
            "check-udemy` wants at least one; an LLM writing the page starts from these)."
        ),
    )
    max_still_seconds: float = Field(
        default=20.0,
        gt=0,
        description=(
            "The longest a rendered lecture may show the same picture, in seconds, "
            "measured from its MP4 (`lectern check-udemy`'s visual dynamics rule)."
        ),
    )
    median_still_seconds: float = Field(
        default=8.0,
        gt=0,
        description=(
            "The most the median time between picture changes may be, in seconds, in "
            "each rendered lecture (the same rule)."
        ),
    )


class CodeConfig(Strict):
    """How the course's code examples are run and checked (`make check-code`)."""

    check: bool = Field(
        default=True,
        description=(
            "Run every fenced code block of the lectures and slide scripts in a sandbox "
            "and compare what it prints with what the text says (docs/formats.md, Code "
            "that runs). `false`: no block runs, and the report says so."
        ),
    )
    time_s: float = Field(
        default=10.0,
        gt=0,
        le=600,
        description="The longest one block may run, in seconds, before it is stopped.",
    )
    memory_mb: int = Field(
        default=1024,
        ge=64,
        le=65536,
        description="The most memory one session of blocks may take, in MB.",
    )


class Topic(Strict):
    """The top level of `courses/<slug>/topic.yaml`: what the course is, how big, and the
    blocks below."""

    title: str = Field(
        min_length=1,
        max_length=200,
        description=(
            "The course and book title: on the decks, the video cards, the book and its "
            "cover, and both listings. Udemy allows at most 60 characters; KDP, fewer than "
            "200 for title and subtitle together."
        ),
    )
    subtitle: str = Field(
        default="",
        description=(
            "One line under the title, on the book's title page and cover and in both "
            "listings (Udemy: at most 120 characters)."
        ),
    )
    author: str = Field(
        min_length=1,
        description=(
            "Your name, as the book's author (title page, cover, copyright, metadata) and "
            "on the outro card."
        ),
    )
    language: str = Field(
        default="en",
        description=(
            "The course language as a BCP-47 tag (`en`, `en-GB`, `de`, `zh-CN`, `ja`): what "
            "the LLM writes in, the EPUB's language, CJK fonts on the decks for zh, ja and "
            "ko. The voice is chosen separately (`voice`)."
        ),
    )
    audience: str = Field(
        default="",
        description=(
            "Who the course is for, in one sentence: given to the LLM, and shown as "
            '"Who this course is for" on Udemy and "Who this book is for" on KDP.'
        ),
    )
    level: Literal["beginner", "intermediate", "advanced", "all"] = Field(
        default="beginner",
        description=(
            "The learners' level: given to the LLM and set on the Udemy landing page "
            "(`advanced` is Udemy's Expert Level)."
        ),
    )
    goals: list[str] = Field(
        default=[],
        description=(
            "What a learner can do at the end: given to the LLM, Udemy's \"What students "
            'will learn" (at least 4, topped up from lecture objectives) and the KDP '
            "description."
        ),
    )
    sections: int = Field(
        default=3,
        ge=1,
        le=30,
        description=("How many sections the LLM's outline has (not used with your own `outline`)."),
    )
    lectures_per_section: int = Field(
        default=3,
        ge=1,
        le=30,
        description=(
            "How many lectures each section of the LLM's outline has (Udemy needs at least "
            "5 lectures in all)."
        ),
    )
    minutes_per_lecture: float = Field(
        default=6,
        ge=1,
        le=60,
        description=(
            "The target video length of a lecture in minutes: the LLM sizes outline and "
            "drafts to it, and it is a lecture's `minutes` when that is not given."
        ),
    )
    outline: list[SectionSpec] | None = Field(
        default=None,
        description=(
            "Your own outline (manual mode): sections of lectures, each with its title. "
            "Unset: the LLM writes the outline from the settings above."
        ),
    )
    llm: LLMConfig = Field(
        default_factory=LLMConfig,
        description=("The language model, or `provider: none` to write everything yourself."),
    )
    voice: VoiceConfig = Field(
        default_factory=VoiceConfig, description=("The voice that narrates the slides.")
    )
    narration: NarrationConfig = Field(
        default_factory=NarrationConfig,
        description=("Pronunciation, pauses and loudness of the narration."),
    )
    video: VideoConfig = Field(
        default_factory=VideoConfig,
        description=("Resolution, captions, cards, music and encoding of the videos."),
    )
    book: BookConfig = Field(
        default_factory=BookConfig,
        description=("Cover, preface and KDP listing facts for the e-book."),
    )
    udemy: UdemyConfig = Field(
        default_factory=UdemyConfig, description=("Udemy landing page facts.")
    )
    code: CodeConfig = Field(
        default_factory=CodeConfig,
        description=("How the code examples are run and checked: limits per block."),
    )
    theme: str = Field(
        default="default",
        description=(
            "The look of decks, video cards and the generated book cover: a built-in theme "
            "(`default`, `dark`, or a folder of assets/themes/), a theme.yaml, or your own "
            ".pptx template, as a path in the course folder or assets/."
        ),
    )
    review: list[Literal["outline", "drafts"]] = Field(
        default=list(STAGES_WITH_REVIEW),
        description=(
            "Where `make course` stops for you to read, edit and `make approve`: after "
            "the outline, after the drafts; `[]` runs straight through (as "
            "AUTO_APPROVE=1 does)."
        ),
    )
    budget_usd: float = Field(
        default=5.0,
        ge=0,
        le=10000,
        description=(
            "The most this course may spend on LLM calls, in USD, over all runs: a call that "
            "could go over it is not made (finished work is kept). Cached answers are free. "
            "See `make costs` and `make estimate`."
        ),
    )

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

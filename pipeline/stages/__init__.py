"""The stage registry: every stage declared once.

A stage's name is its make target, its CLI command, its `make status` column and its
module (`pipeline/stages/NAME.py`, which has `run(course, only=None, force=False)`). Its
declaration says what it works on (the course, each section or each lecture), the files
it writes, what it is made from (files, topic.yaml settings, facts it derives) and the
version of its code. From this one list come the stage keys (pipeline/keys.py), the Make
rules (pipeline/rules.py), the CLI commands, `make status` and `make why`, and the stage
table in docs/ARCHITECTURE.md. Adding a stage is one entry here and one module.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pipeline import keys, locks, placeholders, review, stamps, tempfiles
from pipeline.errors import InputError
from pipeline.keys import Derived, File, Part, Setting

Grain = Literal["course", "section", "lecture"]
FACTS = "pipeline.stages.facts"
WRITTEN = ("{C}/lectures/", "{C}/slides/")  # prose a person writes: placeholders hide there


@dataclass(frozen=True)
class Stage:
    """One stage, declared once (see the module docstring)."""

    name: str
    grain: Grain
    writes: tuple[str, ...]  # path templates (keys.resolve); the first is what Make tracks
    reads: tuple[Part, ...]
    version: int  # bump when the same inputs must give a different output
    summary: str  # one line for the docs
    review: str | None = None  # the checkpoint whose approval it waits for
    # one process for every item: LLM calls run side by side, and a stage with costly
    # start-up (imports, LibreOffice, the video template) pays it once per run
    batch: bool = False

    @property
    def source(self) -> bool:
        """True when it writes under courses/ (a person's files, under edit protection)."""
        return self.writes[0].startswith("{C}")

    def key(self, course, item: str | None = None) -> keys.Key:
        """What this stage's output for `item` is made from, as it is now."""
        return keys.compute(self.reads, self.version, course, item)

    def outputs(self, course, item: str | None = None) -> list[Path]:
        """The files it writes for `item` (the first is the one Make tracks)."""
        return [keys.resolve(t, course, item) for t in self.writes]

    def target(self, course, item: str | None = None) -> Path:
        return self.outputs(course, item)[0]

    def fresh(self, course, item: str | None, key: keys.Key) -> bool:
        """True (outputs touched for Make) when every output was made from `key`."""
        return all(stamps.fresh(course.out, p, key) for p in self.outputs(course, item))

    def record(self, course, item: str | None, key: keys.Key) -> None:
        """Stamp every output as made from `key` (call once all are written)."""
        for path in self.outputs(course, item):
            stamps.record(course.out, path, key)

    def pending(self, course, items: list, force: bool, bar=None) -> Iterator:
        """(item, key) for each item whose outputs are not current (all with `force`); a
        current one is touched for Make and counted on the progress `bar`."""
        for item in items:
            self.require(course, item)
            key = self.key(course, item)
            if not force and self.fresh(course, item, key):
                if bar is not None:
                    bar.step(f"{item} (up to date)")
                continue
            yield item, key

    def require(self, course, item: str | None = None) -> None:
        """Stop with the command that makes it when a file this stage reads is missing,
        and with file:line when a lecture or slide script it reads holds a placeholder."""
        self._require_files(course, item)
        paths = [p for t in self._written() for p in keys.expand(t, course, item, self.grain)]
        self.refuse_placeholders(course, paths)

    def refuse_placeholders(self, course, paths: list[Path]) -> None:
        """Stop with file:line when one of these files holds a placeholder nobody approved."""
        found = [p for path in paths for p in review.unaccepted_placeholders(course, path)]
        if found:
            raise InputError(
                f"{self.name} stopped: placeholders are still in the text:\n"
                f"{placeholders.report(found, course.root)}\n"
                f"{placeholders.FIX}; to publish them as they are: "
                f"`make approve TOPIC={course.slug} STAGE={_approved_as(found[0])} FORCE=1`"
            )

    def _written(self) -> list[str]:
        """The read templates that name a person's prose (lectures, slide scripts)."""
        return [t for part in self.reads for t in part.files() if t.startswith(WRITTEN)]

    def _require_files(self, course, item: str | None) -> None:
        for part in self.reads:
            if isinstance(part, File) and not keys.resolve(part.path, course, item).exists():
                maker = next((s.name for s in REGISTRY if part.path in s.writes), None)
                how = f"run `make {maker} TOPIC={course.slug}`" if maker else "write it"
                raise InputError(
                    f"{keys.resolve(part.path, course, item)}: {part.label} is "
                    f"missing, so {self.name} cannot run; {how}"
                )

    def items(self, course) -> list[str | None]:
        """What it works on: [None] for the course, else section or lecture ids."""
        if self.grain == "course":
            return [None]
        if self.grain == "section":
            return [s.id for s in course.outline.sections]
        return [lec.id for lec in course.outline.lectures]

    def module(self):
        return importlib.import_module(f"pipeline.stages.{self.name}")


def _approved_as(found: placeholders.Placeholder) -> str:
    """The approval that accepts a placeholder in this file."""
    return "scripts" if found.path.parent.name == "slides" else "drafts"


def _llm(prompt: str) -> tuple[Part, ...]:
    """What an LLM stage is made from besides its inputs: the model and the prompt."""
    return (
        Derived("the LLM settings", f"{FACTS}:llm"),
        Derived("its prompt", f"{FACTS}:{prompt}_prompt"),
    )


TITLES = (
    Setting("title"),
    Derived("the section title", f"{FACTS}:section_title", ("{C}/outline.yaml",)),
    Derived("the lecture title", f"{FACTS}:lecture_title", ("{C}/outline.yaml",)),
)

REGISTRY: tuple[Stage, ...] = (
    Stage(
        "outline",
        "course",
        ("{C}/outline.yaml",),
        (
            Setting("title"),
            Setting("subtitle"),
            Setting("language"),
            Setting("audience"),
            Setting("level"),
            Setting("goals"),
            Setting("sections"),
            Setting("lectures_per_section"),
            Setting("minutes_per_lecture"),
            Setting("outline"),
            *_llm("outline"),
        ),
        1,
        "sections and lectures with stable ids, from topic.yaml (or an LLM)",
    ),
    Stage(
        "drafts",
        "lecture",
        ("{C}/lectures/{ID}.md",),
        (
            Derived("its outline entry", f"{FACTS}:lecture_entry", ("{C}/outline.yaml",)),
            Setting("title"),
            Setting("language"),
            Setting("audience"),
            Setting("level"),
            *_llm("draft"),
        ),
        1,
        "each lecture as book prose (an LLM, or a scaffold to write)",
        review="outline",
        batch=True,
    ),
    Stage(
        "scripts",
        "lecture",
        ("{C}/slides/{ID}.md",),
        (File("{C}/lectures/{ID}.md", "the lecture"), *TITLES[1:], *_llm("script")),
        3,
        "the slide script: slides and what the voice says",
        review="drafts",
    ),
    Stage(
        "quizzes",
        "section",
        ("{C}/quizzes/{SID}.yaml",),
        (
            Derived(
                "the section's lectures", f"{FACTS}:section_drafts", ("{C}/lectures/{EACH_ID}.md",)
            ),
            Derived("the section title", f"{FACTS}:section_title", ("{C}/outline.yaml",)),
            Setting("language"),
            *_llm("quiz"),
        ),
        1,
        "review questions per section (an LLM, or written by hand)",
        review="drafts",
    ),
    Stage(
        "code",
        "lecture",
        ("{O}/code/{ID}.json",),
        (
            File("{C}/lectures/{ID}.md", "the lecture"),
            Setting("code"),
            Derived("the code runners and languages", "pipeline.code.check:runner_facts"),
        ),
        1,
        "every code block of the lecture run in a sandbox and checked (decks check the slides')",
        batch=True,
        review="drafts",
    ),
    Stage(
        "decks",
        "lecture",
        ("{O}/decks/{ID}.pptx", "{O}/decks/{ID}.json", "{O}/decks/{ID}.states.pptx"),
        (
            File("{C}/slides/{ID}.md", "the slide script"),
            Derived(
                "the images it shows",
                "pipeline.stages.decks:images",
                ("{C}/images/*", "{R}/assets/images/*"),
            ),
            Derived("the theme", "pipeline.stages.decks:theme_facts", ("{R}/assets/themes/*/*",)),
            Setting("code"),
            Derived("the code runners and languages", "pipeline.code.check:runner_facts"),
            *TITLES,
            Setting("language"),
            Setting("theme"),
            Setting("video.builds"),
        ),
        6,
        "a PowerPoint deck per lecture, fitted to the theme, its slides building with the voice "
        "(once the code on them runs as shown)",
        batch=True,
    ),
    Stage(
        "frames",
        "lecture",
        ("{O}/frames/{ID}/frames.json", "{O}/frames/{ID}/deck.pdf"),
        (
            File("{O}/decks/{ID}.pptx", "the deck"),
            File("{O}/decks/{ID}.json", "the deck's slide mapping"),
            File("{O}/decks/{ID}.states.pptx", "the deck's build states"),
        ),
        2,
        "LibreOffice's 1920×1080 picture of each slide's build states, and the PDF",
        batch=True,
    ),
    Stage(
        "narration",
        "lecture",
        (
            "{O}/audio/{ID}/narration.json",
            "{O}/audio/{ID}/narration.wav",
            "{O}/audio/{ID}/narration.txt",
        ),
        (
            File("{C}/slides/{ID}.md", "the slide script"),
            Setting("voice"),
            Setting("narration"),
            Setting("video.builds"),
        ),
        5,
        "each slide's note spoken and mastered to -16 LUFS",
        batch=True,
    ),
    Stage(
        "video",
        "lecture",
        ("{O}/video/{ID}.mp4", "{O}/video/{ID}.vtt", "{O}/video/{ID}.srt"),
        (
            Derived(
                "the frames",
                "pipeline.stages.video:frame_facts",
                ("{O}/frames/{ID}/frames.json", "{O}/frames/{ID}/slide-*.png"),
            ),
            File("{O}/audio/{ID}/narration.json", "the narration's timings"),
            Derived(
                "the sound of each slide",
                "pipeline.stages.video:sound_facts",
                ("{O}/audio/{ID}/narration.wav",),
            ),
            Derived("the intro and outro cards", "pipeline.stages.video:card_facts"),
            Derived(
                "the music and watermark",
                "pipeline.stages.video:asset_facts",
                ("{R}/assets/music/*", "{R}/assets/watermarks/*"),
            ),
            Setting("video"),
        ),
        4,
        "the MP4 with captions, checked before it replaces the old one",
        batch=True,
    ),
    Stage(
        "book",
        "course",
        ("{O}/book/{SLUG}.epub", "{O}/book/cover.jpg"),
        (
            Derived(
                "the book's sources",
                "pipeline.stages.book:source_facts",
                (
                    "{C}/lectures/{EACH_ID}.md",
                    "{O}/code/{EACH_ID}.json",
                    "{C}/quizzes/{EACH_SID}.yaml",
                    "{C}/images/*",
                    "{C}/outline.yaml",
                    "{C}/topic.yaml",
                ),
            ),
        ),
        1,
        "the EPUB for KDP, checked by EPUBCheck",
    ),
    Stage(
        "udemy",
        "course",
        ("{O}/udemy.zip",),
        (
            Derived(
                "the bundle's files",
                "pipeline.stages.udemy:file_facts",
                (
                    "{O}/video/{EACH_ID}.mp4",
                    "{O}/video/{EACH_ID}.vtt",
                    "{O}/decks/{EACH_ID}.pptx",
                    "{O}/frames/{EACH_ID}/frames.json",
                    "{O}/frames/{EACH_ID}/deck.pdf",
                    "{C}/quizzes/{EACH_SID}.yaml",
                    "{C}/outline.yaml",
                ),
            ),
            Derived("the outline", f"{FACTS}:outline"),
            Setting("title"),
            Setting("subtitle"),
            Setting("author"),
            Setting("audience"),
            Setting("level"),
            Setting("goals"),
            Setting("language"),
            Setting("udemy"),
            Setting("book.description"),
            Setting("theme"),
            Derived("the LLM settings", f"{FACTS}:llm"),
        ),
        2,
        "the Udemy upload folder and zip, with its check",
    ),
    Stage(
        "kdp",
        "course",
        ("{O}/kdp/listing.md",),
        (
            File("{O}/book/{SLUG}.epub", "the EPUB"),
            File("{O}/book/cover.jpg", "the cover"),
            Derived("the listing", "pipeline.stages.kdp:listing_text", ("{C}/topic.yaml",)),
        ),
        1,
        "the KDP upload folder: EPUB, cover and listing",
    ),
)
STAGES: dict[str, Stage] = {s.name: s for s in REGISTRY}


def get(name: str) -> Callable:
    """A stage's `run` function."""
    return STAGES[name].module().run


def stage(name: str) -> Stage:
    """A stage's declaration."""
    return STAGES[name]


def run(name: str, course, only: list[str] | None = None, force: bool = False):
    """Run one stage for a course (the CLI has started the run's clock: see stamps),
    once no other run builds it, after sweeping the temp files that killed runs left."""
    with locks.course_run(course):
        tempfiles.sweep(course.out, course.dir, course.cache_dir)
        return get(name)(course, only, force=force)

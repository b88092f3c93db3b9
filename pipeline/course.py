"""Paths and ids of one course: every stage finds its files through here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import secrets, stages
from pipeline.config import Topic, load_topic
from pipeline.errors import ConfigError, InputError
from pipeline.models import Lecture, Outline, Quiz, load_outline, load_quiz
from pipeline.paths import SearchPath, find
from pipeline.project import project_root

if TYPE_CHECKING:
    from pipeline.theme.model import Theme

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def check_slug(slug: str, root: Path) -> None:
    """Reject topic names that are not a plain folder name; list the ones that exist."""
    if not slug:
        raise ConfigError(f"no topic given: run e.g. `make course TOPIC=example`{_known(root)}")
    if not SLUG.match(slug):
        raise ConfigError(
            f"TOPIC '{slug}' is not a valid topic name: use lowercase letters, "
            "digits, '-' and '_' only (no '/', '..' or spaces)"
        )
    if not (root / "courses" / slug).is_dir():
        raise ConfigError(
            f"no course '{slug}' in {root / 'courses'}: create it with "
            f"`make new TOPIC={slug}`{_known(root)}"
        )


def _known(root: Path) -> str:
    names = list_topics(root)
    return f". Existing topics: {', '.join(names)}" if names else ""


def list_topics(root: Path) -> list[str]:
    """Course folders that hold a topic.yaml."""
    base = root / "courses"
    return sorted(p.parent.name for p in base.glob("*/topic.yaml")) if base.is_dir() else []


@dataclass
class Course:
    """One course: its config, outline and the paths of every file made for it."""

    slug: str
    root: Path

    @classmethod
    def load(cls, slug: str, root: Path | None = None) -> Course:
        """Find a course by slug and validate its topic.yaml."""
        root = (root or project_root()).resolve()
        check_slug(slug, root)
        course = cls(slug, root)
        if not course.topic_path.exists():
            raise ConfigError(
                f"{course.topic_path}: file not found; create it with `make new TOPIC={slug}`"
            )
        _ = course.topic
        return course

    # --- sources (courses/<slug>/, the person's) ---
    @property
    def dir(self) -> Path:
        return self.root / "courses" / self.slug

    @property
    def topic_path(self) -> Path:
        return self.dir / "topic.yaml"

    @cached_property
    def topic(self) -> Topic:
        """topic.yaml, with `llm.provider: auto` made concrete (see llm_choice)."""
        topic = self.written_topic
        if topic.llm.provider != "auto":
            return topic
        provider = "openai" if self.llm_choice.startswith("openai") else "none"
        return topic.model_copy(update={"llm": topic.llm.model_copy(update={"provider": provider})})

    @cached_property
    def written_topic(self) -> Topic:
        """topic.yaml as written."""
        return load_topic(self.topic_path)

    @cached_property
    def llm_choice(self) -> str:
        """What `llm.provider: auto` chose, and why (the outline stage says it)."""
        env, cfg = secrets.environment(self.root), self.written_topic.llm
        for why, value in (
            ("llm.base_url is set", cfg.base_url),
            ("OPENAI_API_KEY is set", env.get("OPENAI_API_KEY")),
            ("OPENAI_BASE_URL is set", env.get("OPENAI_BASE_URL")),
        ):
            if value and value.strip():
                return f"openai, because {why}"
        return (
            "none (manual mode), because neither OPENAI_API_KEY, OPENAI_BASE_URL nor "
            "llm.base_url is set"
        )

    @property
    def outline_path(self) -> Path:
        return self.dir / "outline.yaml"

    @cached_property
    def outline(self) -> Outline:
        if not self.outline_path.exists():
            raise InputError(
                f"{self.outline_path}: no outline yet; run `make outline TOPIC={self.slug}`"
            )
        return load_outline(self.outline_path)

    def lecture(self, lecture_id: str) -> Lecture:
        """The outline entry of a lecture id, or a clear error listing valid ids."""
        for lec in self.outline.lectures:
            if lec.id == lecture_id:
                return lec
        ids = ", ".join(x.id for x in self.outline.lectures)
        raise InputError(f"{self.outline_path}: no lecture '{lecture_id}'; lectures: {ids}")

    def lecture_ids(self, only: list[str] | None = None) -> list[str]:
        """Lectures to work on: all, or those named (a section id means its lectures)."""
        if not only:
            return [lec.id for lec in self.outline.lectures]
        sections = {s.id: [lec.id for lec in s.lectures] for s in self.outline.sections}
        ids = [lid for item in only for lid in sections.get(item) or [self.lecture(item).id]]
        return list(dict.fromkeys(ids))

    def lecture_path(self, lecture_id: str) -> Path:
        return self.dir / "lectures" / f"{lecture_id}.md"

    def slides_path(self, lecture_id: str) -> Path:
        return self.dir / "slides" / f"{lecture_id}.md"

    def quiz_path(self, section_id: str) -> Path:
        return self.dir / "quizzes" / f"{section_id}.yaml"

    def quiz(self, section_id: str) -> Quiz:
        """A section's quiz, checked against the outline (its section, its lectures)."""
        section = next((s for s in self.outline.sections if s.id == section_id), None)
        return load_quiz(self.quiz_path(section_id), section)

    @property
    def approvals_path(self) -> Path:
        return self.dir / "approvals.yaml"

    @property
    def state_dir(self) -> Path:
        """Pipeline bookkeeping kept with the sources (committed with them)."""
        return self.dir / ".lectern"

    @cached_property
    def theme(self) -> Theme:
        """The theme `theme:` names, read and validated once (pipeline.theme.load): what
        the decks, the video's cards, the book cover and the course image all draw with."""
        from pipeline.theme import load  # Pillow and python-pptx only when a stage draws

        return load.load(self)

    @property
    def image_dirs(self) -> SearchPath:
        """Where every file the course names (images, music, theme, voice…) is looked up
        and must stay: the course folder and the project's assets/ (see pipeline.paths)."""
        return SearchPath.for_course(self.dir, self.root)

    def file(self, value: str, key: str) -> Path:
        """A file a topic.yaml key names, inside the course folder or assets/, or a
        ConfigError naming the key."""
        return find(value, self.image_dirs, f"{self.topic_path}: {key}", "file", ConfigError)

    # --- outputs (output/<slug>/, rebuildable) ---
    @property
    def out(self) -> Path:
        return self.root / "output" / self.slug

    # Where stages write, as their registry entries say (one place: pipeline/stages).
    def deck_path(self, lecture_id: str) -> Path:
        return stages.stage("decks").target(self, lecture_id)

    def frames_dir(self, lecture_id: str) -> Path:
        return stages.stage("frames").target(self, lecture_id).parent

    def audio_dir(self, lecture_id: str) -> Path:
        return stages.stage("narration").target(self, lecture_id).parent

    def video_path(self, lecture_id: str) -> Path:
        return stages.stage("video").target(self, lecture_id)

    @property
    def epub_path(self) -> Path:
        return stages.stage("book").target(self)

    @property
    def cache_dir(self) -> Path:
        """Content-addressed cache of paid calls, shared by all courses."""
        return self.root / "output" / ".cache"

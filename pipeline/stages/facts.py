"""Values stages are made from that are not whole files: parts of the outline, the LLM's
settings, files a script names. Each is a `Derived` part in the stage registry."""

from __future__ import annotations

from pathlib import Path

from pipeline.fsutil import sha256_file, sha256_if_exists


def lecture_entry(course, lecture_id: str) -> dict:
    """A lecture's entry in outline.yaml (title, minutes, objectives, points, terms)."""
    return course.lecture(lecture_id).model_dump()


def lecture_title(course, lecture_id: str) -> str:
    return course.lecture(lecture_id).title


def section_title(course, item: str) -> str:
    """The title of a section, or of the section a lecture is in."""
    section = next((s for s in course.outline.sections if s.id == item), None)
    return (section or course.outline.section_of(item)).title


def section_drafts(course, section_id: str) -> dict[str, str | None]:
    """The hash of each lecture draft of a section, by lecture id."""
    section = next(s for s in course.outline.sections if s.id == section_id)
    return {lec.id: sha256_if_exists(course.lecture_path(lec.id)) for lec in section.lectures}


def outline(course, _item: str | None) -> dict:
    """The whole outline (stages that show every title)."""
    return course.outline.model_dump()


def llm(course, _item: str | None) -> dict | None:
    """The settings that change what a model writes (None in manual mode)."""
    t = course.topic
    if not t.uses_llm:
        return None
    return t.llm.model_dump(include={"provider", "model", "temperature", "reasoning_effort"})


def prompt(name: str):
    """A part function: the hash of pipeline/prompts/NAME.md when an LLM writes."""

    def value(course, _item: str | None) -> str | None:
        path = Path(__file__).resolve().parents[1] / "prompts" / f"{name}.md"
        return sha256_file(path) if course.topic.uses_llm else None

    return value


draft_prompt, script_prompt, quiz_prompt = prompt("draft"), prompt("script"), prompt("quiz")
outline_prompt = prompt("outline")

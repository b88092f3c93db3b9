"""A fake LLM for tests and offline demos: valid, deterministic answers built from the
prompt itself. The test HTTP server reuses `respond` to speak for a real model."""

from __future__ import annotations

import json
import re

from pipeline import builds, estimate
from pipeline.derive import derive
from pipeline.providers.llm import LLMProvider, Reply
from pipeline.slides import Bullet, Slide

MAX_BULLETS = 8  # the script schema's limit
LECTURE_ID = re.compile(r"\b\d{2}-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*\b")


class FakeProvider(LLMProvider):
    """Answers every request locally; costs nothing."""

    name = "fake"

    @property
    def endpoint(self) -> str:
        return "fake"

    def complete(
        self, messages: list[dict], schema: dict | None = None, max_tokens: int | None = None
    ) -> Reply:
        text = respond(messages, schema)
        return Reply(text, estimate.message_tokens(messages), estimate.tokens(text))


def respond(messages: list[dict], schema: dict | None) -> str:
    """A plausible answer to a Lectern prompt: JSON for schemas, Markdown otherwise."""
    user = messages[1]["content"] if len(messages) > 1 else messages[-1]["content"]
    name = (schema or {}).get("name")
    makers = {"outline": _outline, "slide_script": _script, "quiz": _quiz, "landing": _landing}
    if name in makers:
        return json.dumps(makers[name](user), ensure_ascii=False)
    if "Review comments to apply:" in user:
        return _revise(user)
    if "What the code check found:" in user:  # a fake cannot fix code: the file as it was
        m = re.search(r"<file>\n(.*)\n</file>", user, flags=re.S)
        return m[1] if m else user
    return _draft(user)


def _field(text: str, label: str, default: str = "") -> str:
    m = re.search(rf"^{re.escape(label)}:\s*(.*)$", text, flags=re.M)
    return m[1].strip() if m else default


def _outline(user: str) -> dict:
    n_sec = int(_field(user, "Sections", "2"))
    n_lec = int(_field(user, "Lectures per section", "3"))
    title = _field(user, "Course title", "The course")
    return {
        "sections": [
            {
                "title": f"{title}: part {s}",
                "lectures": [
                    {
                        "title": f"Topic {s}.{lec}",
                        "minutes": 4,
                        "objectives": [f"Explain idea {s}.{lec}", f"Use idea {s}.{lec} in code"],
                        "key_points": [f"Why idea {s}.{lec} matters", f"How idea {s}.{lec} works"],
                        "key_terms": [f"idea-{s}-{lec}"],
                    }
                    for lec in range(1, n_lec + 1)
                ],
            }
            for s in range(1, n_sec + 1)
        ]
    }


def _draft(user: str) -> str:
    title = _field(user, "Lecture title", "A lecture")
    points = re.findall(r"^- (.+)$", user.split("Key points to cover:")[-1], flags=re.M)
    parts = [
        f"# {title}",
        "",
        f"This lecture is about {title.lower()}. It builds on what "
        "came before and prepares what comes next, step by step and with an example.",
    ]
    for point in points[:4] or ["The main idea"]:
        parts += [
            "",
            f"## {point}",
            "",
            f"Here we look at {point.lower()}. The idea is "
            "simple once you see it in a small example, so let us write one.",
            "",
            "```python",
            f"print({point!r})",
            "```",
        ]
    return "\n".join(parts) + "\n"


def _lecture_body(user: str) -> str:
    m = re.search(r"<lecture>\n(.*)\n</lecture>", user, flags=re.S)
    return m[1] if m else user


def _script(user: str) -> dict:
    """The script a careful model writes: every part of the lecture on a slide, once
    (Lectern's own derivation, in the model's JSON shape)."""
    body = _lecture_body(user)
    m = re.search(r"^# (.+)$", body, flags=re.M)
    title = m[1].strip() if m else _field(user, "Lecture title", "Lecture")
    return {"slides": [_planned(s) for s in derive(body, title)]}


def _planned(s: Slide) -> dict:
    """One derived slide as a SlidePlan; tables and images, which the model's kinds lack,
    become bullets."""
    bullets = s.bullets or [Bullet(" · ".join(r)) for r in s.rows] or [Bullet(s.caption or s.title)]
    kind = s.kind if s.kind in ("title", "bullets", "code", "quote", "summary") else "bullets"
    return {
        "kind": kind,
        "title": s.title,
        "bullets": [
            {"text": b.text, "level": b.level}
            for b in (bullets if kind in ("bullets", "summary") else [])[:MAX_BULLETS]
            if b.text
        ],
        "code": s.code,
        "language": (s.language or "text") if kind == "code" else "",
        "quote": s.quote,
        "by": s.by,
        "note": _marked(s) if kind in ("bullets", "summary") else s.note,
    }


def _marked(s: Slide) -> str:
    """The note with a [>] marker where each level-0 bullet is introduced (as asked)."""
    items = builds.groups(Slide("bullets", s.title, 0, bullets=s.bullets[:MAX_BULLETS]))
    return builds.with_marks(s.note, builds.align(items, s.note)) if len(items) > 1 else s.note


def _quiz(user: str) -> dict:
    ids = [i.strip() for i in _field(user, "Lecture ids").split(",") if i.strip()]
    ids = ids or LECTURE_ID.findall(user)[:1] or ["01-01-lecture"]
    questions = [
        {
            "question": f"What does lecture {i} teach?",
            "type": "multiple-choice",
            "lecture": i,
            "explanation": "The lecture says so.",
            "options": [
                {"text": "Its topic", "correct": True, "explanation": "Right."},
                {"text": "Nothing", "correct": False, "explanation": "It teaches."},
                {"text": "Something else", "correct": False, "explanation": "No."},
            ],
        }
        for i in ids
    ]
    questions.append(
        {
            "question": "Which are true?",
            "type": "multi-select",
            "lecture": ids[0],
            "explanation": "Two are true.",
            "options": [
                {"text": "A", "correct": True, "explanation": "True."},
                {"text": "B", "correct": True, "explanation": "True."},
                {"text": "C", "correct": False, "explanation": "False."},
            ],
        }
    )
    return {
        "title": f"{_field(user, 'Section', 'Section')}: check yourself",
        "questions": questions,
    }


def _revise(user: str) -> str:
    body = _lecture_body(user)
    notes = re.findall(r"^- (.+)$", user.split("The lecture:")[0], flags=re.M)
    body = re.sub(r"<!--\s*revise:.*?-->\n?", "", body, flags=re.S | re.I)
    body = re.split(r"^##\s+(?:review comments|revise)\s*$", body, flags=re.M | re.I)[0]
    return body.rstrip() + "\n\n" + "\n".join(f"Revised: {n}." for n in notes) + "\n"


def _landing(user: str) -> dict:
    title = _field(user, "Course title", "The course")
    sections = re.findall(r"^- ([^:\n]+):", user, flags=re.M)
    paragraph = (
        f"This course walks you through {title} step by step, with short lectures, "
        "slides you can download and a quiz after every section. Each lecture "
        "builds on the one before it and ends with a summary you can return to. "
    )
    parts = [paragraph * 3] + [
        f"In the section {s} you practise it on realistic examples "
        "and learn the mistakes to avoid. " * 3
        for s in sections
    ]
    return {
        "title": title[:60],
        "subtitle": f"A practical course on {title}"[:120],
        "description_paragraphs": parts,
        "objectives": [f"Explain the ideas of {s}" for s in sections][:6]
        + [
            "Apply what you learn to your own code",
            "Avoid the common mistakes",
            "Read other people's code with confidence",
            "Choose the right tool",
        ],
        "requirements": ["Basic programming experience"],
        "learners": ["Programmers who want to go further"],
        "category": "Development",
    }

"""Fixtures: the fake Chat Completions server and a new LLM course pointing at it."""

from __future__ import annotations

import pytest
import yaml

from pipeline.course import Course
from tests.llm.server import FakeOpenAI

SLUG = "llmcourse"


@pytest.fixture
def server():
    """A Chat Completions server on 127.0.0.1, stopped after the test."""
    srv = FakeOpenAI().start()
    yield srv
    srv.stop()


def write_topic(root, server_url: str | None, **llm) -> None:
    """courses/llmcourse/topic.yaml: 2 sections × 3 lectures, written by an LLM."""
    cfg = {
        "provider": "openai",
        "model": "gpt-4o-mini",
        "retry_base_s": 0.01,
        "max_retries": 2,
        **llm,
    }
    if server_url:
        cfg["base_url"] = server_url
    topic = {
        "title": "Testing with Fakes",
        "author": "Test Author",
        "language": "en",
        "audience": "Python programmers",
        "goals": ["Write fakes", "Test servers"],
        "sections": 2,
        "lectures_per_section": 3,
        "minutes_per_lecture": 3,
        "review": [],
        "budget_usd": 5,
        "llm": cfg,
    }
    path = root / "courses" / SLUG / "topic.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(topic, sort_keys=False), encoding="utf-8")


@pytest.fixture
def no_openai_env(monkeypatch):
    """No key or server from the developer's own environment leaks into a test."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


@pytest.fixture
def course_for(project, server, no_openai_env):
    """A function: write the LLM topic (with llm overrides) and load it fresh."""

    def make(**llm) -> Course:
        write_topic(project, server.url, **llm)
        return Course.load(SLUG, project)

    return make

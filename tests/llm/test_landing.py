"""The Udemy landing page drafted by the LLM: within Udemy's limits, disclosed, cached."""

from __future__ import annotations

import json

from pipeline.stages import outline
from pipeline.udemy import landing


def _landing_requests(server) -> list[dict]:
    return [
        r
        for r in server.requests
        if (r.get("response_format") or {}).get("json_schema", {}).get("name") == "landing"
    ]


def test_llm_landing_page_is_disclosed_within_limits_and_asked_once(course_for, server):
    course = course_for()
    outline.run(course)
    page = landing.build(course)
    assert page.description.startswith(landing.DISCLOSURE + "\n\n")
    assert 0 < len(page.title) <= 60 and 0 < len(page.subtitle) <= 120
    assert landing.words(page.description) >= 200 and len(page.objectives) >= 4
    assert "Topic 1.1" in json.dumps(_landing_requests(server)[0]["messages"])  # outline sent
    landing.build(course_for())  # the stage and check-udemy both ask: the cache answers
    assert len(_landing_requests(server)) == 1


def test_a_title_over_60_characters_is_sent_back_and_fixed(course_for, server):
    course = course_for()
    outline.run(course)
    long_title = {
        "title": "T" * 70,
        "subtitle": "s",
        "description_paragraphs": ["w " * 250],
        "objectives": ["a", "b", "c", "d"],
        "requirements": [],
        "learners": [],
        "category": "Development",
    }
    server.actions = [{"content": json.dumps(long_title)}]
    page = landing.build(course)
    assert len(page.title) <= 60
    retry = _landing_requests(server)[-1]["messages"]
    assert "at most 60" in retry[-1]["content"]

"""An LLM's slide script keeps the lecture whole: what it leaves out or says twice goes back."""

from __future__ import annotations

import json

from pipeline import ledger
from pipeline.course import Course
from pipeline.providers.llm import fake
from pipeline.stages import drafts, outline, scripts
from tests.llm.conftest import SLUG

LECTURE = "01-01-topic-1-1"


def _drafted(course_for, **llm) -> Course:
    course = course_for(**llm)
    outline.run(course)
    drafts.run(Course.load(SLUG, course.root), only=[LECTURE])
    return Course.load(SLUG, course.root)


def _is_script(body: dict) -> bool:
    return (body.get("response_format") or {}).get("json_schema", {}).get("name") == "slide_script"


def _answer(body: dict, change) -> dict:
    """The careful model's answer to this request, changed by `change(slides)`."""
    plan = json.loads(fake.respond(body["messages"], body["response_format"]["json_schema"]))
    change(plan["slides"])
    return {"content": json.dumps(plan)}


def _drop_first_code_slide(slides: list[dict]) -> None:
    slides.remove(next(s for s in slides if s["kind"] == "code"))


def _first_script_answer(server, change):
    """A rule: the first script answer is changed, every later one is the careful model's."""
    seen = []

    def rule(body: dict) -> dict | None:
        if not _is_script(body):
            return None
        seen.append(body)
        return _answer(body, change) if len(seen) == 1 else None

    return rule


def test_a_left_out_code_slide_is_sent_back_and_the_whole_script_is_written(course_for, server):
    course = _drafted(course_for)
    server.rule = _first_script_answer(server, _drop_first_code_slide)
    before = len(server.requests)
    scripts.run(course, only=[LECTURE])
    assert len(server.requests) == before + 2
    feedback = server.requests[-1]["messages"][-1]["content"]
    assert "does not keep the lecture whole" in feedback
    assert "the code block starting 'print('Why idea 1.1 matters')'" in feedback
    text = course.slides_path(LECTURE).read_text()
    assert text.count("## [code]") == 2


def test_narration_said_twice_is_sent_back(course_for, server):
    course = _drafted(course_for)

    def twice(slides: list[dict]) -> None:
        slides[2]["note"] += " " + slides[1]["note"]

    server.rule = _first_script_answer(server, twice)
    scripts.run(course, only=[LECTURE])
    feedback = server.requests[-1]["messages"][-1]["content"]
    assert "slides 2 and 3 both say 'It builds on what came before and prepares" in feedback


def test_a_script_no_repair_mends_is_kept_with_a_warning_and_never_bought_again(
    course_for, server, capsys
):
    course = _drafted(course_for, repair_attempts=1)
    server.rule = lambda b: _answer(b, _drop_first_code_slide) if _is_script(b) else None
    before = len(server.requests)
    scripts.run(course, only=[LECTURE])
    assert len(server.requests) == before + 2  # the first answer and one repair
    assert "kept the model's last answer as it is" in capsys.readouterr().err
    assert course.slides_path(LECTURE).read_text().count("## [code]") == 1
    assert ledger.summary(course)["scripts"]["requests"] == 2
    scripts.run(Course.load(SLUG, course.root), only=[LECTURE], force=True)
    assert len(server.requests) == before + 2  # from the cache: never paid for twice
    assert ledger.summary(course)["scripts"]["cache_hits"] == 1

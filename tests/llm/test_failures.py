"""What goes wrong with a real server: rate limits, 5xx, bad answers, truncation,
timeouts, the budget, missing credentials, and keys that must never reach the disk."""

from __future__ import annotations

import pytest

from pipeline import ledger
from pipeline.course import Course
from pipeline.errors import BudgetError, ProviderError
from pipeline.providers import retry
from pipeline.stages import drafts, outline, quizzes, scripts
from tests.llm.conftest import SLUG, write_topic
from tests.llm.server import user_text


@pytest.fixture
def delays(monkeypatch):
    """The backoff delays the provider chose (recorded, not slept)."""
    seen: list[float] = []
    monkeypatch.setattr(retry, "_sleep", seen.append)
    return seen


def test_429_with_retry_after_is_waited_out_then_succeeds(course_for, server, delays):
    course = course_for()
    server.actions = [{"status": 429, "headers": {"Retry-After": "3"}}]
    outline.run(course)
    assert course.outline_path.exists()
    assert len(server.requests) == 2
    assert delays == [3.0]  # the server's Retry-After, not our 0.01 s backoff


def test_500s_beyond_the_retry_limit_fail_clearly_and_keep_earlier_lectures(
    course_for, server, delays
):
    course = course_for(concurrency=1, max_retries=2)
    outline.run(course)
    server.rule = lambda b: {"status": 500} if "Lecture id: 01-03" in user_text(b) else None
    with pytest.raises(ProviderError) as err:
        drafts.run(Course.load(SLUG, course.root))
    msg = str(err.value)
    assert "HTTP 500" in msg and "failed 3 time(s)" in msg and "finished work is kept" in msg
    assert len(delays) == 2 and all(0 < d <= 0.02 for d in delays)
    fresh = Course.load(SLUG, course.root)
    assert fresh.lecture_path("01-01-topic-1-1").exists()
    assert fresh.lecture_path("01-02-topic-1-2").exists()
    assert not fresh.lecture_path("01-03-topic-1-3").exists()
    # Resume: only the lectures not yet written are asked for.
    server.rule, n = None, len(server.requests)
    drafts.run(Course.load(SLUG, course.root))
    asked = [user_text(b).split("Lecture id: ")[1][:5] for b in server.requests[n:]]
    assert sorted(asked) == ["01-03", "02-01", "02-02", "02-03"]


def test_invalid_json_is_sent_back_and_repaired(course_for, server):
    course = course_for()
    server.actions = [{"content": "Sure! Here is your outline: {sections: ..."}]
    outline.run(course)
    assert course.outline_path.exists()
    retry = server.requests[1]["messages"]
    assert retry[-2]["content"].startswith("Sure!")
    assert "not valid JSON" in retry[-1]["content"]


def test_missing_fields_are_retried_then_fail_without_writing(course_for, server):
    course = course_for(repair_attempts=2)
    server.rule = lambda b: {"content": '{"sections": [{"title": "Only a title"}]}'}
    with pytest.raises(ProviderError) as err:
        outline.run(course)
    msg = str(err.value)
    assert "3 tries" in msg and "sections.0.lectures: Field required" in msg
    assert "nothing was written" in msg
    assert len(server.requests) == 3
    assert not course.outline_path.exists()


def test_wrong_shape_is_fed_back_with_the_rule_broken(course_for, server):
    course = course_for()
    server.actions = [{"content": '{"sections": []}'}]
    outline.run(course)
    assert (
        "the outline has 0 sections; write exactly 2"
        in server.requests[1]["messages"][-1]["content"]
    )


def test_truncated_answer_is_retried_with_more_room_then_fails_clearly(course_for, server):
    course = course_for(max_tokens=100, repair_attempts=2)
    server.rule = lambda b: {"finish_reason": "length", "content": '{"sections": [{"ti'}
    with pytest.raises(ProviderError) as err:
        outline.run(course)
    assert [r["max_tokens"] for r in server.requests] == [100, 200, 400]
    assert "cut off" in str(err.value) and "llm.max_tokens" in str(err.value)
    assert not course.outline_path.exists()
    assert ledger.summary(course)["outline"]["failed"] == 3


def test_truncated_draft_then_a_whole_one_is_used(course_for, server):
    course = course_for()
    outline.run(course)
    server.actions = [{"finish_reason": "length", "content": "# Topic 1.1\n\nHalf a"}]
    drafts.run(Course.load(SLUG, course.root), only=["01-01-topic-1-1"])
    text = course.lecture_path("01-01-topic-1-1").read_text()
    assert "Half a" not in text and "## Why idea 1.1 matters" in text


def test_a_slow_server_times_out_with_a_clear_error(course_for, server, delays):
    course = course_for(timeout_s=1, max_retries=1)
    server.rule = lambda b: {"sleep": 1.6}
    with pytest.raises(ProviderError) as err:
        outline.run(course)
    assert "timeout" in str(err.value) and "llm.timeout_s" in str(err.value)
    assert len(server.requests) == 2 and len(delays) == 1


def test_budget_stops_before_the_call_that_would_exceed_it(course_for, server):
    # a paid server: a local one is free, however it is reached
    course = course_for(concurrency=1, price_in_per_mtok=2.5, price_out_per_mtok=10)
    outline.run(course)
    spent = ledger.spent(course)
    assert spent > 0
    text = course.topic_path.read_text().replace("budget_usd: 5", f"budget_usd: {spent + 1e-6}")
    course.topic_path.write_text(text)
    with pytest.raises(BudgetError) as err:
        drafts.run(Course.load(SLUG, course.root))
    assert "budget_usd" in str(err.value) and "topic.yaml" in str(err.value)
    assert len(server.requests) == 1  # the call was never made
    assert not any((course.dir / "lectures").glob("*.md"))
    assert ledger.spent(course) <= spent + 1e-6


def test_no_key_and_no_server_names_both_fixes(project, no_openai_env):
    write_topic(project, None)
    with pytest.raises(ProviderError) as err:
        outline.run(Course.load(SLUG, project))
    msg = str(err.value)
    assert "OPENAI_API_KEY" in msg and ".env" in msg
    assert "llm.base_url" in msg and "OPENAI_BASE_URL" in msg


def test_key_and_server_come_from_dotenv(project, server, no_openai_env):
    write_topic(project, None)
    (project / ".env").write_text(
        f"OPENAI_API_KEY=sk-from-dotenv\nexport OPENAI_BASE_URL='{server.url}'\n"
    )
    outline.run(Course.load(SLUG, project))
    assert server.auth == ["Bearer sk-from-dotenv"]


SECRET = "sk-test-CANARY-0123456789abcdef"


def test_the_key_never_reaches_cache_ledger_files_or_errors(
    project, server, no_openai_env, monkeypatch
):
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)  # the person's own server gets their key
    write_topic(project, None)
    course = Course.load(SLUG, project)
    for stage in (outline, drafts, scripts, quizzes):
        stage.run(Course.load(SLUG, course.root))
    assert server.auth[0] == f"Bearer {SECRET}"  # it was really in use
    server.rule = lambda b: {"status": 401, "message": f"Incorrect API key provided: {SECRET}"}
    with pytest.raises(ProviderError) as err:
        outline.run(Course.load(SLUG, course.root), force=True)
    assert SECRET not in str(err.value) and "check $OPENAI_API_KEY" in str(err.value)
    files = [p for p in course.root.rglob("*") if p.is_file()]
    assert any(p.name == "ledger.sqlite" for p in files)
    assert len([p for p in files if "llm" in p.parts]) >= 15
    leaks = [p for p in files if SECRET.encode() in p.read_bytes()]
    assert leaks == []

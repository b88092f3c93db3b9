"""The LLM path on the servers people use: current OpenAI models and their rules, answers
that are not answers, quota and rate limits, context windows, local servers, Azure."""

from __future__ import annotations

import json

import httpx
import pytest

from pipeline import forecast, ledger
from pipeline.course import Course
from pipeline.errors import ConfigError, ProviderError
from pipeline.providers import retry
from pipeline.providers.llm import calls, openai_provider
from pipeline.stages import drafts, outline, quizzes, quizzes_llm
from tests.conftest import make, run_cli
from tests.llm import openai_rules
from tests.llm.conftest import SLUG, write_topic
from tests.llm.server import FakeOpenAI, user_text


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    monkeypatch.setattr(retry, "_sleep", lambda s: None)


def _statuses(course) -> list[str]:
    return [r["status"] for r in ledger.rows(course)]


# --- current OpenAI models ------------------------------------------------------------------


def test_a_gpt5_course_runs_outline_to_quizzes_in_one_make_run(mk_project):
    server = FakeOpenAI().start()
    try:
        write_topic(mk_project, server.url, model="gpt-5-mini", max_tokens=12000)
        env = {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""}
        run = make(mk_project, "outline", "drafts", "scripts", "quizzes", f"TOPIC={SLUG}", env=env)
        assert run.returncode == 0, run.stderr
        assert len(server.requests) == 1 + 6 + 6 + 2  # not one refused by the server
        assert all(
            "temperature" not in b and "max_tokens" not in b and b["max_completion_tokens"] == 12000
            for b in server.requests
        )
        again = make(
            mk_project, "outline", "drafts", "scripts", "quizzes", f"TOPIC={SLUG}", env=env
        )
        assert again.returncode == 0 and len(server.requests) == 15
    finally:
        server.stop()


def test_gpt4o_mini_still_gets_its_temperature_and_max_tokens(course_for, server):
    course = course_for(temperature=0.3, max_tokens=3000)
    outline.run(course)
    body = server.requests[0]
    assert body["temperature"] == 0.3 and body["max_tokens"] == 3000
    assert "max_completion_tokens" not in body  # a server of your own knows only max_tokens


def test_a_temperature_for_a_reasoning_model_is_left_out_with_a_warning(course_for, server, capsys):
    course = course_for(model="o4-mini", temperature=0.4, reasoning_effort="low")
    outline.run(course)
    body = server.requests[0]
    assert "temperature" not in body and body["reasoning_effort"] == "low"
    assert "o4-mini takes only its default temperature" in capsys.readouterr().err


def test_a_parameter_a_hidden_model_refuses_is_dropped_once_and_remembered(
    course_for, server, capsys
):
    course = course_for(
        model="prod-chat", temperature=0.4, price_in_per_mtok=1, price_out_per_mtok=2
    )
    server.rule = lambda b: openai_rules.request_error({**b, "model": "gpt-5"})
    outline.run(course)
    drafts.run(Course.load(SLUG, course.root), only=["01-01-topic-1-1", "01-02-topic-1-2"])
    assert ["temperature" in b for b in server.requests] == [True, False, False, False]
    err = capsys.readouterr().err
    assert err.count("does not take 'temperature' for prod-chat") == 1


def test_truncation_never_asks_past_the_models_cap(course_for, server):
    course = course_for(max_tokens=9000, repair_attempts=3)
    server.rule = lambda b: {"finish_reason": "length", "content": '{"sections": [{"ti'}
    with pytest.raises(ProviderError) as err:
        outline.run(course)
    assert [b["max_tokens"] for b in server.requests] == [9000, 16384]
    assert "gpt-4o-mini's output cap of 16,384 tokens" in str(err.value)


# --- answers that are not answers -------------------------------------------------------------


def test_a_refusal_is_shown_and_never_repaired(course_for, server):
    course = course_for()
    server.rule = lambda b: {"refusal": "I can't help with planning this course."}
    with pytest.raises(ProviderError) as err:
        outline.run(course)
    assert len(server.requests) == 1
    assert 'refused: "I can\'t help with planning this course."' in str(err.value)
    assert _statuses(course) == ["refusal"] and not course.outline_path.exists()


def test_a_content_filter_stop_is_never_saved_as_a_lecture(course_for, server):
    course = course_for()
    outline.run(course)
    server.rule = lambda b: {
        "finish_reason": "content_filter",
        "content": "# Topic 1.1\n\nThis lecture is about how to",
    }
    with pytest.raises(ProviderError) as err:
        drafts.run(Course.load(SLUG, course.root), only=["01-01-topic-1-1"])
    assert "content filter" in str(err.value) and len(server.requests) == 2
    assert not course.lecture_path("01-01-topic-1-1").exists()
    assert _statuses(course)[-1] == "content_filter"


def test_an_empty_answer_beside_reasoning_names_the_thinking_model(course_for, server):
    course = course_for(model="qwen3:8b", price_in_per_mtok=0, price_out_per_mtok=0)
    server.rule = lambda b: {"content": "", "reasoning": "Let me think about the sections..."}
    with pytest.raises(ProviderError) as err:
        outline.run(course)
    msg = str(err.value)
    assert "qwen3:8b is a thinking model" in msg and "Turn thinking off" in msg
    assert len(server.requests) == 1 and _statuses(course) == ["thinking"]


def test_no_credit_left_is_said_at_once_with_where_to_add_it(course_for, server):
    course = course_for(max_retries=4)
    server.rule = lambda b: {
        "status": 429,
        "code": "insufficient_quota",
        "type": "insufficient_quota",
        "message": "You exceeded your current quota, please check your plan and billing details.",
    }
    with pytest.raises(ProviderError) as err:
        outline.run(course)
    msg = str(err.value)
    assert len(server.requests) == 1  # no retry: waiting does not add credit
    assert "no credit left" in msg and "You exceeded your current quota" in msg
    assert "llm.max_retries" not in msg and _statuses(course) == ["quota"]


def test_a_real_rate_limit_is_retried_then_says_when_to_try_again(course_for, server):
    course = course_for(max_retries=2)
    server.rule = lambda b: {
        "status": 429,
        "code": "rate_limit_exceeded",
        "type": "tokens",
        "message": "Rate limit reached for gpt-4o-mini on tokens per min "
        "(TPM): Limit 200000, Used 199000, Requested 3000. "
        "Please try again in 20s. Visit the docs.",
    }
    with pytest.raises(ProviderError) as err:
        outline.run(course)
    assert len(server.requests) == 3
    assert "The server says try again in 20s" in str(err.value)
    assert _statuses(course) == ["rate_limit"]


# --- context windows --------------------------------------------------------------------------


def _quiz_sizes(course) -> tuple[int, int]:
    """Tokens (prompt + answer) of the whole first section's quizzes call, and of the largest
    call for one of its lectures."""
    from pipeline import estimate

    section = course.outline.sections[0]
    texts = {lec.id: course.lecture_path(lec.id).read_text() for lec in section.lectures}
    whole = estimate.message_tokens(
        quizzes_llm.messages(course, section.id, texts)
    ) + estimate.quiz_out(quizzes_llm.question_count(section))
    one = max(
        estimate.message_tokens(
            quizzes_llm.messages(course, section.id, {i: t}, quizzes_llm.PER_LECTURE)
        )
        + estimate.quiz_out(quizzes_llm.PER_LECTURE)
        for i, t in texts.items()
    )
    return whole, one


def test_a_small_ollama_window_makes_quizzes_ask_one_lecture_at_a_time(course_for, server):
    course = course_for(model="llama3.1:8b")
    outline.run(course)
    drafts.run(Course.load(SLUG, course.root))
    whole, one = _quiz_sizes(Course.load(SLUG, course.root))
    window = (whole + one) // 2  # room for one lecture at a time, not for the section
    server.ollama = {"ps": [{"name": "llama3.1:8b", "context_length": window}]}
    server.context = window
    asked = len(server.requests)
    quizzes.run(Course.load(SLUG, course.root), only=["01-testing-with-fakes-part-1"])
    quiz_calls = server.requests[asked:]
    assert len(quiz_calls) == 3  # one per lecture, none refused by the server
    questions = Course.load(SLUG, course.root).quiz("01-testing-with-fakes-part-1").questions
    assert sorted({q.lecture for q in questions}) == [
        "01-01-topic-1-1",
        "01-02-topic-1-2",
        "01-03-topic-1-3",
    ]


def test_a_window_too_small_for_one_lecture_stops_with_the_exact_fix(course_for, server):
    course = course_for(model="llama3.1:8b")
    outline.run(course)
    drafts.run(Course.load(SLUG, course.root))
    _, one = _quiz_sizes(Course.load(SLUG, course.root))
    server.ollama = {"ps": [], "show": {"parameters": f"num_ctx {one // 2}\nstop <eot>"}}
    asked = len(server.requests)
    with pytest.raises(ProviderError) as err:
        quizzes.run(Course.load(SLUG, course.root), only=["01-testing-with-fakes-part-1"])
    assert len(server.requests) == asked  # nothing sent that could not fit
    msg = str(err.value)
    assert f"{one // 2:,}-token context window of llama3.1:8b" in msg
    assert "PARAMETER num_ctx 8192" in msg and "ollama create" in msg


def test_vllm_and_lm_studio_windows_are_read_from_their_models_list(course_for, server):
    for key in ("max_model_len", "max_context_length"):
        course = course_for(model="my-local-model")
        server.models = [{"id": "my-local-model", "object": "model", key: 8192}]
        window = calls.Session(course).provider.window()
        assert window.tokens == 8192 and key in window.source


def test_estimate_shows_the_largest_call_and_the_window(course_for, server):
    course = course_for(model="llama3.1:8b")
    server.ollama = {"ps": [{"name": "llama3.1:8b", "context_length": 4096}]}
    report = forecast.report(course)
    assert "largest call: quizzes" in report
    assert "context window 4,096 tokens (Ollama (/api/ps))" in report


# --- local servers and prices ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/v1",
        "http://10.1.2.3:8000/v1",
        "http://gpu.local:1234/v1",
        "http://ollama:11434/v1",
    ],
)
def test_a_server_of_your_own_is_free_and_asked_one_call_at_a_time(
    project, no_openai_env, monkeypatch, url
):
    write_topic(project, None, model="some-local-model")
    monkeypatch.setenv("OPENAI_BASE_URL", url)  # given by the environment, not topic.yaml
    session = calls.Session(Course.load(SLUG, project))
    assert session.cost_of(1_000_000, 1_000_000) == 0
    assert session.concurrency == 1 and session.provider.timeout_s == 600


def test_an_unknown_model_on_openai_is_refused_without_prices(project, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    write_topic(project, None, model="gpt-9-ultra")
    with pytest.raises(ConfigError) as err:
        outline.run(Course.load(SLUG, project))
    assert "llm.price_in_per_mtok and llm.price_out_per_mtok" in str(err.value)


# --- Azure -----------------------------------------------------------------------------------


def _azure_capture(monkeypatch) -> list[httpx.Request]:
    """Every request the SDK sends, answered as Azure would (captured at the transport)."""
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = json.loads(request.content)
        content = json.dumps(
            {
                "sections": [
                    {
                        "title": "S",
                        "lectures": [
                            {
                                "title": "L",
                                "minutes": 3,
                                "objectives": ["o"],
                                "key_points": ["k"],
                                "key_terms": ["t"],
                            }
                        ],
                    }
                ]
            }
        )
        return httpx.Response(
            200,
            json={
                "id": "x",
                "object": "chat.completion",
                "created": 0,
                "model": body["model"],
                "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": content},
                    }
                ],
            },
        )

    monkeypatch.setattr(
        openai_provider, "http_client", lambda: httpx.Client(transport=httpx.MockTransport(answer))
    )
    return seen


def _azure_topic(project, monkeypatch, endpoint: str, **llm) -> Course:
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", endpoint)
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "az-secret-key")
    write_topic(
        project,
        None,
        provider="azure",
        model="course-writer",
        price_in_per_mtok=1,
        price_out_per_mtok=4,
        **llm,
    )
    path = project / "courses" / SLUG / "topic.yaml"
    path.write_text(
        path.read_text()
        .replace("sections: 2", "sections: 1")
        .replace("lectures_per_section: 3", "lectures_per_section: 1")
    )
    return Course.load(SLUG, project)


def test_azure_v1_endpoint_gets_openai_style_requests(project, monkeypatch):
    seen = _azure_capture(monkeypatch)
    outline.run(_azure_topic(project, monkeypatch, "https://res.openai.azure.com/openai/v1"))
    req = seen[0]
    assert str(req.url) == "https://res.openai.azure.com/openai/v1/chat/completions"
    assert req.headers["authorization"] == "Bearer az-secret-key"
    assert json.loads(req.content)["model"] == "course-writer"


def test_azure_classic_deployment_gets_api_version_and_api_key_header(project, monkeypatch):
    seen = _azure_capture(monkeypatch)
    course = _azure_topic(
        project,
        monkeypatch,
        "https://res.openai.azure.com",
        api_version="2024-10-21",
        max_tokens=2000,
    )
    outline.run(course)
    req = seen[0]
    assert req.url.path == "/openai/deployments/course-writer/chat/completions"
    assert req.url.params["api-version"] == "2024-10-21"
    assert req.headers["api-key"] == "az-secret-key" and "authorization" not in req.headers
    assert json.loads(req.content)["max_completion_tokens"] == 2000


def test_azure_key_never_goes_to_a_resource_a_course_names(project, monkeypatch):
    seen = _azure_capture(monkeypatch)
    course = _azure_topic(
        project,
        monkeypatch,
        "https://mine.openai.azure.com",
        base_url="https://theirs.openai.azure.com/openai/v1",
    )
    with pytest.raises(ProviderError, match="no key for the Azure endpoint theirs"):
        outline.run(course)
    assert seen == []


def test_azure_base_url_with_a_query_is_a_clear_error(project, monkeypatch):
    course = _azure_topic(
        project,
        monkeypatch,
        "https://res.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21",
    )
    with pytest.raises(ConfigError, match="holds a query"):
        outline.run(course)


# --- prompts and schemas ------------------------------------------------------------------------


def test_every_schema_sent_follows_openais_strict_rules(course_for, server):
    course = course_for()
    for stage in (outline, drafts):
        stage.run(Course.load(SLUG, course.root))
    from pipeline.stages import scripts

    for stage in (scripts, quizzes):
        stage.run(Course.load(SLUG, course.root))
    schemas = [
        b["response_format"]["json_schema"] for b in server.requests if "response_format" in b
    ]
    assert {s["name"] for s in schemas} == {"outline", "slide_script", "quiz"}
    for s in schemas:
        assert openai_rules.schema_problems(s["schema"]) == [], s["name"]
    outline_schema = next(s for s in schemas if s["name"] == "outline")["schema"]
    assert outline_schema["properties"]["sections"]["minItems"] == 2
    assert "Write exactly 2 sections" in user_text(server.requests[0])


# --- a new topic -------------------------------------------------------------------------------


def test_a_new_topic_uses_an_llm_as_soon_as_one_is_configured(project, server, no_openai_env):
    assert run_cli(project, "new", "fresh").returncode == 0
    topic = project / "courses" / "fresh" / "topic.yaml"
    assert "provider: auto" in topic.read_text()
    manual = run_cli(project, "outline", "fresh", env={"OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""})
    assert manual.returncode == 1
    assert "llm.provider auto: using none (manual mode)" in manual.stderr
    assert "set OPENAI_API_KEY" in manual.stderr
    auto = run_cli(project, "outline", "fresh", env={"OPENAI_BASE_URL": server.url})
    assert auto.returncode == 0, auto.stderr
    assert "llm.provider auto: using openai, because OPENAI_BASE_URL is set" in auto.stderr
    assert (project / "courses" / "fresh" / "outline.yaml").exists()
    assert len(server.requests) == 1

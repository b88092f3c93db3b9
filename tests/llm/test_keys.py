"""Which key goes to which server: a course's base_url never gets the person's OPENAI_API_KEY.

The capture server records the Authorization header of every request the real openai SDK
sends it; the log line naming the variable (never its value) is read from stderr.
"""

from __future__ import annotations

import pytest

from pipeline import secrets
from pipeline.config import LLMConfig
from pipeline.course import Course
from pipeline.errors import ConfigError, ProviderError
from pipeline.providers.llm.openai_provider import OpenAIProvider
from pipeline.stages import drafts, outline, quizzes, scripts
from tests.llm.conftest import SLUG, write_topic

SECRET = "sk-test-secret-0123456789"
SERVER_KEY = "srv-test-key-9876543210"


@pytest.fixture
def log(capsys, monkeypatch):
    """stderr so far; each test starts a fresh run, which says who gets which key once."""
    monkeypatch.setattr(secrets, "_announced", set())
    return lambda: capsys.readouterr().err


def _all_stages(course: Course) -> None:
    for stage in (outline, drafts, scripts, quizzes):
        stage.run(Course.load(SLUG, course.root))


def _host(server) -> str:
    return f"127.0.0.1:{server.httpd.server_address[1]}"


def test_a_course_base_url_never_gets_the_openai_key(course_for, server, monkeypatch, log):
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    course = course_for()  # topic.yaml's llm.base_url is the capture server
    _all_stages(course)
    assert len(server.auth) == 15 and set(server.auth) == {f"Bearer {secrets.NO_KEY}"}
    err = log()
    assert err.count(f"llm: sending no API key to {_host(server)}") == 1
    assert "llm.api_key_env" in err and SECRET not in err


def test_api_key_env_sends_that_variable_and_names_it(
    project, course_for, server, monkeypatch, log
):
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    (project / ".env").write_text(f"MY_SERVER_KEY={SERVER_KEY}\n")
    course = course_for(api_key_env="MY_SERVER_KEY")
    outline.run(course)
    drafts.run(Course.load(SLUG, course.root), only=["01-01-topic-1-1"])
    assert server.auth == [f"Bearer {SERVER_KEY}"] * 2
    err = log()
    assert err.count(f"llm: sending $MY_SERVER_KEY to {_host(server)}") == 1
    assert SERVER_KEY not in err and SECRET not in err


def test_a_refused_named_key_says_which_variable_to_check(course_for, server, monkeypatch):
    monkeypatch.setenv("MY_SERVER_KEY", SERVER_KEY)
    server.rule = lambda b: {"status": 401, "message": f"bad key {SERVER_KEY}"}
    with pytest.raises(ProviderError) as err:
        outline.run(course_for(api_key_env="MY_SERVER_KEY"))
    assert "check $MY_SERVER_KEY" in str(err.value) and SERVER_KEY not in str(err.value)


def test_openai_base_url_from_the_environment_gets_the_openai_key(
    project, server, no_openai_env, monkeypatch, log
):
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)  # the person chose this server
    write_topic(project, None)
    outline.run(Course.load(SLUG, project))
    assert server.auth == [f"Bearer {SECRET}"]
    err = log()
    assert f"llm: sending $OPENAI_API_KEY to {_host(server)}" in err and SECRET not in err


@pytest.mark.parametrize(
    "name", ["OPENAI_API_KEY", "openai_api_key", "ELEVENLABS_API_KEY", "AZURE_OPENAI_API_KEY"]
)
def test_api_key_env_naming_a_bound_key_is_refused(project, server, no_openai_env, name):
    write_topic(project, server.url, api_key_env=name)
    with pytest.raises(ConfigError) as err:
        Course.load(SLUG, project)
    msg = str(err.value)
    line = next(
        i
        for i, text in enumerate(
            (project / "courses" / SLUG / "topic.yaml").read_text().splitlines(), 1
        )
        if "api_key_env" in text
    )
    assert f"topic.yaml:{line}: llm.api_key_env: names {name}, which Lectern sends only to " in msg
    assert "MY_SERVER_KEY" in msg and "remove api_key_env" in msg
    assert server.auth == []


def test_api_key_env_without_base_url_is_refused(project, no_openai_env):
    write_topic(project, None, api_key_env="MY_SERVER_KEY")
    with pytest.raises(
        ConfigError, match="llm.api_key_env: names the key for base_url, which is not set"
    ):
        Course.load(SLUG, project)


def test_an_unset_api_key_env_stops_before_any_call(course_for, server):
    with pytest.raises(ConfigError) as err:
        outline.run(course_for(api_key_env="MY_SERVER_KEY"))
    assert "llm.api_key_env: $MY_SERVER_KEY is not set" in str(err.value)
    assert server.auth == []


@pytest.mark.parametrize(
    "url,sent",
    [
        ("https://api.openai.com/v1", SECRET),  # it is OpenAI
        ("http://api.openai.com/v1", secrets.NO_KEY),  # not over plain HTTP
        ("https://api.openai.com.example.net/v1", secrets.NO_KEY),
        ("https://api.openai.com@example.net/v1", secrets.NO_KEY),  # the host is example.net
        ("https://openrouter.ai/api/v1", secrets.NO_KEY),
    ],
)
def test_only_openais_own_host_gets_the_openai_key(tmp_path, monkeypatch, url, sent):
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    provider = OpenAIProvider(LLMConfig(provider="openai", base_url=url), tmp_path)
    assert provider.client.api_key == sent  # the real SDK client, built but never called

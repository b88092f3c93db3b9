"""Which key goes to which voice server: a course's base_url never gets the person's own
OPENAI_API_KEY / ELEVENLABS_API_KEY. The capture server records the headers it got."""

from __future__ import annotations

import pytest

from pipeline import secrets
from pipeline.config import VoiceConfig
from pipeline.course import Course
from pipeline.errors import ConfigError
from pipeline.providers.tts import create
from pipeline.stages import narration
from tests.narration.fakes import FakeTTS
from tests.narration.helpers import LECTURE, set_topic

OWN = "sk-own-key-0123456789abcdef"  # the person's OPENAI_API_KEY and ELEVENLABS_API_KEY
NAMED = "srv-voice-key-0123456789"
VOICES = [("openai", "nova"), ("elevenlabs", "voice123")]
HEADER = {"openai": "authorization", "elevenlabs": "xi-api-key"}
OWN_VAR = {"openai": "OPENAI_API_KEY", "elevenlabs": "ELEVENLABS_API_KEY"}


@pytest.fixture
def server(project, monkeypatch):
    """The capture server, with the person's own keys in the environment."""
    for var in OWN_VAR.values():
        monkeypatch.setenv(var, OWN)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("ELEVENLABS_BASE_URL", raising=False)
    monkeypatch.setattr(secrets, "_announced", set())  # a fresh run says it once again
    with FakeTTS() as fake:
        yield fake


def _base(server: FakeTTS, provider: str) -> str:
    return server.url + ("/v1" if provider == "openai" else "")


def _host(server: FakeTTS) -> str:
    return f"127.0.0.1:{server.server.server_address[1]}"


def _sent(server: FakeTTS, provider: str) -> set[str | None]:
    """The key header of every request, as received (Bearer prefix dropped)."""
    values = {r["headers"].get(HEADER[provider]) for r in server.requests}
    return {v.removeprefix("Bearer ") if v else v for v in values}


@pytest.mark.parametrize("provider,voice", VOICES)
def test_a_course_base_url_never_gets_the_providers_key(server, project, capsys, provider, voice):
    set_topic(
        project,
        voice={
            "provider": provider,
            "voice": voice,
            "concurrency": 2,
            "base_url": _base(server, provider),
        },
    )
    report = narration.run(Course.load("example"), [LECTURE])
    assert report["synthesized"] > 5 and len(server.requests) == report["synthesized"]
    assert _sent(server, provider) == ({secrets.NO_KEY} if provider == "openai" else {None})
    err = capsys.readouterr().err
    assert err.count(f"voice: sending no API key to {_host(server)}") == 1
    assert "voice.api_key_env" in err and OWN not in err


@pytest.mark.parametrize("provider,voice", VOICES)
def test_api_key_env_sends_that_variable(server, project, capsys, provider, voice):
    (project / ".env").write_text(f"MY_VOICE_KEY={NAMED}\n")
    cfg = VoiceConfig(
        provider=provider, voice=voice, base_url=_base(server, provider), api_key_env="MY_VOICE_KEY"
    )
    create(cfg).synthesize("Hello there.")
    assert _sent(server, provider) == {NAMED}
    err = capsys.readouterr().err
    assert f"voice: sending $MY_VOICE_KEY to {_host(server)}" in err and NAMED not in err


@pytest.mark.parametrize("provider,voice", VOICES)
def test_the_persons_own_base_url_gets_the_providers_key(
    server, monkeypatch, capsys, provider, voice
):
    var = {"openai": "OPENAI_BASE_URL", "elevenlabs": "ELEVENLABS_BASE_URL"}[provider]
    monkeypatch.setenv(var, _base(server, provider))  # the environment, not topic.yaml
    create(VoiceConfig(provider=provider, voice=voice)).synthesize("Hello there.")
    assert _sent(server, provider) == {OWN}
    err = capsys.readouterr().err
    assert f"voice: sending ${OWN_VAR[provider]} to {_host(server)}" in err and OWN not in err


@pytest.mark.parametrize("provider,voice", VOICES)
def test_api_key_env_naming_the_providers_key_is_refused(server, project, provider, voice):
    bound = OWN_VAR[provider]
    set_topic(
        project,
        voice={
            "provider": provider,
            "voice": voice,
            "api_key_env": bound,
            "base_url": _base(server, provider),
        },
    )
    with pytest.raises(ConfigError) as err:
        Course.load("example")
    lines = (project / "courses" / "example" / "topic.yaml").read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "api_key_env" in text)
    msg = str(err.value)
    assert (
        f"topic.yaml:{line}: voice.api_key_env: names {bound}, which Lectern sends only "
        f"to api.{provider}." in msg
    )
    assert "MY_SERVER_KEY" in msg and server.requests == []


@pytest.mark.parametrize("provider,voice", VOICES)
def test_the_official_api_without_a_key_says_which_to_set(server, monkeypatch, provider, voice):
    monkeypatch.delenv(OWN_VAR[provider])
    with pytest.raises(ConfigError) as err:
        create(VoiceConfig(provider=provider, voice=voice)).synthesize("Hello there.")
    assert f"{OWN_VAR[provider]} is not set" in str(err.value)
    assert "voice.provider: piper" in str(err.value)

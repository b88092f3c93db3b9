"""ElevenLabs and OpenAI TTS through their real SDKs, against a server on 127.0.0.1."""

import pytest

from pipeline.config import VoiceConfig
from pipeline.course import Course
from pipeline.errors import ProviderError
from pipeline.providers import retry
from pipeline.providers.tts import create
from pipeline.stages import narration
from tests.narration.fakes import BAD_VOICE, FakeTTS
from tests.narration.helpers import set_topic

SECRET = "sk-test-0123456789-never-on-disk"


@pytest.fixture
def fake(monkeypatch):
    # topic.yaml's base_url gets the key its api_key_env names (see test_keys.py)
    monkeypatch.setenv("MY_VOICE_KEY", SECRET)
    monkeypatch.setattr(retry, "_sleep", lambda s: None)  # retries without waiting
    with FakeTTS() as server:
        yield server


def _voice(fake: FakeTTS, provider: str, voice: str, **kw) -> VoiceConfig:
    base = fake.url + ("/v1" if provider == "openai" else "")
    return VoiceConfig(
        provider=provider, voice=voice, base_url=base, api_key_env="MY_VOICE_KEY", **kw
    )


@pytest.mark.parametrize("provider,voice", [("openai", "nova"), ("elevenlabs", "voice123")])
def test_cloud_voice_returns_decoded_audio(fake, provider, voice):
    clip = create(_voice(fake, provider, voice, stability=0.4)).synthesize("Hello there.")
    assert clip.rate == 48000 and 0.3 < clip.seconds < 0.5 and abs(clip.samples).max() > 0.1
    req = fake.requests[-1]
    assert req["voice"] == voice and req["text"] == "Hello there."
    if provider == "elevenlabs":
        assert req["headers"]["xi-api-key"] == SECRET
        assert req["body"]["voice_settings"]["stability"] == 0.4
    else:
        assert req["headers"]["authorization"] == f"Bearer {SECRET}"


@pytest.mark.parametrize("provider", ["openai", "elevenlabs"])
def test_429_then_success(fake, provider):
    fake.fail_with = [429, 503]
    clip = create(_voice(fake, provider, "v1")).synthesize("Try again.")
    assert clip.seconds > 0.3
    assert [r["status"] for r in fake.requests] == [429, 503, 200]


@pytest.mark.parametrize("provider", ["openai", "elevenlabs"])
def test_retries_are_bounded(fake, provider):
    fake.fail_with = [500] * 10
    with pytest.raises(ProviderError, match="HTTP 500"):
        create(_voice(fake, provider, "v1", max_retries=2)).synthesize("Never works.")
    assert len(fake.requests) == 3


@pytest.mark.parametrize("provider", ["openai", "elevenlabs"])
def test_invalid_voice_is_a_clear_error(fake, provider):
    with pytest.raises(ProviderError) as err:
        create(_voice(fake, provider, BAD_VOICE)).synthesize("Hello.")
    msg = err.value.message
    assert BAD_VOICE in msg and "voice.voice" in msg and "topic.yaml" in msg
    assert len(fake.requests) == 1  # a wrong voice is not retried
    assert SECRET not in msg


def test_key_never_written_to_disk(fake, project):
    set_topic(
        project,
        voice={
            "provider": "elevenlabs",
            "voice": "v1",
            "base_url": fake.url,
            "api_key_env": "MY_VOICE_KEY",
            "concurrency": 4,
        },
    )
    report = narration.run(Course.load("example"), ["01-01-why-comprehensions"])
    assert report["synthesized"] > 5 and len(fake.texts()) == report["synthesized"]
    assert all(r["headers"]["xi-api-key"] == SECRET for r in fake.requests)
    for path in project.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


@pytest.mark.parametrize("provider", ["openai", "elevenlabs", "piper"])
def test_settings_about_calls_never_change_the_sentence_cache_key(provider):
    # every VoiceConfig field is part of the key unless listed as how-not-what: a setting
    # about retries, timeouts or servers must not pay for every sentence again
    plain = create(VoiceConfig(provider=provider)).identity()
    how = create(
        VoiceConfig(
            provider=provider,
            max_retries=9,
            retry_base_s=3,
            retry_max_s=9,
            timeout_s=50,
            concurrency=7,
            base_url="http://127.0.0.1:9/v1",
            api_key_env="X_KEY",
        )
    ).identity()
    assert how == plain
    assert create(VoiceConfig(provider=provider, speed=1.2)).identity() != plain

"""The small parts: strict schemas, the registry, prices, prompts and review comments."""

from __future__ import annotations

import pytest

from pipeline import secrets
from pipeline.config import LLMConfig
from pipeline.errors import ConfigError
from pipeline.providers import llm, retry
from pipeline.providers.llm import calls, openai_provider, pricing
from pipeline.stages import outline_llm, quizzes_llm, revise, scripts_llm


def _objects(node):
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield node
        for v in node.values():
            yield from _objects(v)
    elif isinstance(node, list):
        for v in node:
            yield from _objects(v)


@pytest.mark.parametrize(
    "model", [outline_llm.OutlinePlan, scripts_llm.ScriptPlan, quizzes_llm.QuizPlan]
)
def test_schemas_meet_strict_structured_output_rules(model):
    schema = calls.json_schema(model, "x")["schema"]
    objects = list(_objects(schema))
    assert len(objects) >= 2
    for obj in objects:
        assert obj["additionalProperties"] is False
        assert sorted(obj["required"]) == sorted(obj["properties"])
    assert "default" not in str(schema)


def test_registry_loads_entry_points_and_names_the_choices():
    assert llm.get("openai") is openai_provider.OpenAIProvider
    assert llm.get("fake").name == "fake"
    with pytest.raises(ConfigError, match="use one of: azure, fake, openai, none"):
        llm.get("antropic")


def test_llm_and_tts_registries_have_one_api():
    from pipeline.providers import tts
    from pipeline.providers.registry import Registry
    from pipeline.providers.tts.piper_provider import PiperTTS

    assert (llm.names(), tts.names()) == (
        ["azure", "fake", "openai"],
        ["elevenlabs", "openai", "piper"],
    )
    assert tts.get("piper") is PiperTTS  # built-ins come from the entry points
    with pytest.raises(ConfigError) as e:
        tts.get("pipr", "courses/x/topic.yaml")
    assert e.value.message == (
        "courses/x/topic.yaml: voice.provider 'pipr' is not a known TTS provider; use one of: "
        "elevenlabs, openai, piper (did you mean 'piper'?)"
    )
    with pytest.raises(
        ConfigError,
        match=r"llm\.provider 'opnai' .* none, auto \(did you mean "
        "'openai'",
    ):
        llm.get("opnai")
    voices = Registry("lectern.tts", "voice.provider", "TTS provider")
    voices.register("piper", FakeVoice)  # run time wins over the entry point
    voices.register("mine", FakeVoice)
    assert voices.get("piper") is voices.get("mine") is FakeVoice and "mine" in voices.names()
    assert "mine" not in tts.names()  # each registry its own


def test_a_plugin_that_fails_to_load_is_a_config_error(monkeypatch):
    from importlib.metadata import EntryPoint

    from pipeline.providers import registry

    found = [
        EntryPoint("polly", "lectern_polly_missing:Polly", "lectern.tts"),
        EntryPoint("piper", "pipeline.providers.tts.piper_provider:PiperTTS", "lectern.tts"),
    ]
    monkeypatch.setattr(registry, "entry_points", lambda group: found)
    with pytest.raises(ConfigError) as e:
        registry.Registry("lectern.tts", "voice.provider", "TTS provider").get("polly")
    assert e.value.message == (
        "topic.yaml: voice.provider 'polly': its package (lectern_polly_missing:Polly) failed "
        "to load (ModuleNotFoundError: No module named 'lectern_polly_missing'); reinstall it, "
        "or use one of: piper"
    )


class FakeVoice:
    """A stand-in provider class."""


OPENAI = "https://api.openai.com/v1"


def test_prices_known_dated_local_and_overridden():
    assert pricing.price(LLMConfig(provider="openai"), OPENAI) == (0.15, 0.60)
    assert pricing.price(LLMConfig(provider="openai", model="gpt-4o-2024-08-06"), OPENAI) == (
        2.5,
        10,
    )
    cfg = LLMConfig(provider="openai", model="llama3.1")
    for url in (
        "http://localhost:11434/v1",
        "http://192.168.1.20:8000/v1",
        "http://ollama:11434/v1",
        "http://host.docker.internal:1234/v1",
        "http://gpu-box.local/v1",
        "http://[::1]:8000/v1",
        "http://10.0.0.5/v1",
    ):
        assert pricing.price(cfg, url) == (0, 0), url
    assert pricing.price(
        LLMConfig(provider="openai", price_in_per_mtok=1, price_out_per_mtok=2), OPENAI
    ) == (1, 2)
    assert pricing.cost(LLMConfig(provider="openai"), OPENAI, 1_000_000, 1_000_000) == 0.75


@pytest.mark.parametrize(
    "model", ["mystery", "gpt-5-pro-max", "gpt-5.1", "gpt-4o-mini-tts", "o3-deep-research"]
)
def test_an_unknown_model_on_a_paid_server_has_no_guessed_price(model):
    with pytest.raises(ConfigError, match="llm.price_in_per_mtok and llm.price_out_per_mtok"):
        pricing.price(LLMConfig(provider="openai", model=model), OPENAI)
    assert pricing.price(LLMConfig(provider="openai", model="gpt-5-pro"), OPENAI) == (15, 120)


def test_retry_after_headers_and_backoff():
    class E(Exception):
        def __init__(self, headers):
            self.response = type("R", (), {"headers": headers})()

    assert retry.retry_after(E({"retry-after": "7"})) == 7
    assert retry.retry_after(E({"retry-after-ms": "250"})) == 0.25
    assert retry.retry_after(E({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"})) is None
    policy = retry.Policy(retries=6, base_s=1, max_s=5)
    waits = [policy.delay(a, RuntimeError()) for a in range(6)]
    assert 0.75 <= waits[0] <= 1 and 3 <= waits[2] <= 4 and max(waits) <= 5


def test_prompts_fill_every_placeholder():
    msgs = calls.prompt("revise", comments="- shorter", lecture="# L\n\n{not_a_placeholder}")
    assert [m["role"] for m in msgs] == ["system", "user"]
    assert "- shorter" in msgs[1]["content"] and "{not_a_placeholder}" in msgs[1]["content"]
    with pytest.raises(KeyError):
        calls.prompt("revise", comments="x")


def test_review_comments_inline_and_in_a_section():
    text = (
        "# T\n\nText <!-- revise: use dicts -->\n\n## Part\n\nMore.\n\n"
        "## Review comments\n- shorter intro\n- fix the typo\n"
    )
    assert revise.comments(text) == ["use dicts", "shorter intro", "fix the typo"]
    assert revise.comments("# T\n\nNothing to do.\n") == []


def test_dotenv_parsing(tmp_path):
    (tmp_path / ".env").write_text("# c\nexport A='1'\nB=\"two\"\nnot a line\nC = 3\n")
    assert secrets.read_dotenv(tmp_path / ".env") == {"A": "1", "B": "two", "C": "3"}


def test_draft_answers_are_unwrapped_and_checked():
    from pipeline.stages import drafts_llm

    body = " ".join(["word"] * 50)
    assert drafts_llm.clean(f"```markdown\n# T\n\n{body}\n```", "T") == f"# T\n\n{body}\n"
    assert drafts_llm.clean(body, "Title").startswith("# Title\n\n")
    with pytest.raises(calls.Unusable, match="only 3 words"):
        drafts_llm.clean("# T\n\nshort", "T")
    with pytest.raises(calls.Unusable, match="not closed"):
        drafts_llm.clean(f"# T\n\n{body}\n\n```python\nx = 1\n", "T")


def test_quiz_answers_must_name_lectures_of_the_section_and_follow_the_rules():
    import json

    from pydantic import ValidationError

    from pipeline.models import Lecture, Section

    section = Section(id="01-a", title="A", lectures=[Lecture(id="01-01-x", title="X")])
    opts = [
        {"text": "a", "correct": True, "explanation": "e"},
        {"text": "b", "correct": True, "explanation": "e"},
    ]
    q = {
        "question": "Q?",
        "type": "multiple-choice",
        "lecture": "01-01-x",
        "options": opts,
        "explanation": "e",
    }
    with pytest.raises(ValidationError, match="exactly one correct option"):
        quizzes_llm.to_quiz(section, ["01-01-x"], json.dumps({"title": "t", "questions": [q]}))
    with pytest.raises(calls.Unusable, match="use one of 01-01-x"):
        quizzes_llm.to_quiz(
            section,
            ["01-01-x"],
            json.dumps({"title": "t", "questions": [{**q, "lecture": "09-09-nope"}]}),
        )

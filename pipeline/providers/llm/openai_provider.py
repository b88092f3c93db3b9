"""OpenAI and any OpenAI-compatible server (Ollama, vLLM, llama.cpp, LM Studio, Azure)."""

from __future__ import annotations

import random
import time
from functools import cached_property

import openai

from pipeline import log, secrets
from pipeline.errors import ProviderError
from pipeline.providers.llm import LLMProvider, Reply

# Indirection so tests can record the delays chosen instead of sleeping them.
_sleep = time.sleep


class OpenAIProvider(LLMProvider):
    """Chat Completions through the official SDK, with our own retry policy."""

    name = "openai"

    @cached_property
    def _env(self) -> dict[str, str]:
        # The environment wins over .env, as with every dotenv tool.
        return secrets.environment(self.root)

    @property
    def endpoint(self) -> str:
        return secrets.base_url(secrets.OPENAI, self.cfg.base_url, self._env).rstrip("/")

    @cached_property
    def credential(self) -> secrets.Credential:
        """The server and the key for it, by the rules in pipeline.secrets (said once)."""
        cred = secrets.credential(secrets.OPENAI, "llm", self.cfg.base_url,
                                  self.cfg.api_key_env, self._env)
        if cred.key is None and cred.official:
            raise ProviderError(
                "no OpenAI API key and no server to talk to. Fix it one of two ways: "
                "(1) set OPENAI_API_KEY in your environment or in a `.env` file at "
                f"{self.root / '.env'} (git-ignored), or (2) point Lectern at an "
                "OpenAI-compatible server: `llm.base_url: http://127.0.0.1:11434/v1` in "
                "topic.yaml (Ollama; it gets no key unless llm.api_key_env names one) or "
                "OPENAI_BASE_URL in the environment")
        secrets.announce("llm", cred)
        return cred

    def secrets(self) -> list[str]:
        names = ("OPENAI_API_KEY", self.cfg.api_key_env)
        return [v for v in (self._env.get(n or "", "").strip() for n in names) if v]

    @cached_property
    def client(self) -> openai.OpenAI:
        # Our loop does the retries so backoff is configurable and logged.
        cred = self.credential
        return openai.OpenAI(api_key=cred.key or secrets.NO_KEY, base_url=cred.url,
                             max_retries=0, timeout=self.cfg.timeout_s)

    def complete(self, messages: list[dict], schema: dict | None = None,
                 max_tokens: int | None = None) -> Reply:
        """One Chat Completions call, retried on 429/5xx/timeouts with backoff."""
        args = self._args(messages, schema, max_tokens)
        for attempt in range(self.cfg.max_retries + 1):
            try:
                return _reply(self.client.chat.completions.create(**args))
            except (openai.APITimeoutError, openai.APIConnectionError,
                    openai.RateLimitError, openai.InternalServerError) as e:
                if attempt == self.cfg.max_retries:
                    raise ProviderError(self._gave_up(e, attempt + 1)) from None
                delay = self.delay(attempt, e)
                log.warn(f"LLM call failed ({_what(e)}); retrying in {delay:.1f}s")
                _sleep(delay)
            except openai.APIStatusError as e:
                raise ProviderError(self._refused(e)) from None
        raise AssertionError("unreachable")

    def _args(self, messages: list[dict], schema: dict | None, max_tokens: int | None) -> dict:
        args = {"model": self.cfg.model, "messages": messages,
                "temperature": self.cfg.temperature}
        if schema is not None:
            args["response_format"] = {"type": "json_schema", "json_schema": schema}
        if max_tokens:
            args["max_tokens"] = max_tokens
        return args

    def delay(self, attempt: int, error: Exception) -> float:
        """Seconds to wait before retry `attempt + 1`: Retry-After, else jittered backoff."""
        after = retry_after(getattr(error, "response", None))
        if after is not None:
            return min(after, 300.0)
        backoff = min(self.cfg.retry_max_s, self.cfg.retry_base_s * 2 ** attempt)
        return backoff * random.uniform(0.75, 1.0)

    def _gave_up(self, e: Exception, tries: int) -> str:
        hint = (f"raise llm.timeout_s (now {self.cfg.timeout_s:g}s) in topic.yaml or use a "
                "faster model" if isinstance(e, openai.APITimeoutError) else
                "check the server, wait and run again (finished work is kept), or raise "
                "llm.max_retries in topic.yaml")
        return self._scrub(f"the LLM server at {self.endpoint} failed {tries} time(s), last "
                           f"with {_what(e)}. {hint}")

    def _refused(self, e: openai.APIStatusError) -> str:
        hints = {401: f"the API key was refused: {secrets.key_hint(self.credential, 'llm')}",
                 403: "the API key may not use this model: check your OpenAI project",
                 404: f"no model '{self.cfg.model}' at {self.endpoint}: check llm.model and "
                      "llm.base_url in topic.yaml"}
        hint = hints.get(e.status_code, "check llm.model and llm.base_url in topic.yaml")
        return self._scrub(f"the LLM server at {self.endpoint} refused the call "
                           f"(HTTP {e.status_code}: {_body(e)}): {hint}")

    def _scrub(self, text: str) -> str:
        for secret in self.secrets():
            text = text.replace(secret, "***")
        return text


def retry_after(response) -> float | None:
    """Seconds from a Retry-After (or retry-after-ms) header, when present and numeric."""
    if response is None:
        return None
    headers = response.headers
    try:
        if "retry-after-ms" in headers:
            return float(headers["retry-after-ms"]) / 1000
        if "retry-after" in headers:
            return max(0.0, float(headers["retry-after"]))
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff
    return None


def _reply(resp) -> Reply:
    choice = resp.choices[0]
    usage = resp.usage
    return Reply(text=choice.message.content or "",
                 tokens_in=usage.prompt_tokens if usage else 0,
                 tokens_out=usage.completion_tokens if usage else 0,
                 finish_reason=choice.finish_reason or "stop")


def _what(e: Exception) -> str:
    if isinstance(e, openai.APITimeoutError):
        return "a timeout"
    if isinstance(e, openai.APIStatusError):
        return f"HTTP {e.status_code}"
    return type(e).__name__


def _body(e: openai.APIStatusError) -> str:
    body = e.body if isinstance(e.body, dict) else {}
    msg = body.get("message") or (body.get("error") or {}).get("message") or str(e)
    return str(msg)[:200]

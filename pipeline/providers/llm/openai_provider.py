"""OpenAI and any OpenAI-compatible server (Ollama, vLLM, llama.cpp, LM Studio).

Requests carry only what the model takes: no temperature unless the person set one (and
never to a reasoning model), `max_completion_tokens` for OpenAI, `max_tokens` elsewhere
(Ollama knows only that one). A server that still answers 400 for one of these gets the
call again once without it (or renamed), and is remembered for the run: Azure and proxy
names hide which model family is behind them.
"""

from __future__ import annotations

import re
from functools import cached_property

import openai

from pipeline import log, secrets
from pipeline.errors import ProviderError
from pipeline.providers import retry
from pipeline.providers.llm import LLMProvider, Reply, catalog, servers
from pipeline.providers.llm.servers import Window

ADAPTABLE = {
    "temperature": None,
    "top_p": None,
    "reasoning_effort": None,
    "max_tokens": "max_completion_tokens",
    "max_completion_tokens": "max_tokens",
}
BILLING_URL = "https://platform.openai.com/settings/organization/billing"
TRY_AGAIN = re.compile(r"try again in [^.]*", re.I)


class OpenAIProvider(LLMProvider):
    """Chat Completions through the official SDK, with Lectern's one retry policy."""

    name = "openai"
    service = secrets.OPENAI

    @cached_property
    def _env(self) -> dict[str, str]:
        # The environment wins over .env, as with every dotenv tool.
        return secrets.environment(self.root)

    @property
    def endpoint(self) -> str:
        return secrets.base_url(self.service, self.cfg.base_url, self._env).rstrip("/")

    @property
    def local(self) -> bool:
        return servers.is_local(self.endpoint)

    @cached_property
    def credential(self) -> secrets.Credential:
        """The server and the key for it, by the rules in pipeline.secrets (said once)."""
        cred = secrets.credential(
            self.service, "llm", self.cfg.base_url, self.cfg.api_key_env, self._env
        )
        if cred.key is None and cred.official:
            raise ProviderError(
                "no OpenAI API key and no server to talk to. Fix it one of two ways: "
                "(1) set OPENAI_API_KEY in your environment or in a `.env` file at "
                f"{self.root / '.env'} (git-ignored), or (2) point Lectern at an "
                "OpenAI-compatible server: `llm.base_url: http://127.0.0.1:11434/v1` in "
                "topic.yaml (Ollama; it gets no key unless llm.api_key_env names one) or "
                "OPENAI_BASE_URL in the environment"
            )
        secrets.announce("llm", cred)
        return cred

    def secrets(self) -> list[str]:
        names = (self.service.key_var, self.cfg.api_key_env)
        return [v for v in (self._env.get(n or "", "").strip() for n in names) if v]

    @property
    def timeout_s(self) -> float:
        """llm.timeout_s, else 120 s, or 600 s on the person's own server (queues)."""
        return self.cfg.timeout_s or (600.0 if self.local else 120.0)

    @cached_property
    def client(self) -> openai.OpenAI:
        cred = self.credential  # our loop does the retries: backoff is ours, and logged
        return openai.OpenAI(
            api_key=cred.key or secrets.NO_KEY,
            base_url=cred.url,
            max_retries=0,
            timeout=self.timeout_s,
            http_client=http_client(),
        )

    @property
    def official(self) -> bool:
        """Calls go to OpenAI itself, which takes `max_completion_tokens`."""
        return secrets.is_official(self.service, self.endpoint)

    # --- what the model can take ----------------------------------------------------------

    @cached_property
    def _window(self) -> Window | None:
        known = catalog.lookup(self.cfg.model)
        if known:
            return Window(known.context, f"{self.cfg.model}'s context window")
        key = self.credential.key
        return servers.window(
            self.endpoint, self.cfg.model, {"Authorization": f"Bearer {key}"} if key else None
        )

    def window(self) -> Window | None:
        return super().window() or self._window

    def output_cap(self) -> int | None:
        known = catalog.lookup(self.cfg.model)
        return known.max_output if known else None

    # --- one call ---------------------------------------------------------------------------

    def complete(
        self, messages: list[dict], schema: dict | None = None, max_tokens: int | None = None
    ) -> Reply:
        """One Chat Completions call, retried on 429/5xx/timeouts with backoff."""
        args = self._args(messages, schema, max_tokens)
        policy = retry.Policy(self.cfg.max_retries, self.cfg.retry_base_s, self.cfg.retry_max_s)
        try:
            return _reply(retry.run(lambda: self._create(args), policy, self._retrying))
        except openai.APIStatusError as e:
            raise self._failed(e, policy.retries) from None
        except (openai.APITimeoutError, openai.APIConnectionError) as e:
            raise ProviderError(self._gave_up(e, policy.retries + 1)) from None

    def _args(self, messages: list[dict], schema: dict | None, max_tokens: int | None) -> dict:
        cfg, reasoning = self.cfg, catalog.is_reasoning(self.cfg.model)
        args: dict = {"model": cfg.model, "messages": messages}
        if cfg.temperature is not None and not reasoning:
            args["temperature"] = cfg.temperature
        elif cfg.temperature is not None:
            self._say_once(
                f"llm.temperature: {cfg.model} takes only its default "
                "temperature, so llm.temperature was not sent"
            )
        if cfg.reasoning_effort:
            args["reasoning_effort"] = cfg.reasoning_effort
        if schema is not None:
            args["response_format"] = {"type": "json_schema", "json_schema": schema}
        if max_tokens:
            args["max_completion_tokens" if self.takes_completion_tokens else "max_tokens"] = (
                max_tokens
            )
        return args

    @property
    def takes_completion_tokens(self) -> bool:
        """OpenAI's name for the output limit, for OpenAI and its reasoning models behind
        any proxy (they refuse `max_tokens`); other servers know `max_tokens` only."""
        return self.official or catalog.is_reasoning(self.cfg.model)

    @property
    def _dropped(self) -> dict[str, str | None]:
        """Parameters this server refused for this model, and what they became (None:
        left out), for the rest of the run."""
        return _refused.setdefault((self.endpoint, self.cfg.model), {})

    def _create(self, args: dict):
        """One request; a parameter the server refuses goes (or is renamed) once, for good."""
        try:
            return self.client.chat.completions.create(**self._adapted(args))
        except openai.BadRequestError as e:
            param = _refused_parameter(e)
            if param is None or param in self._dropped or param not in self._adapted(args):
                raise
            self._dropped[param] = ADAPTABLE[param]
            renamed = f"sent as {ADAPTABLE[param]}" if ADAPTABLE[param] else "left out"
            self._say_once(
                f"the server at {secrets.host(self.endpoint)} does not take "
                f"'{param}' for {self.cfg.model} ({_body(e)}); it is {renamed} "
                "from now on"
            )
            return self.client.chat.completions.create(**self._adapted(args))

    def _adapted(self, args: dict) -> dict:
        """The arguments with what this server refused dropped or renamed."""
        out = dict(args)
        for param, new in self._dropped.items():
            if param in out:
                value = out.pop(param)
                if new and new not in out:
                    out[new] = value
        return out

    def _say_once(self, message: str) -> None:
        if message not in _said:
            _said.add(message)
            log.warn(message)

    def _retrying(self, e: Exception, wait: float) -> None:
        log.warn(f"LLM call failed ({_what(e)}); retrying in {wait:.1f}s")

    # --- what went wrong, for a person -----------------------------------------------------

    def _gave_up(self, e: Exception, tries: int) -> str:
        if isinstance(e, openai.APITimeoutError):
            hint = (
                f"raise llm.timeout_s (now {self.timeout_s:g}s) in topic.yaml or use a faster model"
            )
            if self.local:
                hint = (
                    "a local server answers one request at a time by default "
                    "(Ollama: OLLAMA_NUM_PARALLEL), so requests wait in its queue: set "
                    f"llm.concurrency: 1, or {hint}"
                )
        else:
            hint = (
                "check the server, wait and run again (finished work is kept), or raise "
                "llm.max_retries in topic.yaml"
            )
        return self._scrub(
            f"the LLM server at {self.endpoint} failed {tries} time(s), last "
            f"with {_what(e)}. {hint}"
        )

    def _failed(self, e: openai.APIStatusError, retries: int) -> ProviderError:
        """A refused call as a message that says what to do, with its ledger status."""
        if retry.no_credit(e):
            return ProviderError(
                self._scrub(
                    f"the LLM server at {self.endpoint} says the account has no credit left "
                    f"({retry.error_code(e)}: {_body(e)}). Add credit or raise the spending limit"
                    f"{' at ' + BILLING_URL if self.official else ''}, then run again: finished "
                    "work is kept, and the call was not retried"
                ),
                "quota",
            )
        if e.status_code == 429:
            wait = TRY_AGAIN.search(_body(e))
            return ProviderError(
                self._scrub(
                    f"the LLM server at {self.endpoint} kept rate-limiting the calls, "
                    f"{retries + 1} time(s) (HTTP 429: {_body(e)}). "
                    f"{'The server says ' + wait[0] + '; ' if wait else ''}run again then "
                    "(finished work is kept), or lower llm.concurrency, or raise llm.max_retries"
                ),
                "rate_limit",
            )
        if retry.error_code(e) == "content_filter":
            return ProviderError(
                self._scrub(
                    f"the LLM server at {self.endpoint} filtered the prompt out "
                    f"(content_filter: {_body(e)}); reword the text it was sent, or ask the "
                    "service to adjust its filter"
                ),
                "content_filter",
            )
        if e.status_code >= 500:
            return ProviderError(self._gave_up(e, retries + 1))
        return ProviderError(self._refused(e))

    def _refused(self, e: openai.APIStatusError) -> str:
        hints = {
            401: f"the API key was refused: {secrets.key_hint(self.credential, 'llm')}",
            403: "the API key may not use this model: check your OpenAI project",
            404: self.not_found(),
        }
        param = _param_of(e)
        if e.status_code == 400 and param:
            hint = (
                f"the server does not take '{param}' for {self.cfg.model}: remove the "
                "setting behind it from llm in topic.yaml"
            )
        elif retry.error_code(e) == "context_length_exceeded":
            hint = (
                "the prompt and answer do not fit the model's context window: set "
                "llm.context_tokens to the model's real window so Lectern can plan "
                "for it, or pick a model with a larger one"
            )
        else:
            hint = hints.get(e.status_code, "check llm.model and llm.base_url in topic.yaml")
        return self._scrub(
            f"the LLM server at {self.endpoint} refused the call "
            f"(HTTP {e.status_code}: {_body(e)}): {hint}"
        )

    def not_found(self) -> str:
        """What a 404 means here."""
        return (
            f"no model '{self.cfg.model}' at {self.endpoint}: check llm.model and "
            "llm.base_url in topic.yaml"
        )

    def _scrub(self, text: str) -> str:
        for secret in self.secrets():
            text = text.replace(secret, "***")
        return text


_said: set[str] = set()  # warnings given once per run
_refused: dict[tuple[str, str], dict[str, str | None]] = {}  # (endpoint, model) -> parameters


def http_client():
    """The HTTP client the SDK uses (None: its own). Tests capture requests here."""
    return None


def _refused_parameter(e: openai.BadRequestError) -> str | None:
    """The request parameter a 400 is about, when it is one Lectern can do without."""
    code = retry.error_code(e)
    param = _param_of(e)
    if code in ("unsupported_parameter", "unsupported_value") and param in ADAPTABLE:
        return param
    text = _body(e).lower()  # servers that only explain in words
    return next((p for p in ADAPTABLE if f"'{p}'" in text and "support" in text), None)


def _param_of(e: openai.APIStatusError) -> str | None:
    body = e.body if isinstance(e.body, dict) else {}
    inner = body.get("error") if isinstance(body.get("error"), dict) else body
    return inner.get("param")


def _reply(resp) -> Reply:
    """The answer, with what kind of answer it is (see Reply.finish_reason)."""
    choice, usage = resp.choices[0], resp.usage
    msg = choice.message
    text, finish = msg.content or "", choice.finish_reason or "stop"
    thought = (msg.model_extra or {}).get("reasoning_content") or (msg.model_extra or {}).get(
        "reasoning"
    )
    if getattr(msg, "refusal", None):
        text, finish = msg.refusal, "refusal"
    elif not text.strip() and thought and finish != "content_filter":
        finish = "thinking"
    return Reply(
        text=text,
        tokens_in=usage.prompt_tokens if usage else 0,
        tokens_out=usage.completion_tokens if usage else 0,
        finish_reason=finish,
    )


def _what(e: Exception) -> str:
    if isinstance(e, openai.APITimeoutError):
        return "a timeout"
    if isinstance(e, openai.APIStatusError):
        return f"HTTP {e.status_code}"
    return type(e).__name__


def _body(e: openai.APIStatusError) -> str:
    body = e.body if isinstance(e.body, dict) else {}
    inner = body.get("error") if isinstance(body.get("error"), dict) else body
    return str(inner.get("message") or str(e))[:300]

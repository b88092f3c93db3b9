"""Paid calls, made once: prompt files, the cache, the budget, the ledger, and repair.

Every text stage asks through `Session.ask`: it answers from the content-addressed
cache when it can, checks the budget before each real call, records every call in
the ledger, and sends invalid or truncated answers back with the problem (bounded)
before failing with a clear error. Nothing half-made ever reaches a file.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from pipeline import estimate, ledger, locks
from pipeline.errors import BudgetError, LecternError, ProviderError
from pipeline.fsutil import atomic_write_text, hash_json
from pipeline.providers import llm
from pipeline.providers.llm import Reply

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_sessions: dict[tuple[str, str], Session] = {}
_sessions_lock = threading.Lock()


class Unusable(ValueError):
    """An answer that parsed but cannot be used; the message is sent back to the model."""


def prompt(name: str, **values: Any) -> list[dict]:
    """Chat messages from pipeline/prompts/<name>.md (`[system]` and `[user]` parts)."""
    text = resources.files("pipeline").joinpath(f"prompts/{name}.md").read_text("utf-8")
    system, _, user = text.partition("\n[user]\n")
    return [{"role": "system", "content": _fill(system.removeprefix("[system]\n"), values)},
            {"role": "user", "content": _fill(user, values)}]


def _fill(template: str, values: dict) -> str:
    """Replace {name} placeholders; a missing value is a bug, so fail loudly."""
    return PLACEHOLDER.sub(lambda m: str(values[m[1]]), template).strip() + "\n"


def json_schema(model: type[BaseModel], name: str) -> dict:
    """A strict structured-output schema for a pydantic model."""
    return {"name": name, "strict": True, "schema": _strict(model.model_json_schema())}


def _strict(node: Any) -> Any:
    """Strict mode: every property required, no extra keys, no unsupported keywords."""
    if isinstance(node, list):
        return [_strict(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: (_strict(v) if k != "properties" else {p: _strict(s) for p, s in v.items()})
           for k, v in node.items() if k not in ("default", "minLength", "maxLength")}
    if out.get("type") == "object" and "properties" in out:
        out["additionalProperties"] = False
        out["required"] = list(out["properties"])
    return out


def session(course) -> Session:
    """The one session per course in this process (shared by threads)."""
    with _sessions_lock:
        k = (str(course.root), course.slug)
        if k not in _sessions or _sessions[k].course.topic is not course.topic:
            _sessions[k] = Session(course)
        return _sessions[k]


class Session:
    """Calls for one course: provider, budget reservations and running totals."""

    def __init__(self, course):
        self.course, self.cfg = course, course.topic.llm
        cls = llm.get(self.cfg.provider, str(course.topic_path))
        self.provider = cls(self.cfg, course.root)
        self.lock = threading.Lock()
        self.reserved = 0.0
        self.requests = self.tokens = 0
        self.cost = 0.0

    def progress(self) -> str:
        """Running totals for a progress bar."""
        return f"{self.tokens} tokens, ${self.cost:.4f}"

    def cache_path(self, key: str) -> Path:
        return self.course.cache_dir / "llm" / key[:2] / f"{key}.json"

    def key(self, messages: list[dict], schema: dict | None) -> str:
        """Content address of a call: never includes the API key."""
        return hash_json({"provider": self.provider.name, "endpoint": self.provider.endpoint,
                          "model": self.cfg.model, "messages": messages, "schema": schema,
                          "temperature": self.cfg.temperature})

    def ask(self, stage: str, item: str, messages: list[dict], parse: Callable[[str], Any],
            schema: dict | None = None, expect_out: int = 1000) -> Any:
        """The parsed answer to `messages`, from the cache or from the model."""
        key = self.key(messages, schema)
        cached = self._cached(stage, item, key, parse)
        if cached is not None:
            return cached
        with locks.key_lock(self.cache_path(key)):  # another run may be asking the same
            cached = self._cached(stage, item, key, parse)
            if cached is not None:
                return cached
            return self._ask_model(stage, item, key, messages, parse, schema, expect_out)

    def _ask_model(self, stage: str, item: str, key: str, messages: list[dict],
                   parse: Callable[[str], Any], schema: dict | None, expect_out: int) -> Any:
        """Call until the answer is usable (bounded repairs), cache it, and return it."""
        convo, max_tokens, problem = list(messages), self.cfg.max_tokens, ""
        for _ in range(self.cfg.repair_attempts + 1):
            reply = self._call(stage, item, convo, schema, max_tokens, expect_out)
            value, problem = _try_parse(reply, parse)
            if problem is None:
                self._store(key, reply, stage, item)
                return value
            convo = convo + [{"role": "assistant", "content": reply.text[:20000]},
                             {"role": "user", "content": _feedback(problem)}]
            max_tokens = max_tokens * 2 if max_tokens and reply.finish_reason == "length" \
                else max_tokens
        raise ProviderError(self._no_answer(stage, item, problem))

    def _cached(self, stage: str, item: str, key: str, parse: Callable) -> Any:
        path = self.cache_path(key)
        if not path.exists():
            return None
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            value = parse(entry["text"])
        except (ValueError, KeyError, ValidationError, LecternError):
            return None  # unreadable, or validation got stricter since: ask again
        self._ledger(stage, item, entry["tokens_in"], entry["tokens_out"], 0.0, 0.0, "cache")
        return value

    def _store(self, key: str, reply: Reply, stage: str, item: str) -> None:
        entry = {"text": reply.text, "tokens_in": reply.tokens_in,
                 "tokens_out": reply.tokens_out, "stage": stage, "item": item,
                 "model": self.cfg.model}
        atomic_write_text(self.cache_path(key), json.dumps(entry, ensure_ascii=False) + "\n")

    def _call(self, stage: str, item: str, messages: list[dict], schema: dict | None,
              max_tokens: int | None, expect_out: int) -> Reply:
        """One real call: reserve budget, call, record in the ledger, release."""
        guess = self._reserve(stage, item, messages, expect_out)
        start = time.monotonic()
        try:
            reply = self.provider.complete(messages, schema, max_tokens)
        except LecternError:
            self._ledger(stage, item, 0, 0, 0.0, time.monotonic() - start, "error")
            raise
        finally:
            with self.lock:
                self.reserved -= guess
        cost = estimate.cost(self.cfg, reply.tokens_in, reply.tokens_out)
        self._ledger(stage, item, reply.tokens_in, reply.tokens_out, cost,
                     time.monotonic() - start, reply.finish_reason)
        with self.lock:
            self.requests += 1
            self.tokens += reply.tokens_in + reply.tokens_out
            self.cost += cost
        return reply

    def _reserve(self, stage: str, item: str, messages: list[dict], expect_out: int) -> float:
        """Stop before a call that could take spending over budget_usd."""
        guess = estimate.cost(self.cfg, estimate.message_tokens(messages), expect_out)
        budget = self.course.topic.budget_usd
        with self.lock:
            spent = ledger.spent(self.course) + self.reserved
            if spent + guess > budget:
                raise BudgetError(
                    f"{self.course.topic_path}: budget_usd is ${budget:.2f} and "
                    f"${spent:.4f} is spent or in flight; the next call ({stage} {item}, about "
                    f"${guess:.4f}) could exceed it, so it was not made. Finished work is kept. "
                    f"Raise budget_usd, or see `lectern costs {self.course.slug}` and "
                    f"`make estimate TOPIC={self.course.slug}`")
            self.reserved += guess
        return guess

    def _ledger(self, stage: str, item: str, tin: int, tout: int, cost: float,
                seconds: float, status: str) -> None:
        ledger.record(self.course, stage=stage, item=item, provider=self.provider.name,
                      model=self.cfg.model, tokens_in=tin, tokens_out=tout, cost_usd=cost,
                      seconds=seconds, cache_hit=status == "cache", status=status)

    def _no_answer(self, stage: str, item: str, problem: str) -> str:
        tries = self.cfg.repair_attempts + 1
        fix = ("raise llm.max_tokens in topic.yaml or shorten minutes_per_lecture"
               if "cut off" in problem else "run again, or pick a stronger llm.model")
        return (f"{stage} {item}: the model gave no usable answer in {tries} tries, so nothing "
                f"was written. Last problem: {problem}. Fix: {fix} "
                f"(in {self.course.topic_path})")


def _try_parse(reply: Reply, parse: Callable[[str], Any]) -> tuple[Any, str | None]:
    """(value, None) when usable, else (None, what is wrong) for the model to fix."""
    if reply.finish_reason == "length":
        return None, (f"the answer was cut off at the length limit after {reply.tokens_out} "
                      "tokens (finish_reason length)")
    try:
        return parse(reply.text), None
    except json.JSONDecodeError as e:
        return None, f"the answer is not valid JSON ({e.msg} at line {e.lineno})"
    except ValidationError as e:
        return None, "the JSON does not match the schema: " + _errors(e)
    except (ValueError, LecternError) as e:
        return None, str(e)


def _errors(e: ValidationError) -> str:
    parts = [f"{'.'.join(str(x) for x in err['loc']) or 'top level'}: {err['msg']}"
             for err in e.errors()[:8]]
    return "; ".join(parts)


def _feedback(problem: str) -> str:
    return (f"That answer cannot be used: {problem}. Reply again with the complete, "
            "corrected answer only, following the instructions and the schema exactly.")

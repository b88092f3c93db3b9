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

from pipeline import estimate, ledger, locks, log
from pipeline.errors import BudgetError, LecternError, ProviderError
from pipeline.fsutil import atomic_write_text, hash_json
from pipeline.providers import llm
from pipeline.providers.llm import Reply, limits, pricing

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
NOT_ANSWERS = ("refusal", "content_filter", "thinking")  # see Reply.finish_reason
_sessions: dict[tuple[str, str], Session] = {}
_sessions_lock = threading.Lock()


class Unusable(ValueError):
    """An answer that parsed but cannot be used; the message is sent back to the model."""


class Incomplete(Unusable):
    """An answer that is usable but breaks a rule worth a repair: it is sent back while
    repairs remain, then kept (with a warning) rather than paid for and thrown away."""

    def __init__(self, message: str, value: Any) -> None:
        super().__init__(message)
        self.value = value


def prompt(name: str, **values: Any) -> list[dict]:
    """Chat messages from pipeline/prompts/<name>.md (`[system]` and `[user]` parts)."""
    text = resources.files("pipeline").joinpath(f"prompts/{name}.md").read_text("utf-8")
    system, _, user = text.partition("\n[user]\n")
    return [
        {"role": "system", "content": _fill(system.removeprefix("[system]\n"), values)},
        {"role": "user", "content": _fill(user, values)},
    ]


def _fill(template: str, values: dict) -> str:
    """Replace {name} placeholders; a missing value is a bug, so fail loudly."""
    return PLACEHOLDER.sub(lambda m: str(values[m[1]]), template).strip() + "\n"


def json_schema(
    model: type[BaseModel],
    name: str,
    counts: dict[str, tuple[int | None, int | None]] | None = None,
) -> dict:
    """A strict structured-output schema for a pydantic model, with item counts on lists
    (`{"sections.lectures": (3, 3)}`: every section's lectures list holds exactly 3), so a
    strict server enforces them and a lax one still reads them."""
    schema = _strict(model.model_json_schema())
    for path, (low, high) in (counts or {}).items():
        node = _array_at(schema, path.split("."))
        if low is not None:
            node["minItems"] = low
        if high is not None:
            node["maxItems"] = high
    return {"name": name, "strict": True, "schema": schema}


def _array_at(schema: dict, path: list[str]) -> dict:
    """The array schema at a dotted property path (following $refs into $defs)."""
    node = schema
    for i, part in enumerate(path):
        node = _deref(schema, node)["properties"][part]
        if i < len(path) - 1:
            node = node["items"]
    return node


def _deref(schema: dict, node: dict) -> dict:
    ref = node.get("$ref", "")
    return schema["$defs"][ref.rsplit("/", 1)[1]] if ref else node


def _strict(node: Any) -> Any:
    """Strict mode: every property required, no extra keys, no unsupported keywords."""
    if isinstance(node, list):
        return [_strict(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {
        k: (_strict(v) if k != "properties" else {p: _strict(s) for p, s in v.items()})
        for k, v in node.items()
        if k not in ("default", "minLength", "maxLength")
    }
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

    @property
    def concurrency(self) -> int:
        """Calls at once: llm.concurrency, else 4, or 1 on the person's own server."""
        return self.cfg.concurrency or (1 if self.provider.local else 4)

    def progress(self) -> str:
        """Running totals for a progress bar."""
        return f"{self.tokens} tokens, ${self.cost:.4f}"

    def cache_path(self, key: str) -> Path:
        return self.course.cache_dir / "llm" / key[:2] / f"{key}.json"

    def key(self, messages: list[dict], schema: dict | None) -> str:
        """Content address of a call: never includes the API key."""
        sampling = {"temperature": self.cfg.temperature}
        if self.cfg.reasoning_effort:
            sampling["reasoning_effort"] = self.cfg.reasoning_effort
        return hash_json(
            {
                "provider": self.provider.name,
                "endpoint": self.provider.endpoint,
                "model": self.cfg.model,
                "messages": messages,
                "schema": schema,
                **sampling,
            }
        )

    def ask(
        self,
        stage: str,
        item: str,
        messages: list[dict],
        parse: Callable[[str], Any],
        schema: dict | None = None,
        expect_out: int = 1000,
    ) -> Any:
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

    def _ask_model(
        self,
        stage: str,
        item: str,
        key: str,
        messages: list[dict],
        parse: Callable[[str], Any],
        schema: dict | None,
        expect_out: int,
    ) -> Any:
        """Call until the answer is usable (bounded repairs), cache it, and return it."""
        convo, limit, tries, problem = list(messages), self._first_limit(), 0, ""
        kept: tuple[Reply, Any] | None = None  # the last answer that is usable as it is
        while tries <= self.cfg.repair_attempts:
            tries += 1
            limits.check_fits(self.provider, f"{stage} {item}", convo, limit or expect_out)
            reply = self._call(stage, item, convo, schema, limit, expect_out)
            if reply.finish_reason in NOT_ANSWERS:  # no repair would help: never paid twice
                raise ProviderError(self._not_an_answer(stage, item, reply), reply.finish_reason)
            value, found = _try_parse(reply, parse)
            if found is None:
                self._store(key, reply, stage, item)
                return value
            if isinstance(value, Incomplete):
                kept = (reply, value.value)
            problem = found
            if reply.finish_reason == "length":
                more = limits.next_limit(self.provider, limit, reply.tokens_out)
                if more is None:  # more room is not to be had: asking again cannot help
                    break
                limit = more
            convo = convo + [
                {"role": "assistant", "content": reply.text[:20000]},
                {"role": "user", "content": _feedback(problem)},
            ]
        if kept is not None:
            log.warn(f"{stage} {item}: kept the model's last answer as it is: {problem}")
            self._store(key, kept[0], stage, item)
            return kept[1]
        raise self._gave_up(stage, item, tries, reply, problem, limit)

    def _gave_up(
        self, stage: str, item: str, tries: int, reply: Reply, problem: str, limit: int | None
    ) -> ProviderError:
        """No usable answer: what went wrong last, and the fix (which limit, if cut off)."""
        cut = reply.finish_reason == "length"
        fix = (
            limits.cut_off_advice(self.provider, self.cfg.max_tokens, limit, reply.tokens_out)
            if cut
            else "run again, or pick a stronger llm.model"
        )
        return ProviderError(
            f"{stage} {item}: the model gave no usable answer in {tries} tries, so nothing "
            f"was written. Last problem: {problem}. Fix: {fix} (in {self.course.topic_path})",
            "length" if cut else "error",
        )

    def _first_limit(self) -> int | None:
        """llm.max_tokens, never above the model's cap (asking for more is a 400)."""
        cap, limit = self.provider.output_cap(), self.cfg.max_tokens
        if limit and cap and limit > cap:
            log.warn(
                f"llm.max_tokens is {limit:,} but {self.cfg.model} gives at most "
                f"{cap:,} tokens: asking for {cap:,}"
            )
            return cap
        return limit

    def _cached(self, stage: str, item: str, key: str, parse: Callable) -> Any:
        path = self.cache_path(key)
        if not path.exists():
            return None
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            value = _parse_kept(parse, entry["text"])
        except (ValueError, KeyError, ValidationError, LecternError):
            return None  # unreadable, or validation got stricter since: ask again
        self._ledger(stage, item, entry["tokens_in"], entry["tokens_out"], 0.0, 0.0, "cache")
        return value

    def _store(self, key: str, reply: Reply, stage: str, item: str) -> None:
        entry = {
            "text": reply.text,
            "tokens_in": reply.tokens_in,
            "tokens_out": reply.tokens_out,
            "stage": stage,
            "item": item,
            "model": self.cfg.model,
        }
        atomic_write_text(self.cache_path(key), json.dumps(entry, ensure_ascii=False) + "\n")

    def _call(
        self,
        stage: str,
        item: str,
        messages: list[dict],
        schema: dict | None,
        max_tokens: int | None,
        expect_out: int,
    ) -> Reply:
        """One real call: reserve budget, call, record in the ledger, release."""
        guess = self._reserve(stage, item, messages, expect_out)
        start = time.monotonic()
        try:
            reply = self.provider.complete(messages, schema, max_tokens)
        except LecternError as e:
            status = getattr(e, "status", "error")
            self._ledger(stage, item, 0, 0, 0.0, time.monotonic() - start, status)
            raise
        finally:
            with self.lock:
                self.reserved -= guess
        cost = self.cost_of(reply.tokens_in, reply.tokens_out)
        self._ledger(
            stage,
            item,
            reply.tokens_in,
            reply.tokens_out,
            cost,
            time.monotonic() - start,
            reply.finish_reason,
        )
        with self.lock:
            self.requests += 1
            self.tokens += reply.tokens_in + reply.tokens_out
            self.cost += cost
        return reply

    def _reserve(self, stage: str, item: str, messages: list[dict], expect_out: int) -> float:
        """Stop before a call that could take spending over budget_usd."""
        out = int(expect_out * pricing.output_headroom(self.cfg))  # reasoning is billed too
        guess = self.cost_of(estimate.message_tokens(messages), out)
        budget = self.course.topic.budget_usd
        with self.lock:
            spent = ledger.spent(self.course) + self.reserved
            if spent + guess > budget:
                raise BudgetError(
                    f"{self.course.topic_path}: budget_usd is ${budget:.2f} and "
                    f"${spent:.4f} is spent or in flight; the next call ({stage} {item}, about "
                    f"${guess:.4f}) could exceed it, so it was not made. Finished work is kept. "
                    f"Raise budget_usd, or see `lectern costs {self.course.slug}` and "
                    f"`make estimate TOPIC={self.course.slug}`"
                )
            self.reserved += guess
        return guess

    def cost_of(self, tokens_in: int, tokens_out: int) -> float:
        """Dollars for a call of this size to this session's server."""
        return pricing.cost(self.cfg, self.provider.endpoint, tokens_in, tokens_out)

    def _ledger(
        self, stage: str, item: str, tin: int, tout: int, cost: float, seconds: float, status: str
    ) -> None:
        ledger.record(
            self.course,
            stage=stage,
            item=item,
            provider=self.provider.name,
            model=self.cfg.model,
            tokens_in=tin,
            tokens_out=tout,
            cost_usd=cost,
            seconds=seconds,
            cache_hit=status == "cache",
            status=status,
        )

    def _not_an_answer(self, stage: str, item: str, reply: Reply) -> str:
        """Why a reply that is no answer at all cannot be used, and what to do."""
        model, said = self.cfg.model, " ".join(reply.text.split())[:500]
        if reply.finish_reason == "refusal":
            why = (
                f'{model} refused: "{said}" Nothing was written. Reword what it was '
                "asked (the topic, outline or lecture), or pick another llm.model"
            )
        elif reply.finish_reason == "content_filter":
            why = (
                f"the server's content filter stopped {model}'s answer part way, so it "
                "was not kept. Reword the text it was given, or ask the service to adjust "
                "its filter"
            )
        else:
            why = (
                f"{model} is a thinking model: it spent the answer on its reasoning and "
                "left the reply empty. Turn thinking off for it (Ollama: a model without "
                "thinking, or `think: false`; vLLM: serve it without --reasoning-parser, or "
                "with enable_thinking off; LM Studio: the model's thinking setting), raise "
                "llm.max_tokens, or pick a model without thinking"
            )
        return f"{stage} {item}: {why} (in {self.course.topic_path})"


def _parse_kept(parse: Callable[[str], Any], text: str) -> Any:
    """A stored answer's value; one kept although incomplete stays kept (never re-bought)."""
    try:
        return parse(text)
    except Incomplete as e:
        return e.value


def _try_parse(reply: Reply, parse: Callable[[str], Any]) -> tuple[Any, str | None]:
    """(value, None) when usable, else (None, what is wrong) for the model to fix; an
    Incomplete answer comes back as the exception, which holds its usable value."""
    if reply.finish_reason == "length":
        return None, (
            f"the answer was cut off at the length limit after {reply.tokens_out} "
            "tokens (finish_reason length)"
        )
    try:
        return parse(reply.text), None
    except Incomplete as e:
        return e, str(e)
    except json.JSONDecodeError as e:
        return None, f"the answer is not valid JSON ({e.msg} at line {e.lineno})"
    except ValidationError as e:
        return None, "the JSON does not match the schema: " + _errors(e)
    except (ValueError, LecternError) as e:
        return None, str(e)


def _errors(e: ValidationError) -> str:
    parts = [
        f"{'.'.join(str(x) for x in err['loc']) or 'top level'}: {err['msg']}"
        for err in e.errors()[:8]
    ]
    return "; ".join(parts)


def _feedback(problem: str) -> str:
    return (
        f"That answer cannot be used: {problem}. Reply again with the complete, "
        "corrected answer only, following the instructions and the schema exactly."
    )

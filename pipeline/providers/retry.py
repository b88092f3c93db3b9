"""One retry policy for every paid call, LLM and TTS alike: what is worth another try, and
how long to wait before it.

Worth retrying: rate limits, server errors, timeouts and dropped connections. Not worth
it: everything else, and a 429 that says the account has no credit (insufficient_quota),
which no amount of waiting fixes. The wait is the server's Retry-After when it gives
one, else exponential backoff with jitter, capped.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
# Error codes of a 429 that are about money, not speed (OpenAI's, and Azure's alike).
NO_CREDIT = {
    "insufficient_quota",
    "billing_hard_limit_reached",
    "billing_not_active",
    "quota_exceeded",
    "quota_exhausted",
}
TRANSIENT_NAMES = {
    "APIConnectionError",
    "APITimeoutError",
    "TransportError",
    "TimeoutException",
    "ConnectionError",
    "TimeoutError",
}
LONGEST_WAIT_S = 300.0  # a Retry-After beyond this is cut to it
# Indirection so tests can record the delays chosen instead of sleeping them.
_sleep = time.sleep


@dataclass(frozen=True)
class Policy:
    """How often to retry and how long to wait (llm.* / voice.* in topic.yaml)."""

    retries: int = 4
    base_s: float = 1.0
    max_s: float = 30.0

    def delay(self, attempt: int, error: Exception) -> float:
        """Seconds before retry `attempt + 1`: Retry-After, else jittered backoff."""
        after = retry_after(error)
        if after is not None:
            return min(after, LONGEST_WAIT_S)
        return min(self.max_s, self.base_s * 2**attempt) * random.uniform(0.75, 1.0)


def run(
    call: Callable[[], T],
    policy: Policy,
    on_retry: Callable[[Exception, float], None] | None = None,
) -> T:
    """`call()`, retried on transient failures; the last failure is raised as it is."""
    for attempt in range(policy.retries + 1):
        try:
            return call()
        except Exception as e:  # noqa: BLE001 - sorted into retry / re-raise
            if not transient(e) or attempt == policy.retries:
                raise
            wait = policy.delay(attempt, e)
            if on_retry:
                on_retry(e, wait)
            _sleep(wait)
    raise AssertionError("unreachable")


def status_of(e: Exception) -> int | None:
    """The HTTP status an SDK error carries, if any."""
    code = getattr(e, "status_code", None)
    return code if isinstance(code, int) else None


def error_code(e: Exception) -> str:
    """The machine-readable code of an API error body (`error.code` or `.type`), or ''."""
    body = getattr(e, "body", None)
    if isinstance(body, dict):
        inner = body.get("error") if isinstance(body.get("error"), dict) else body
        return str(inner.get("code") or inner.get("type") or "")
    return ""


def no_credit(e: Exception) -> bool:
    """A 429 that says the account is out of money: retrying only repeats it."""
    return status_of(e) == 429 and error_code(e) in NO_CREDIT


def transient(e: Exception) -> bool:
    """Worth retrying: rate limits, server errors, timeouts and dropped connections."""
    code = status_of(e)
    if code is not None:
        return (code in (408, 409, 429) or code >= 500) and not no_credit(e)
    return bool({c.__name__ for c in type(e).__mro__} & TRANSIENT_NAMES)


def retry_after(error: Exception) -> float | None:
    """Seconds from a Retry-After (or retry-after-ms) header, when present and numeric."""
    response = getattr(error, "response", None)
    headers = getattr(response, "headers", None) or getattr(error, "headers", None) or {}
    wanted = {str(k).lower(): v for k, v in dict(headers).items()}
    try:
        if "retry-after-ms" in wanted:
            return float(wanted["retry-after-ms"]) / 1000
        if "retry-after" in wanted:
            return max(0.0, float(wanted["retry-after"]))
    except (TypeError, ValueError):
        return None  # an HTTP date: fall back to our own backoff
    return None

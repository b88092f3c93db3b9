"""LLM providers: a small base class and a registry keyed by name (providers.registry).

Built-in providers register through the `lectern.llm` entry-point group exactly as a
third party's would (see pyproject.toml); `register()` adds one at run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.config import LLMConfig
from pipeline.providers.llm.servers import Window
from pipeline.providers.registry import Registry


@dataclass
class Reply:
    """What one call returned: the text and what it cost in tokens."""

    text: str
    tokens_in: int = 0
    tokens_out: int = 0
    # stop | length | refusal (text holds the refusal) | content_filter | thinking (an empty
    # answer beside a reasoning field: a thinking model that never answered)
    finish_reason: str = "stop"


class LLMProvider:
    """Base class: turn chat messages (and an optional JSON schema) into a Reply."""

    name = "base"

    def __init__(self, cfg: LLMConfig, root: Path):
        self.cfg, self.root = cfg, Path(root)

    @property
    def endpoint(self) -> str:
        """Where calls go (part of the cache key; never holds a secret)."""
        return ""

    def secrets(self) -> list[str]:
        """Strings that must never appear in a message, log or file."""
        return []

    @property
    def local(self) -> bool:
        """True for a server on this machine or network: free, and one request at a time."""
        return False

    def window(self) -> Window | None:
        """The model's context window in tokens, when known."""
        return (
            Window(self.cfg.context_tokens, "llm.context_tokens")
            if self.cfg.context_tokens
            else None
        )

    def output_cap(self) -> int | None:
        """The most output tokens the model can give, when known."""
        return None

    def complete(
        self, messages: list[dict], schema: dict | None = None, max_tokens: int | None = None
    ) -> Reply:
        """Make one call (transport retries included); raise ProviderError on failure."""
        raise NotImplementedError


# `none` writes nothing (manual mode); `auto` picks a provider (course.llm_choice).
REGISTRY: Registry[LLMProvider] = Registry(
    "lectern.llm", "llm.provider", "LLM provider", others=("none", "auto")
)
register, names, get = REGISTRY.register, REGISTRY.names, REGISTRY.get

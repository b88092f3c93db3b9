"""Providers by name: one registry per kind (LLM, TTS), with one API.

A registry holds the classes its entry-point group names (Lectern's built-ins register
there exactly as a third party's would: see pyproject.toml) and those `register` adds at
run time (plugins loaded without packaging, tests); a name added at run time wins.
"""

from __future__ import annotations

import difflib
from importlib.metadata import entry_points
from typing import Generic, TypeVar

from pipeline.errors import ConfigError

T = TypeVar("T")


class Registry(Generic[T]):
    """The providers of one kind: `names()`, `get(name)`, `register(name, cls)`."""

    def __init__(self, group: str, key: str, kind: str, others: tuple[str, ...] = ()):
        self.group = group  # the entry-point group, e.g. lectern.tts
        self.key = key  # the topic.yaml key that names a provider, e.g. voice.provider
        self.kind = kind  # what a person calls one, e.g. "TTS provider"
        self.others = others  # values of the key that name no provider (llm.provider: none)
        self._added: dict[str, type[T]] = {}

    def register(self, name: str, cls: type[T]) -> None:
        """Add a provider by name."""
        self._added[name] = cls

    def names(self) -> list[str]:
        """Names of every registered provider, sorted."""
        return sorted({ep.name for ep in entry_points(group=self.group)} | set(self._added))

    def get(self, name: str, where: str = "topic.yaml") -> type[T]:
        """The provider class registered under `name`; `where` is the topic.yaml it came from."""
        if name in self._added:
            return self._added[name]
        found = next((ep for ep in entry_points(group=self.group) if ep.name == name), None)
        if found is None:
            raise ConfigError(self._unknown(name, where))
        try:
            return found.load()
        except (ImportError, AttributeError) as e:  # a plugin missing, or not what it says
            others = ", ".join(self._choices(but=name))
            raise ConfigError(
                f"{where}: {self.key} '{name}': its package ({found.value}) "
                f"failed to load ({type(e).__name__}: {e}); reinstall it"
                + (f", or use one of: {others}" if others else "")
            ) from None

    def _choices(self, but: str = "") -> list[str]:
        """What the key may say: every provider's name, then the other values."""
        return [n for n in self.names() + list(self.others) if n != but]

    def _unknown(self, name: str, where: str) -> str:
        choices = self._choices()
        close = difflib.get_close_matches(name, choices, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return (
            f"{where}: {self.key} '{name}' is not a known {self.kind}; use one of: "
            f"{', '.join(choices)}{hint}"
        )

"""What Lectern knows about models by name: family, context window, output cap, price.

A name not in the table is unknown: nothing is guessed from a similar name (gpt-5-pro
costs 12× gpt-5; gpt-5.1 is not gpt-5), except dated snapshots such as
gpt-4o-mini-2024-07-18, which are their model. Facts from the providers' model pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Reasoning models take `max_completion_tokens` (never `max_tokens`), only the default
# temperature, and `reasoning_effort`; their hidden reasoning is billed as output.
REASONING = re.compile(r"^(o\d|gpt-5)")
SNAPSHOT = re.compile(r"^(?P<base>.+?)-(\d{4}-\d{2}-\d{2}|\d{4})$")


@dataclass(frozen=True)
class Model:
    """Facts about one model."""

    context: int  # tokens in + out
    max_output: int  # tokens out, reasoning included
    price_in: float  # USD per million tokens
    price_out: float


KNOWN = {
    "gpt-4o-mini": Model(128_000, 16_384, 0.15, 0.60),
    "gpt-4o": Model(128_000, 16_384, 2.50, 10.00),
    "gpt-4.1": Model(1_047_576, 32_768, 2.00, 8.00),
    "gpt-4.1-mini": Model(1_047_576, 32_768, 0.40, 1.60),
    "gpt-4.1-nano": Model(1_047_576, 32_768, 0.10, 0.40),
    "gpt-5": Model(400_000, 128_000, 1.25, 10.00),
    "gpt-5-mini": Model(400_000, 128_000, 0.25, 2.00),
    "gpt-5-nano": Model(400_000, 128_000, 0.05, 0.40),
    "gpt-5-pro": Model(400_000, 272_000, 15.00, 120.00),
    "o3": Model(200_000, 100_000, 2.00, 8.00),
    "o3-mini": Model(200_000, 100_000, 1.10, 4.40),
    "o3-pro": Model(200_000, 100_000, 20.00, 80.00),
    "o4-mini": Model(200_000, 100_000, 1.10, 4.40),
}


def lookup(name: str) -> Model | None:
    """The facts of a model name (a dated snapshot is its model), or None when unknown."""
    if name in KNOWN:
        return KNOWN[name]
    m = SNAPSHOT.match(name)
    return KNOWN.get(m["base"]) if m else None


def is_reasoning(name: str) -> bool:
    """A reasoning model by its name (Azure deployment names hide it: see the provider)."""
    return bool(REASONING.match(name.lower()))

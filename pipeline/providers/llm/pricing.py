"""What a call costs: the person's prices, a known model's, or nothing on their own server.

An unknown model on a paid server has no price Lectern could keep budget_usd with, so
it is refused until topic.yaml gives one (a guess would be below several real models).
"""

from __future__ import annotations

from pipeline.config import LLMConfig
from pipeline.errors import ConfigError
from pipeline.providers.llm import catalog, servers

# Hidden reasoning tokens are billed as output; how many per visible one, by effort, for
# budget reservations (OpenAI's default effort is medium).
REASONING_HEADROOM = {"none": 1.0, "minimal": 1.5, "low": 2.0, "medium": 4.0, "high": 8.0}


def price(cfg: LLMConfig, endpoint: str) -> tuple[float, float]:
    """(input, output) USD per million tokens for calls to `endpoint`."""
    given = (cfg.price_in_per_mtok, cfg.price_out_per_mtok)
    if None not in given:
        return given  # type: ignore[return-value]
    if cfg.provider == "fake" or servers.is_local(endpoint):
        return (given[0] or 0.0, given[1] or 0.0)
    known = catalog.lookup(cfg.model)
    if known is None:
        raise ConfigError(
            f"topic.yaml llm.model: Lectern does not know what '{cfg.model}' costs at "
            f"{endpoint}, so it cannot keep budget_usd. Give its prices in topic.yaml as "
            "llm.price_in_per_mtok and llm.price_out_per_mtok (USD per million tokens, from "
            "the provider's price page; 0 for a free server)"
        )
    return (
        given[0] if given[0] is not None else known.price_in,
        given[1] if given[1] is not None else known.price_out,
    )


def cost(cfg: LLMConfig, endpoint: str, tokens_in: int, tokens_out: int) -> float:
    """Dollars for a call of this size."""
    pin, pout = price(cfg, endpoint)
    return (tokens_in * pin + tokens_out * pout) / 1_000_000


def output_headroom(cfg: LLMConfig) -> float:
    """How many output tokens to expect per visible one (reasoning models think first)."""
    if not catalog.is_reasoning(cfg.model):
        return 1.0
    return REASONING_HEADROOM[cfg.reasoning_effort or "medium"]

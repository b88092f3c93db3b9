"""Prices, token guesses and `make estimate`: what the text stages will cost, before running.

Token counts are estimated without a tokenizer (about 4 characters per token for
Latin scripts, one per character for CJK), which is close enough to budget with.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from pipeline import protect
from pipeline.config import LLMConfig

# USD per million tokens (input, output), from the providers' price pages.
PRICES = {
    "gpt-4o-mini": (0.15, 0.60), "gpt-4o": (2.50, 10.00),
    "gpt-4.1": (2.00, 8.00), "gpt-4.1-mini": (0.40, 1.60), "gpt-4.1-nano": (0.10, 0.40),
    "gpt-5": (1.25, 10.00), "gpt-5-mini": (0.25, 2.00), "gpt-5-nano": (0.05, 0.40),
    "o4-mini": (1.10, 4.40), "o3": (2.00, 8.00), "o3-mini": (1.10, 4.40),
}
# Unknown models on OpenAI are priced like a large model, so the budget errs safe.
UNKNOWN = (2.50, 10.00)
WORDS_PER_MINUTE = 150
TOKENS_PER_WORD = 1.4
MESSAGE_OVERHEAD = 4


def price(cfg: LLMConfig) -> tuple[float, float]:
    """(input, output) USD per million tokens: topic.yaml's, the table's, or a safe guess."""
    table = PRICES.get(cfg.model) or _prefix_price(cfg.model)
    local = cfg.provider == "fake" or (table is None and _is_local(cfg.base_url))
    default = (0.0, 0.0) if local else (table or UNKNOWN)
    return (cfg.price_in_per_mtok if cfg.price_in_per_mtok is not None else default[0],
            cfg.price_out_per_mtok if cfg.price_out_per_mtok is not None else default[1])


def _is_local(url: str | None) -> bool:
    """A server on this machine (Ollama, llama.cpp, LM Studio) costs nothing per token."""
    host = urlparse(url or "").hostname or ""
    return host in ("localhost", "127.0.0.1", "::1")


def _prefix_price(model: str) -> tuple[float, float] | None:
    """Dated snapshots (gpt-4o-mini-2024-07-18) cost what their family costs."""
    best = max((m for m in PRICES if model.startswith(m + "-")), key=len, default=None)
    return PRICES[best] if best else None


def cost(cfg: LLMConfig, tokens_in: int, tokens_out: int) -> float:
    """Dollars for a call of this size."""
    pin, pout = price(cfg)
    return (tokens_in * pin + tokens_out * pout) / 1_000_000


def tokens(text: str) -> int:
    """A tokenizer-free token estimate."""
    wide = sum(1 for ch in text if ord(ch) > 0x2E80)
    return (len(text) - wide) // 4 + wide + 1


def speaking_seconds(text: str) -> float:
    """About how long a narration takes to say: WORDS_PER_MINUTE, with a CJK character
    counted as half a word (Chinese is spoken at about 300 characters a minute)."""
    wide = sum(1 for ch in text if ord(ch) > 0x2E80)
    words = len(re.findall(r"[^\s\u2e80-\U0010ffff]+", text))
    return (words + wide / 2) * 60 / WORDS_PER_MINUTE


def message_tokens(messages: list[dict]) -> int:
    """Estimated input tokens of a chat request."""
    return sum(tokens(m["content"]) + MESSAGE_OVERHEAD for m in messages)


def lecture_tokens(minutes: float) -> int:
    """Expected tokens of a lecture draft of this length."""
    return int(minutes * WORDS_PER_MINUTE * TOKENS_PER_WORD)


def outline_out(sections: int, lectures_per_section: int) -> int:
    """Expected tokens of an outline answer."""
    return 40 * sections + 130 * sections * lectures_per_section


def quiz_out(questions: int) -> int:
    """Expected tokens of a quiz answer."""
    return 160 * questions


def report(course) -> str:
    """The `make estimate` table: calls, tokens and dollars per text stage."""
    if not course.topic.uses_llm:
        return (f"{course.slug}: llm.provider is none (manual mode), so the text stages make "
                "no LLM calls and cost nothing")
    rows = [_outline_row(course)] + _item_rows(course)
    lines = [f"{'stage':<10}{'calls':>7}{'done':>6}{'tokens in':>11}{'tokens out':>12}"
             f"{'cost USD':>11}"]
    total = 0.0
    for stage, calls, done, tin, tout in rows:
        c = cost(course.topic.llm, tin, tout)
        total += c
        lines.append(f"{stage:<10}{calls:>7}{done:>6}{tin:>11}{tout:>12}{c:>11.4f}")
    return "\n".join(lines + _footer(course, total))


def _footer(course, total: float) -> list[str]:
    from pipeline import ledger

    pin, pout = price(course.topic.llm)
    spent, budget = ledger.spent(course), course.topic.budget_usd
    out = [f"total to do: ${total:.4f} with {course.topic.llm.model} at ${pin:g}/${pout:g} per "
           "million tokens in/out (estimates; repairs of bad answers cost extra)",
           f"budget: ${budget:.2f}, spent so far ${spent:.4f}"]
    if spent + total > budget:
        out.append(f"warning: this would exceed budget_usd in {course.topic_path}; raise it "
                   "or the run stops before the call that would exceed it")
    return out


def _outline_row(course) -> tuple:
    from pipeline.stages import outline, outline_llm

    t = course.topic
    done = _done(course, course.outline_path, outline.key(course))
    n_in = message_tokens(outline_llm.messages(course, None))
    n_out = outline_out(t.sections, t.lectures_per_section)
    return ("outline", 1, int(done), 0 if done else n_in, 0 if done else n_out)


def _item_rows(course) -> list[tuple]:
    """Drafts, scripts and quizzes: from the outline when there is one, else the topic."""
    from pipeline.stages import draft_llm, quiz_llm, script_llm

    if not course.outline_path.exists():
        return _rows_without_outline(course)
    return [draft_llm.estimate_row(course), script_llm.estimate_row(course),
            quiz_llm.estimate_row(course)]


def _rows_without_outline(course) -> list[tuple]:
    t = course.topic
    n = t.sections * t.lectures_per_section
    draft = lecture_tokens(t.minutes_per_lecture)
    return [("drafts", n, 0, n * 900, n * draft),
            ("scripts", n, 0, n * (draft + 500), n * int(draft * 1.3)),
            ("quizzes", t.sections, 0, n * (draft + 300),
             t.sections * quiz_out(min(2 * t.lectures_per_section, 10)))]


def _done(course, path, key: str) -> bool:
    """True when the file exists and was made from `key` (read-only, unlike is_current)."""
    if not path.exists():
        return False
    entry = protect.Manifest(course.dir).read().get(protect.Manifest(course.dir).rel(path))
    return entry is None or entry.get("source") == key

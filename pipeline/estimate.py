"""Token guesses and `make estimate`: what the text stages will cost, before running.

Token counts are estimated without a tokenizer (about 4 characters per token for
Latin scripts, one per character for CJK), which is close enough to budget with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline import protect

WORDS_PER_MINUTE = 150
TOKENS_PER_WORD = 1.4
MESSAGE_OVERHEAD = 4


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


@dataclass(frozen=True)
class Planned:
    """One LLM call a stage would make: its item, and its tokens unless already done."""

    item: str
    done: bool
    tokens_in: int = 0
    tokens_out: int = 0


def is_done(course, path, key) -> bool:
    """True when the file exists and was made from `key` (read-only, unlike is_current)."""
    if not path.exists():
        return False
    entry = protect.Manifest(course.dir).read().get(protect.Manifest(course.dir).rel(path))
    return entry is None or entry.get("source") == key.digest

"""Small text helpers shared by stages: slugs and markdown-to-speech cleanup."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str, fallback: str = "item", max_len: int = 40) -> str:
    """ASCII slug for ids and file names; non-Latin titles fall back to `fallback`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:max_len].rstrip("-")
    return slug or fallback


def strip_markdown(text: str) -> str:
    """Plain text from inline markdown: links, emphasis and code marks removed."""
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r"(\*\*|__|\*|_)(\S.*?\S|\S)\1", r"\2", text)
    text = text.replace("`", "")
    return re.sub(r"\s+", " ", text).strip()


def first_sentence(text: str, max_len: int = 70) -> str:
    """The first sentence of a paragraph, cut at a word boundary to fit a bullet."""
    sentence = re.split(r"(?<=[.!?。！？])\s+", text.strip(), maxsplit=1)[0]
    if len(sentence) <= max_len:
        return sentence.rstrip(".")
    cut = sentence[:max_len].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"

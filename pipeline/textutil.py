"""Small text helpers shared by stages: slugs, markdown-to-speech cleanup, and plain text
that Markdown must show as written."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str, fallback: str = "item", max_len: int = 40) -> str:
    """ASCII slug for ids and file names; non-Latin titles fall back to `fallback`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:max_len].rstrip("-")
    return slug or fallback


# What a Markdown renderer would read as HTML: a tag (<b>, </p>, <!--, <?) or an entity.
HTML_LIKE = re.compile(r"<[A-Za-z/!?]|&(#\d+|#x[0-9a-fA-F]+|\w+);")


def md_literal(text: str) -> str:
    """Plain text for a Markdown page a person copies from (landing page, KDP listing):
    as it is, unless a renderer would read HTML in it; then as a code span, which every
    renderer shows character for character (escaping would put `&lt;` into the copy)."""
    if not HTML_LIKE.search(text):
        return text
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


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

"""Text as written → text as it should be spoken (lexicon, code, symbols, units)."""

from __future__ import annotations

import re
import unicodedata

ABBREVIATIONS = {
    "e.g.": "for example",
    "i.e.": "that is",
    "etc.": "et cetera",
    "vs.": "versus",
    "approx.": "approximately",
}
OPERATORS = [
    ("->", " returns "),
    ("=>", " maps to "),
    ("==", " equals "),
    ("!=", " is not equal to "),
    ("<=", " is at most "),
    (">=", " is at least "),
    ("+=", " plus equals "),
    ("-=", " minus equals "),
    ("&&", " and "),
    ("||", " or "),
    (" // ", " floor divided by "),
    (" % ", " modulo "),
    (" & ", " and "),
    ("…", ", "),
    (" — ", ", "),
    ("—", ", "),
    (" – ", ", "),
]
POWERS = {"2": "squared", "3": "cubed"}
UNITS = {
    "KB": "kilobyte",
    "kB": "kilobyte",
    "MB": "megabyte",
    "GB": "gigabyte",
    "TB": "terabyte",
    "KiB": "kibibyte",
    "MiB": "mebibyte",
    "GiB": "gibibyte",
    "ms": "millisecond",
    "µs": "microsecond",
    "us": "microsecond",
    "ns": "nanosecond",
    "Hz": "hertz",
    "kHz": "kilohertz",
    "MHz": "megahertz",
    "GHz": "gigahertz",
    "km": "kilometre",
    "kg": "kilogram",
    "cm": "centimetre",
    "mm": "millimetre",
    "fps": "frames per second",
    "px": "pixel",
    "dB": "decibel",
    "%": "percent",
}
CURRENCIES = {"$": "dollar", "€": "euro", "£": "pound"}
NUMBER = r"\d+(?:\.\d+)?"
UNIT_NAMES = "|".join(sorted(map(re.escape, UNITS), key=len, reverse=True))
UNIT_RE = re.compile(rf"({NUMBER})\s?({UNIT_NAMES})(?![\w])")
MONEY_RE = re.compile(rf"([$€£])({NUMBER})")
POWER_RE = re.compile(r"(\w+)\s*\*\*\s*(\w+)")
DUNDER_RE = re.compile(r"(?<!\w)__([A-Za-z0-9]+(?:_[A-Za-z0-9]+)*)__(?!\w)")
DOT_RE = re.compile(r"(?<=[a-z0-9_)])\.(?=[a-z_]\w*)")
CALL_RE = re.compile(r"(?<=\w)\(\)")
THOUSANDS_RE = re.compile(r"(?<=\d),(?=\d{3}\b)")


def normalize(text: str, lexicon: dict[str, str] | None = None) -> str:
    """The spoken form of one sentence."""
    text = unicodedata.normalize("NFC", text).replace("`", "")
    text = apply_lexicon(text, lexicon or {})  # first: the person's choices win
    for written, spoken in ABBREVIATIONS.items():
        text = re.sub(rf"(?<!\w){re.escape(written)}", spoken, text, flags=re.IGNORECASE)
    text = _code(text)
    text = _numbers(text)
    return re.sub(r"\s+", " ", text).strip()


def apply_lexicon(text: str, lexicon: dict[str, str]) -> str:
    """Replace whole words from the course's pronunciation lexicon, longest first."""
    if not lexicon:
        return text
    keys = sorted(lexicon, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w])(" + "|".join(map(re.escape, keys)) + r")(?![\w])")
    return pattern.sub(lambda m: lexicon[m.group(1)], text)


def _code(text: str) -> str:
    """Read identifiers and operators the way a programmer says them aloud."""
    text = DUNDER_RE.sub(lambda m: "dunder " + m.group(1).replace("_", " "), text)
    text = POWER_RE.sub(_power, text)
    text = CALL_RE.sub("", text)  # `append()` is said "append"
    for written, spoken in OPERATORS:
        text = text.replace(written, spoken)
    text = DOT_RE.sub(" dot ", text)
    # snake_case: underscores between letters are spaces when read aloud
    return re.sub(r"(?<=[A-Za-z0-9])_+(?=[A-Za-z0-9])", " ", text)


def _power(m: re.Match) -> str:
    base, exp = m.group(1), m.group(2)
    return f"{base} {POWERS[exp]}" if exp in POWERS else f"{base} to the power of {exp}"


def _numbers(text: str) -> str:
    """Units and currencies after numbers become words; 1,000 reads as a number."""
    text = THOUSANDS_RE.sub("", text)
    text = MONEY_RE.sub(
        lambda m: f"{m.group(2)} {_plural(CURRENCIES[m.group(1)], m.group(2))}", text
    )
    return UNIT_RE.sub(lambda m: f"{m.group(1)} {_plural(UNITS[m.group(2)], m.group(1))}", text)


def _plural(word: str, number: str) -> str:
    """`1 megabyte`, `2 megabytes`; phrases and `percent` do not take an s."""
    if number == "1" or " " in word or word in ("percent", "hertz"):
        return word
    return word + "s"

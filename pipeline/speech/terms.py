"""The technical terms a course's narration speaks, where, and how the voice will say them.

A term is a word of a slide's note, read after the lexicon (a word the lexicon rewrites
is not listed), that is an acronym (2+ capitals: JSON, GPT-4o), identifier-like (digits,
`_`, dots or camelCase: utf8, np.array, PostgreSQL) or unknown to the voice's dictionary.

"Unknown to the dictionary": not in the plain English word list /usr/share/dict/words
(Debian's wamerican: ~100k words with their inflections), compared without case. espeak-ng,
the phonemizer Piper runs, never says a word is unknown: its letter-to-sound rules read
any letters ("kubectl" → kjˈuːbɛktəl), so only a word list catches invented words. Where
there is no word list, or the course is not in English, the fallback is espeak-ng's own
verdict: a word it spells letter by letter (tqdm) is one it cannot pronounce.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pipeline.fsutil import hash_json
from pipeline.providers.tts import TTSProvider
from pipeline.slides import parse_file
from pipeline.speech.normalize import ABBREVIATIONS, UNIT_RE, apply_lexicon, normalize

WORDS = Path("/usr/share/dict/words")
TOKEN = re.compile(r"\w+(?:['’.\-]\w+)*")
ACRONYM = re.compile(r"[A-Z]{2,}")
CAMEL = re.compile(r"[a-z][A-Z]")
COUNTED = re.compile(r"\d+(?:st|nd|rd|th|s)")  # 2nd, 1990s: said right by every voice
STRESS = re.compile(r"[ˈˌʲ\s]")  # marks that differ between a word and its spelling


@dataclass
class Term:
    """One term: every place it is spoken and how the voice says it."""

    text: str  # as written in the note
    kind: str  # acronym, identifier or unknown word
    spoken: str  # the text the voice is given (after normalisation)
    says: str  # Piper's phonemes, or "spelled as written: …" for a cloud voice
    clip: str  # cache key of its audio, as the narration stage makes it
    places: list[str] = field(default_factory=list)  # file:line of the notes


def find_terms(course, provider: TTSProvider) -> list[Term]:
    """Every term of the course's notes, once each, in order of first use."""
    lexicon, found = course.topic.narration.lexicon, {}
    lang = _espeak_voice(course, provider)
    for lec in course.outline.lectures:
        path = course.slides_path(lec.id)
        if not path.exists():
            continue  # not scripted yet
        lines = path.read_text(encoding="utf-8").splitlines()
        rel = path.relative_to(course.root).as_posix()
        for slide in parse_file(path, course.image_dirs, allow_empty_notes=True):
            for word, kind in terms_in(slide.note, lexicon, lang):
                if word not in found:
                    found[word] = _term(word, kind, lexicon, provider, lang)
                place = f"{rel}:{_line_of(lines, slide.line, word)}"
                if place not in found[word].places:
                    found[word].places.append(place)
    return list(found.values())


def terms_in(note: str, lexicon: dict[str, str], lang: str = "en-us") -> list[tuple[str, str]]:
    """The (term, kind) pairs of one note, in order, repeats included."""
    chosen = {w for said in lexicon.values() for w in TOKEN.findall(said)}  # the person's
    out = []
    for m in TOKEN.finditer(written(note, lexicon)):
        word = re.sub(r"['’]s$", "", m.group())  # JSON's is JSON
        kind = None if word in chosen else kind_of(word, lang)
        if kind:
            out.append((word, kind))
    return out


def written(text: str, lexicon: dict[str, str]) -> str:
    """The note after the normaliser's first steps: the lexicon and abbreviations."""
    text = apply_lexicon(unicodedata.normalize("NFC", text).replace("`", ""), lexicon)
    for abbr, spoken in ABBREVIATIONS.items():  # e.g. is not a dotted name
        text = re.sub(rf"(?<!\w){re.escape(abbr)}", spoken, text, flags=re.IGNORECASE)
    return text


@cache
def kind_of(word: str, lang: str = "en-us") -> str | None:
    """acronym, identifier, unknown word, or None for a word the voice knows."""
    if not any(c.isalpha() for c in word) or COUNTED.fullmatch(word) or UNIT_RE.fullmatch(word):
        return None
    if ACRONYM.search(word):
        return "acronym"
    if any(c.isdigit() for c in word) or "_" in word or "." in word or CAMEL.search(word):
        return "identifier"
    parts = [p for p in re.split(r"[-_]", word.lower().replace("’", "'")) if p]
    return "unknown word" if any(_unknown(p, lang) for p in parts) else None


def _unknown(word: str, lang: str) -> bool:
    """Not in the English word list; without one, spelled letter by letter by espeak-ng."""
    words = word_list() if lang.startswith("en") else None
    if words is not None:
        return word not in words
    return word.isalpha() and len(word) > 1 and _spelled(word, lang)


@cache
def word_list() -> frozenset[str] | None:
    """The system's English words in lower case, or None when it has none."""
    if not WORDS.is_file():
        return None
    return frozenset(w.strip().lower() for w in WORDS.read_text(errors="replace").splitlines())


@cache
def phonemes(text: str, voice: str = "en-us") -> str:
    """What espeak-ng makes of `text`, exactly as Piper phonemizes it (cached per run)."""
    from piper.phonemize_espeak import EspeakPhonemizer

    return "".join("".join(s) for s in _phonemizer(EspeakPhonemizer).phonemize(voice, text))


@cache
def _phonemizer(cls):
    """espeak-ng loads its data once per process."""
    return cls()


def _spelled(word: str, voice: str) -> bool:
    """espeak-ng reads the word as its letters: it found no way to pronounce it."""
    try:
        said, letters = phonemes(word, voice), phonemes(" ".join(word.upper()), voice)
    except RuntimeError:  # a voice espeak-ng does not have: no opinion
        return False
    return STRESS.sub("", said) == STRESS.sub("", letters)


def _espeak_voice(course, provider: TTSProvider) -> str:
    """Piper's own espeak voice; for cloud voices, the course's language."""
    return getattr(provider, "language", None) or course.topic.language.lower()


def _term(word: str, kind: str, lexicon: dict, provider: TTSProvider, lang: str) -> Term:
    """A term with its spoken text, pronunciation and audio cache key."""
    spoken = normalize(word, lexicon)
    if provider.cloud:
        says = f"spelled as written: {spoken}"
    else:
        says = f"/{phonemes(spoken, lang).strip()}/"
    clip = hash_json({"tts": provider.identity(), "text": spoken})
    return Term(word, kind, spoken, says, clip)


def _line_of(lines: list[str], slide_line: int, word: str) -> int:
    """The file line of the word in the slide's note (the Note: line when not found)."""
    pattern = re.compile(rf"(?<![\w.]){re.escape(word)}(?!\w)")
    start = next(
        (i for i in range(slide_line - 1, len(lines)) if lines[i].lower().startswith("note:")),
        slide_line - 1,
    )
    for i in range(start, len(lines)):
        if i > start and lines[i].strip() == "---":
            break  # the next slide
        if pattern.search(lines[i]):
            return i + 1
    return start + 1

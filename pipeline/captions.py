"""Captions from narration timings: WebVTT (Udemy's format) and SRT, and the one WebVTT reader.

A cue holds at most 2 lines of at most 42 characters; a longer sentence is split at word
boundaries into cues of about equal length whose times share the sentence's span in
proportion to their characters. Cues are made readable within each slide: one shown for
under MIN_SECONDS or faster than MAX_CPS first borrows the silence before the next cue,
then joins a neighbour when the joined text still fits a cue and reads better.
`read_vtt` parses a .vtt file into cues (with their lines) and what is not WebVTT in it;
Lectern's own rules (`parse_vtt`, `problems`) and Udemy's (pipeline.udemy.vtt) are checks
over what it returns.
"""

from __future__ import annotations

import html
import math
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field

from pipeline.errors import InputError

MAX_CHARS = 42
MAX_LINES = 2
MIN_SECONDS = 0.8  # a shorter cue is gone before it is read
MAX_CPS = 20.0  # characters per second a viewer can read
TIME = r"(?:(\d+):)?([0-5]\d):([0-5]\d)\.(\d{3})"
TIMING = re.compile(rf"^{TIME}[ \t]+-->[ \t]+{TIME}(?:[ \t].*)?$")  # settings may follow
HEADER = re.compile(r"^WEBVTT([ \t].*)?$")
NOT_CUES = re.compile(r"^(NOTE|STYLE|REGION)([ \t].*)?$")  # comment and style blocks


@dataclass
class Cue:
    """One caption on screen from `start` to `end` (seconds)."""

    start: float
    end: float
    lines: list[str]
    line: int = 0  # the line of its timing in the file it was read from (0: not read)


@dataclass
class WebVTT:
    """A .vtt file as read: its cues, its errors and the blocks of text with no timing
    line (players skip those), each error a (line, what) pair."""

    cues: list[Cue] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    stray: list[tuple[int, str]] = field(default_factory=list)
    header: bool = True  # False: not WebVTT at all (nothing after line 1 was read)


def wrap(text: str) -> list[list[str]]:
    """Split text into cues of at most MAX_LINES lines of at most MAX_CHARS characters."""
    lines = textwrap.wrap(
        " ".join(text.split()), MAX_CHARS, break_long_words=True, break_on_hyphens=False
    )
    return [lines[i : i + MAX_LINES] for i in range(0, len(lines), MAX_LINES)]


def chars(lines: list[str]) -> int:
    """Characters a viewer reads in a cue: its text without the line breaks."""
    return sum(len(x) for x in lines)


def cps(cue: Cue) -> float:
    """A cue's reading speed in characters per second."""
    span = cue.end - cue.start
    return chars(cue.lines) / span if span > 0 else math.inf


def too_short(cue: Cue) -> bool:
    """Whether a cue leaves the screen before it can be read (to the millisecond)."""
    return round(cue.end - cue.start, 3) < MIN_SECONDS


def too_fast(cue: Cue) -> bool:
    """Whether a cue must be read faster than MAX_CPS (to a tenth, as it is reported:
    millisecond times shift a cue's speed by hundredths)."""
    return round(cps(cue), 1) > MAX_CPS


def split(text: str) -> list[list[str]]:
    """A sentence's cues, as even in length as fits, so none is a short tail."""
    greedy = wrap(text)
    words = text.split()
    for n in (len(greedy), len(greedy) + 1):
        groups = [wrap(" ".join(part)) for part in _even(words, n)]
        if all(len(g) == 1 for g in groups):
            return [g[0] for g in groups]
    return greedy  # a word too long for a cue: cut where the wrapper cuts it


def _even(words: list[str], n: int) -> list[list[str]]:
    """Words in n runs of about equal characters, each share taken afresh from what is left."""
    parts: list[list[str]] = []
    rest = words
    for left in range(n, 1, -1):
        take = _take(rest, sum(len(w) + 1 for w in rest) / left)
        parts, rest = [*parts, rest[:take]], rest[take:]
    return [*parts, rest]


def _take(words: list[str], share: float) -> int:
    """How many words come nearest `share` characters and still fit one cue (leaving one)."""
    fits = [j for j in range(1, len(words)) if len(wrap(" ".join(words[:j]))) == 1]
    return min(fits, key=lambda j: abs(len(" ".join(words[:j])) + 1 - share), default=1)


def sentence_cues(text: str, start: float, end: float, room: float = 0.0) -> list[Cue]:
    """Cues for one sentence, its time shared out by character count; one read faster
    than MAX_CPS also shares the silence after it, up to `room`."""
    groups = split(text)
    weights = [chars(g) for g in groups]
    total, cues, t = sum(weights) or 1, [], start
    end = max(end, min(room, start + total / MAX_CPS))
    for group, weight in zip(groups, weights, strict=True):
        nxt = t + (end - start) * weight / total
        cues.append(Cue(t, nxt, group))
        t = nxt
    return cues


def cues_for(spans, duration: float) -> list[Cue]:
    """Every sentence's cues on the video timeline, ordered, clipped inside the video."""
    cues = []
    for span in spans:
        limit = round(min(span.end, duration), 3)  # a video may end half a frame early
        cues += readable(_slide_cues(span, limit), limit)
    return _tidy(cues, duration)


def _slide_cues(span, limit: float) -> list[Cue]:
    """One slide's sentence cues on the video timeline, each sentence free to run on
    until the next one starts (or the slide's `limit`)."""
    said = [
        (text, round(a + span.shift, 3), round(b + span.shift, 3))
        for text, a, b in whole_sentences(span.sentences)
    ]
    rooms = [a for _, a, _ in said[1:]] + [limit] if said else []  # a silent slide: none
    return [
        c
        for (text, a, b), room in zip(said, rooms, strict=True)
        for c in sentence_cues(text, a, b, room)
    ]


def readable(cues: list[Cue], limit: float) -> list[Cue]:
    """One slide's cues (all before `limit`) made as readable as they can be: joined
    while a join helps, then each lengthened into the silence after it."""
    cues = list(cues)
    while (best := _best_join(cues, limit)) is not None:
        cues[best : best + 2] = [_joined(cues[best], cues[best + 1])]
    return [_lengthened(c, _room(cues, i, limit)) for i, c in enumerate(cues)]


def _best_join(cues: list[Cue], limit: float) -> int | None:
    """The neighbour pair whose join makes unreadable cues read best (None: no join helps)."""
    best, most = None, 1e-9
    for i in range(len(cues) - 1):
        if (gain := _join_gain(cues, i, limit)) > most:
            best, most = i, gain
    return best


def _join_gain(cues: list[Cue], i: int, limit: float) -> float:
    """How much less unreadable cues i and i+1 are as one (0: they do not fit one cue)."""
    room = _room(cues, i + 1, limit)
    before = _badness(cues[i], cues[i + 1].start) + _badness(cues[i + 1], room)
    joined = _joined(cues[i], cues[i + 1])
    return before - _badness(joined, room) if before > 0 and joined.lines else 0.0


def _joined(a: Cue, b: Cue) -> Cue:
    """Two cues as one (with no lines when their text does not fit one cue)."""
    groups = wrap(" ".join([*a.lines, *b.lines]))
    return Cue(a.start, b.end, groups[0] if len(groups) == 1 else [])


def _room(cues: list[Cue], i: int, limit: float) -> float:
    """The latest a cue may end: when the next one starts, or the slide's limit."""
    return cues[i + 1].start if i + 1 < len(cues) else limit


def _need(cue: Cue) -> float:
    """The seconds a cue needs on screen to be read."""
    return max(MIN_SECONDS, chars(cue.lines) / MAX_CPS)


def _lengthened(cue: Cue, room: float) -> Cue:
    """The cue kept on screen as long as it needs, if the silence after it allows."""
    want = math.ceil((cue.start + _need(cue)) * 1000 - 1e-6) / 1000  # whole ms, not under
    return Cue(cue.start, max(cue.end, min(want, room)), cue.lines)


def _badness(cue: Cue, room: float) -> float:
    """How far a cue, once lengthened, stays too short or too fast (0: readable)."""
    span = _lengthened(cue, room)
    span_s = span.end - span.start
    if span_s <= 0:
        return math.inf
    short = max(0.0, MIN_SECONDS - span_s) / MIN_SECONDS
    return short + max(0.0, chars(cue.lines) / span_s - MAX_CPS) / MAX_CPS


def whole_sentences(lines: list[dict]) -> list[tuple[str, float, float]]:
    """(caption, start, end) per sentence: a sentence the narration cut at a build step
    (`joined` lines) is captioned whole, as if it had not been cut."""
    out: list[tuple[str, float, float]] = []
    for s in lines:
        text = s.get("caption") or s.get("text") or ""
        if s.get("joined") and out:
            out[-1] = (f"{out[-1][0]} {text}", out[-1][1], s["end"])
        else:
            out.append((text, s["start"], s["end"]))
    return out


def _tidy(cues: list[Cue], duration: float) -> list[Cue]:
    """Millisecond times, no overlaps, nothing past the end, nothing empty."""
    out: list[Cue] = []
    for cue in sorted(cues, key=lambda c: c.start):
        start = max(round(cue.start, 3), out[-1].end if out else 0.0)
        end = min(round(cue.end, 3), round(duration, 3))
        if end > start and cue.lines:
            out.append(Cue(start, end, cue.lines))
    return out


def stamp(t: float, sep: str = ".") -> str:
    """HH:MM:SS.mmm (or with a comma for SRT)."""
    ms = int(round(t * 1000))
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}{sep}{ms % 1000:03d}"


def to_vtt(cues: list[Cue]) -> str:
    """A WebVTT file."""
    body = "".join(
        f"{stamp(c.start)} --> {stamp(c.end)}\n" + "\n".join(map(vtt_text, c.lines)) + "\n\n"
        for c in cues
    )
    return "WEBVTT\n\n" + body


def vtt_text(line: str) -> str:
    """A caption line as WebVTT cue text: '&' and '<' would start an entity or a tag, and
    '-->' a new cue, so they are written as character references (players show them)."""
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_srt(cues: list[Cue]) -> str:
    """A SubRip file."""
    return "".join(
        f"{n}\n{stamp(c.start, ',')} --> {stamp(c.end, ',')}\n"
        + "\n".join(line.replace("-->", "→") for line in c.lines)  # SRT has no escapes
        + "\n\n"
        for n, c in enumerate(cues, 1)
    )


def read_vtt(text: str) -> WebVTT:
    """Parse WebVTT: a 'WEBVTT' line, then cues, each a timing line (after an optional
    identifier) and its text; NOTE, STYLE and REGION blocks are skipped."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").split("\n")
    if not HEADER.match(lines[0]):
        return WebVTT(errors=[(1, "a WebVTT file must start with a line 'WEBVTT'")], header=False)
    doc = WebVTT()
    for no, block in _blocks(lines):
        if not NOT_CUES.match(block[0]) and (no > 2 or any("-->" in x for x in block)):
            _read_block(doc, no, block)  # a block right under the header may be metadata
    return doc


def _blocks(lines: list[str]) -> Iterator[tuple[int, list[str]]]:
    """(first line number, lines) of each run of non-blank lines after the header line."""
    block: list[str] = []
    for no, line in enumerate([*lines[1:], ""], 2):
        if line.strip():
            block.append(line)
        elif block:
            yield no - len(block), block
            block = []


def _read_block(doc: WebVTT, no: int, block: list[str]) -> None:
    """Cues of one block: a line holding '-->' starts a cue, as in players' parsers."""
    cue: Cue | None = None
    for i, line in enumerate(block):
        if "-->" in line:
            cue = _timing(doc, no + i, line.strip())
        elif cue is not None:
            cue.lines.append(html.unescape(line))  # as players show it
        elif "-->" not in (block[i + 1] if i + 1 < len(block) else ""):  # not an identifier
            doc.stray.append((no + i, f"cue '{line}' has no 'start --> end' line"))
            return


def _timing(doc: WebVTT, no: int, line: str) -> Cue:
    """The cue a timing line starts (one the file does not keep when the line is bad)."""
    m = TIMING.match(line)
    if not m:
        doc.errors.append((no, f"bad cue timing '{line}' (use 00:00:01.000 --> 00:00:02.500)"))
        return Cue(0.0, 0.0, [], no)
    cue = Cue(_seconds(m.groups()[:4]), _seconds(m.groups()[4:]), [], no)
    doc.cues.append(cue)
    return cue


def _seconds(groups: tuple) -> float:
    """Seconds from the four groups of one TIME match (hours optional)."""
    h, m, s, ms = groups
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def parse_vtt(text: str, name: str = "captions.vtt") -> list[Cue]:
    """Lectern's own reading: the cues, or an InputError naming every line that is not
    WebVTT or is text without a timing line."""
    doc = read_vtt(text)
    bad = sorted(doc.errors + doc.stray)
    if bad:
        raise InputError("\n".join(f"{name}:{no}: {what}" for no, what in bad))
    return doc.cues


def problems(cues: list[Cue], duration: float) -> list[str]:
    """What is wrong with a cue list: order, empty spans, overrun, too many/long lines."""
    out, prev = [], 0.0
    for n, c in enumerate(cues, 1):
        if c.start < prev:
            out.append(f"cue {n} starts before the previous cue ends")
        if not c.start < c.end:
            out.append(f"cue {n} does not end after it starts")
        if c.end > duration + 1e-3:
            out.append(f"cue {n} ends at {c.end:.3f} s, after the video ({duration:.3f} s)")
        if not c.lines or len(c.lines) > MAX_LINES or any(len(x) > MAX_CHARS for x in c.lines):
            out.append(f"cue {n} needs 1-{MAX_LINES} lines of at most {MAX_CHARS} characters")
        prev = c.end
    return out

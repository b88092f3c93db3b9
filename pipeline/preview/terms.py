"""terms.html: every technical term the narration speaks, to listen to and review.

Each term's audio is the course voice saying the term's spoken text, cached under the
same key and in the same place as the narration's sentences (output/.cache/tts/), so a
term the notes say alone is never synthesised twice. The offline Piper voice speaks
every missing term (free); a paid cloud voice speaks only terms already in the cache,
unless LECTERN_TERM_AUDIO=1 is set for the run (e.g. `LECTERN_TERM_AUDIO=1 make preview
TOPIC=x`): building a page must not spend money unasked. The clips are copied next to
the page (preview/terms/, hard links where possible), as the preview serves
output/<topic>/ but never the cache.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from pipeline import locks
from pipeline.errors import LecternError
from pipeline.fsutil import atomic_write_bytes
from pipeline.preview.html import esc, page, state, table
from pipeline.providers.tts import TTSProvider, for_course
from pipeline.speech import master
from pipeline.speech.terms import Term, find_terms
from pipeline.stages.narration import clip_path

PAGE = "terms.html"
ASK = "LECTERN_TERM_AUDIO"
PLAIN_KEY = re.compile(r"[A-Za-z_][\w.\-']*")  # a YAML key that needs no quotes


def render(course, page_dir: Path) -> str:
    """The table of terms, or what stops it from being made."""
    try:
        provider = for_course(course)
        terms = find_terms(course, provider)
    except LecternError as e:
        return page(course, "Terms", f'<h1>Terms</h1><p class="error">{esc(e.message)}</p>', PAGE)
    reviewed = set(course.topic.narration.reviewed_terms)
    rows = [_row(course, provider, t, t.text in reviewed, page_dir) for t in terms]
    head = ["Term", "Where", "How the voice says it", "Listen", "Reviewed", "Lexicon line"]
    body = (
        f'<div class="terms">{table(head, rows, f"{len(terms)} terms")}</div>'
        if terms
        else "<p>No terms found.</p>"
    )
    return page(course, "Terms", f"<h1>Terms</h1>{_intro(course, provider)}{body}", PAGE)


def _intro(course, provider: TTSProvider) -> str:
    """What to do with the table."""
    paid = (
        f" {esc(provider.name)} is paid: only terms already in the cache play; set "
        f"<code>{ASK}=1</code> for the preview run to synthesise the rest."
        if provider.cloud
        else ""
    )
    return (
        "<p>Listen to each term. Said right: add it to <code>narration.reviewed_terms</code>; "
        "said wrong: copy its lexicon line under <code>narration: lexicon:</code> in "
        f"<code>courses/{esc(course.slug)}/topic.yaml</code> and write how to say it.{paid}</p>"
    )


def _row(course, provider: TTSProvider, term: Term, reviewed: bool, page_dir: Path) -> list:
    """One table row; every cell escaped."""
    where = "<br>".join(f"<code>{esc(p)}</code>" for p in term.places)
    key = term.text if PLAIN_KEY.fullmatch(term.text) else json.dumps(term.text)
    line = f"  {key}: {json.dumps(term.spoken, ensure_ascii=False)}"
    return [
        f"<code>{esc(term.text)}</code> <span class='meta'>{esc(term.kind)}</span>",
        where,
        esc(term.says),
        _audio(course, provider, term, page_dir),
        state("pass" if reviewed else "waiting for review"),
        f"<pre><code>{esc(line)}</code></pre>",
    ]


def _audio(course, provider: TTSProvider, term: Term, page_dir: Path) -> str:
    """A player for the term's clip, or why there is none."""
    try:
        clip = term_clip(course, provider, term)
    except LecternError as e:  # one failed term must not cost the page
        return f'<span class="error">{esc(e.message)}</span>'
    if clip is None:
        return '<span class="meta">not synthesised (paid voice)</span>'
    dest = page_dir / "terms" / clip.name
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(clip, dest)  # the same bytes as the cache's, not a second copy
        except OSError:  # another file system
            shutil.copyfile(clip, dest)
    return (
        f'<audio controls preload="none" src="terms/{esc(clip.name)}" '
        f'aria-label="{esc("How the voice says " + term.text)}"></audio>'
    )


def term_clip(course, provider: TTSProvider, term: Term) -> Path | None:
    """The cached clip of the term, synthesised when free or asked for."""
    path = clip_path(course, term.clip)
    if master.is_whole_wav(path):
        return path
    if provider.cloud and os.environ.get(ASK) != "1":
        return None
    with locks.key_lock(path):  # a narration run may be speaking the same text
        if not master.is_whole_wav(path):
            clip = provider.synthesize(term.spoken)
            atomic_write_bytes(path, master.wav_bytes(clip.samples, clip.rate))
    return path

"""One page per lecture: the draft beside its slides, narration and video."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import markdown
from markdown.extensions.toc import slugify

from pipeline import lecturemd, stages
from pipeline import slides as slide_format
from pipeline.book import sanitize
from pipeline.code import fill
from pipeline.errors import InputError, LecternError
from pipeline.preview.html import bullets, esc, href, lecture_page, page, table
from pipeline.preview.media import LectureMedia, lecture_media
from pipeline.preview.sources import mark


def render(course, lecture_id: str, page_dir: Path) -> str:
    """The whole lecture page."""
    lec = course.lecture(lecture_id)
    section = course.outline.section_of(lecture_id)
    media = lecture_media(course, lecture_id)
    slides, error = _slides(course, lecture_id)
    main = "".join(
        [
            f'<p class="meta">{esc(section.title)} · about {lec.minutes:g} min</p>',
            f"<h1>{esc(lec.title)}</h1>",
            '<div class="top">',
            _sources(course, lecture_id, page_dir, media),
            _video(course, lecture_id, media, page_dir),
            "</div>",
            '<div class="lecture">',
            f'<section aria-labelledby="draft-h"><h2 id="draft-h">Draft (book prose)</h2>'
            f"{_draft(course, lecture_id, page_dir)}</section>",
            f'<section aria-labelledby="slides-h"><h2 id="slides-h">Slides and narration</h2>'
            f"{_slide_list(course, slides, error, media, page_dir)}</section>",
            "</div>",
            _pager(course, lecture_id),
        ]
    )
    return page(course, lec.title, main, lecture_page(lecture_id))


def _slides(course, lecture_id: str):
    """Parsed slides, or the parser's message when the script has a problem."""
    path = course.slides_path(lecture_id)
    if not path.exists():
        return [], f"No slide script yet: run `make scripts TOPIC={course.slug}`."
    try:
        return slide_format.parse_file(path, course.image_dirs, allow_empty_notes=True), ""
    except LecternError as e:
        return [], e.message


def _sources(course, lecture_id: str, page_dir: Path, media: LectureMedia) -> str:
    """Links to the source files with their edit marks, and media problems."""
    items = [
        f"<li>Draft: {mark(course, course.lecture_path(lecture_id), page_dir)}</li>",
        f"<li>Slide script: {mark(course, course.slides_path(lecture_id), page_dir)}</li>",
    ]
    deck = course.deck_path(lecture_id)
    if deck.exists():
        items.append(f'<li>Deck: <a href="{href(page_dir, deck)}">{esc(deck.name)}</a></li>')
    problems = "".join(f'<p class="error">{esc(p)}</p>' for p in media.problems)
    return (
        f'<section class="card" aria-labelledby="src-h"><h2 id="src-h">Source files</h2>'
        f'<ul class="files">{"".join(items)}</ul>{problems}</section>'
    )


def _video(course, lecture_id: str, media: LectureMedia, page_dir: Path) -> str:
    """The rendered lecture with its captions, or how to make it."""
    if media.video is None:
        return (
            f'<section class="card"><h2>Video</h2><p>No video yet: run <code>make video '
            f"TOPIC={course.slug}</code> (frames and narration first).</p>"
            f"{_full_audio(media, page_dir)}</section>"
        )
    track, link = "", '<p class="meta">No captions file (.vtt) beside the video.</p>'
    if media.captions is not None:
        track = (
            f'<track kind="captions" src="{_data_url(media.captions)}" '
            f'srclang="{esc(course.topic.language)}" label="Captions" default>'
        )
        link = (
            f'<p class="meta">Captions: <a href="{href(page_dir, media.captions)}">'
            f"{esc(media.captions.name)}</a></p>"
        )
    return (
        f'<section class="card" aria-labelledby="video-h"><h2 id="video-h">Video</h2>'
        f'<video controls preload="metadata" src="{href(page_dir, media.video)}">'
        f"{track}</video>{link}{_full_audio(media, page_dir)}</section>"
    )


def _data_url(vtt: Path) -> str:
    """The captions inlined: Chromium refuses to load a file:// track from a file:// page."""
    return "data:text/vtt;charset=utf-8," + quote(vtt.read_text(encoding="utf-8"), safe="")


def _full_audio(media: LectureMedia, page_dir: Path) -> str:
    if media.narration is None:
        return ""
    return (
        f'<p class="meta">Whole narration:</p><audio controls preload="metadata" '
        f'src="{href(page_dir, media.narration)}" aria-label="Whole narration"></audio>'
    )


def _with_outputs(course, lecture_id: str, path: Path) -> str:
    """The draft with the real output of its `@output: run` blocks, once they have run."""
    text = path.read_text(encoding="utf-8")
    try:
        return fill.lecture_text(path, text, stages.stage("code").target(course, lecture_id))
    except InputError:  # not checked yet: the draft as written
        return text


def _draft(course, lecture_id: str, page_dir: Path) -> str:
    """The draft as HTML cleaned by the book's allowlist, images pointed at the course folder."""
    path = course.lecture_path(lecture_id)
    if not path.exists():
        return (
            f'<p class="notice">No draft yet: run <code>make drafts TOPIC={course.slug}</code>.</p>'
        )
    body = markdown.markdown(
        _with_outputs(course, lecture_id, path),
        extensions=lecturemd.extensions("footnotes", "codehilite", "toc"),
        extension_configs={
            "codehilite": {"guess_lang": False},
            "toc": {"baselevel": 2, "slugify": lambda v, sep: "draft-" + slugify(v, sep)},
        },
    )
    nodes = sanitize.fragment(body)  # drafts may hold raw HTML, and an LLM writes them
    _fix_images(nodes, course.dir, page_dir)
    return f'<article class="draft">{sanitize.to_html(nodes)}</article>'


def _fix_images(nodes: list, base: Path, page_dir: Path) -> None:
    """Relative image paths in a draft are relative to the course folder."""
    for img in (i for node in nodes for i in node.iter(sanitize.x("img"))):
        src = img.get("src", "")
        if src and not re.match(r"^[a-z]+:|^/|^#", src, re.I):
            img.set("src", href(page_dir, base / src))


def _slide_list(course, slides, error: str, media: LectureMedia, page_dir: Path) -> str:
    """Every slide: its frame (or script), narration text and audio."""
    out = f'<p class="error">{esc(error)}</p>' if error else ""
    count = max(len(slides), max(media.shown, default=0))
    items = [
        _slide(i, slides[i - 1] if i <= len(slides) else None, media, page_dir)
        for i in range(1, count + 1)
    ]
    return out + f'<ol class="slides">{"".join(items)}</ol>'


def _slide(i: int, slide, media: LectureMedia, page_dir: Path) -> str:
    """One slide card."""
    title = slide.title if slide else f"Slide {i}"
    kind = f"{slide.kind} slide" if slide else "slide"
    return (
        f'<li class="slide" id="slide-{i}"><p class="kind">Slide {i} · {esc(kind)}</p>'
        f"<h3>{esc(title)}</h3>{_visual(i, slide, title, media, page_dir)}"
        f"{_narration(i, slide, media, page_dir)}</li>"
    )


def _visual(i: int, slide, title: str, media: LectureMedia, page_dir: Path) -> str:
    """The rendered frame when frames exist, else the slide as the script describes it."""
    pictures = media.shown.get(i, [])
    if pictures:
        src = href(page_dir, pictures[-1].path)  # the slide whole: its last state
        w, h = media.frame_size
        return (
            f'<figure><a href="{src}"><img src="{src}" alt="Slide {i}: {esc(title)}" '
            f'width="{w}" height="{h}" loading="lazy"></a></figure>'
            + (_states(i, pictures, media, page_dir) if len(pictures) > 1 else "")
        )
    return f'<div class="script-box">{_script_body(slide, page_dir)}</div>' if slide else ""


def _states(i: int, pictures: list, media: LectureMedia, page_dir: Path) -> str:
    """The slide's build states in turn, each with when the voice reaches it."""
    w, h = (v // 6 for v in media.frame_size)
    items = []
    for n, p in enumerate(pictures, 1):
        src = href(page_dir, p.path)
        when = f"{p.seconds // 60:.0f}:{p.seconds % 60:04.1f}" if p.seconds is not None else "?"
        items.append(
            f'<li><a href="{src}"><img src="{src}" alt="Slide {i}, state {n}" width="{w}" '
            f'height="{h}" loading="lazy"></a><span class="meta">{n} · {when}</span></li>'
        )
    return f'<ol class="states" aria-label="Build states">{"".join(items)}</ol>'


def _script_body(s, page_dir: Path) -> str:
    """A slide's body as HTML, from the slide script."""
    parts = [f'<p class="subtitle">{esc(s.subtitle)}</p>' if s.subtitle else ""]
    parts.append(_nested(s.bullets))
    if s.kind == "code":
        parts.append(f'<pre><code class="language-{esc(s.language)}">{esc(s.code)}</code></pre>')
    if s.image is not None:
        parts.append(f'<img src="{href(page_dir, s.image)}" alt="{esc(s.title)}">')
    if s.kind == "columns":
        parts.append(
            f'<div class="columns"><div><h4>{esc(s.left_title)}</h4>{_nested(s.left)}'
            f"</div><div><h4>{esc(s.right_title)}</h4>{_nested(s.right)}</div></div>"
        )
    if s.kind == "table" and s.rows:
        cells = [[esc(c) for c in row] for row in s.rows]
        parts.append(table(cells[0], cells[1:]))
    if s.kind == "quote":
        by = f"<footer>— {esc(s.by)}</footer>" if s.by else ""
        parts.append(f"<blockquote><p>{esc(s.quote)}</p>{by}</blockquote>")
    if s.caption:
        parts.append(f'<p class="meta">{esc(s.caption)}</p>')
    return "".join(parts)


def _nested(items) -> str:
    """Bullets with one level of nesting."""
    groups: list[tuple[str, list[str]]] = []
    for b in items:
        if b.level and groups:
            groups[-1][1].append(b.text)
        else:
            groups.append((b.text, []))
    lis = "".join(f"<li>{esc(text)}{bullets(sub)}</li>" for text, sub in groups)
    return f"<ul>{lis}</ul>" if groups else ""


def _narration(i: int, slide, media: LectureMedia, page_dir: Path) -> str:
    """What the voice says on this slide, with a player for just this slide."""
    timing = media.slide_audio.get(i)
    text = slide.note if slide and slide.note else " ".join(timing.captions if timing else [])
    player = ""
    if media.narration is not None and timing is not None:
        src = f"{href(page_dir, media.narration)}#t={timing.start:.2f},{timing.end:.2f}"
        player = (
            f'<audio controls preload="none" src="{src}" '
            f'aria-label="Narration of slide {i}"></audio>'
            f'<p class="meta">{timing.start:.1f}–{timing.end:.1f} s</p>'
        )
    if not text and not player:
        return ""
    return f'<div class="narration"><p>{esc(text)}</p>{player}</div>'


def _pager(course, lecture_id: str) -> str:
    """Previous and next lecture links."""
    ids = [x.id for x in course.outline.lectures]
    i = ids.index(lecture_id)
    prev = (
        (
            f'<a href="{lecture_page(ids[i - 1])}" rel="prev">← '
            f"{esc(course.lecture(ids[i - 1]).title)}</a>"
        )
        if i > 0
        else "<span></span>"
    )
    nxt = (
        (
            f'<a href="{lecture_page(ids[i + 1])}" rel="next">'
            f"{esc(course.lecture(ids[i + 1]).title)} →</a>"
        )
        if i + 1 < len(ids)
        else ""
    )
    return f'<nav class="pager" aria-label="Lectures">{prev}{nxt}</nav>'

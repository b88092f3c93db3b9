"""The KDP listing: every field of KDP's eBook details page, ready to paste."""

from __future__ import annotations

import html
import re

from pipeline import log
from pipeline.book.assemble import keywords_from_outline
from pipeline.course import Course
from pipeline.errors import ConfigError
from pipeline.textutil import md_literal

DESCRIPTION_MAX = 4000  # KDP's limit, counted on the HTML
KEYWORD_SLOTS, KEYWORD_MAX = 7, 50
TITLE_LIMIT = 200  # title and subtitle together must be fewer than 200 characters
CT = "Computers & Technology > "
CATEGORY_HINTS = [
    (("python",), CT + "Programming Languages > Python"),
    (("javascript", "typescript", "node.js"), CT + "Programming Languages > JavaScript"),
    (("java",), CT + "Programming Languages > Java"),
    (("sql", "database"), CT + "Databases & Big Data > SQL"),
    (("machine learning", "neural", "ai"), CT + "Computer Science > AI & Machine Learning"),
    (("html", "css", "web"), CT + "Web Development & Design > Programming"),
    (("code", "programming", "software", "function", "algorithm"), CT + "Programming > General"),
]
FALLBACK_CATEGORIES = [
    "Education & Teaching > Studying & Workbooks > Study Guides",
    "Nonfiction > Education & Reference",
]
HEADINGS = {
    "en": ("What you will learn", "Who this book is for", "Inside the book"),
    "zh": ("你将学到", "本书适合谁", "本书内容"),
}


def description_html(course: Course) -> str:
    """The description in KDP's HTML subset (p, h4, ul, li, b, i), at most 4000 characters."""
    t = course.topic
    learn, who, inside = HEADINGS.get(t.language.split("-")[0].lower(), HEADINGS["en"])
    text = t.book.description or t.subtitle or t.title
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    intro = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
    if t.book.description and len(intro) > DESCRIPTION_MAX:
        raise ConfigError(
            f"courses/{course.slug}/topic.yaml: book.description is {len(intro)} "
            f"characters as HTML; KDP allows {DESCRIPTION_MAX}. Shorten it."
        )
    parts = [intro]
    if t.goals:
        parts.append(f"<h4>{learn}</h4>" + _ul(t.goals))
    if t.audience:
        parts.append(f"<h4>{who}</h4><p>{html.escape(t.audience, quote=False)}</p>")
    parts.append(f"<h4>{inside}</h4>" + _ul(s.title for s in course.outline.sections))
    # Drop whole parts from the end (never cut a tag in half) until it fits.
    while len("".join(parts)) > DESCRIPTION_MAX and len(parts) > 1:
        parts.pop()
    return "".join(parts)


def _ul(items) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(i, quote=False)}</li>" for i in items) + "</ul>"


def keywords(course: Course) -> list[str]:
    """Seven keyword phrases: book.keywords, topped up from the outline's key terms."""
    given = course.topic.book.keywords
    if len(given) > KEYWORD_SLOTS:
        log.warn(
            f"courses/{course.slug}/topic.yaml: book.keywords has {len(given)} phrases; "
            f"KDP takes {KEYWORD_SLOTS}, so the first {KEYWORD_SLOTS} are listed"
        )
    pool = list(dict.fromkeys(given + keywords_for_outline(course)))
    for kw in pool:
        if len(kw) > KEYWORD_MAX:
            log.warn(f"keyword '{kw[:30]}…' is {len(kw)} characters; KDP allows {KEYWORD_MAX}")
    return [kw for kw in pool if len(kw) <= KEYWORD_MAX][:KEYWORD_SLOTS]


def keywords_for_outline(course: Course) -> list[str]:
    """Key terms, then section titles: material for keywords the person did not give."""
    return keywords_from_outline(course) + [s.title for s in course.outline.sections]


def categories(course: Course) -> list[str]:
    """Two categories: book.categories, else guessed from the title and key terms."""
    given = course.topic.book.categories
    if given:
        return given[:2]
    words = " ".join(
        [course.topic.title, course.topic.subtitle, *keywords_for_outline(course)]
    ).casefold()
    found = [
        cat
        for hints, cat in CATEGORY_HINTS
        if any(re.search(rf"(?<!\w){re.escape(h)}(?!\w)", words) for h in hints)
    ]
    return list(dict.fromkeys(found + FALLBACK_CATEGORIES))[:2]


def ai_disclosure(course: Course) -> list[tuple[str, str, str]]:
    """(content, KDP's answer, detail) for text, images and translations, by stage."""
    t = course.topic
    llm = f"{t.llm.provider} / {t.llm.model}"
    text = (
        (
            "Yes: AI-generated",
            f"Drafts (lectures/) and quizzes were written by an LLM "
            f"({llm}), then reviewed and edited by the author.",
        )
        if t.uses_llm
        else (
            "No",
            "Written by the author: llm.provider is `none`, so the outline comes from "
            "topic.yaml and the lectures and quizzes were written by hand.",
        )
    )
    cover = (
        "Supplied by the author (book.cover); answer Yes if it was made with an AI tool."
        if t.book.cover
        else f"drawn by Lectern's own code from the '{t.theme}' theme "
        "(typography and colours); no AI image generator was used."
    )
    return [
        ("Text", *text),
        (
            "Images",
            "No",
            f"Cover: {cover} Images inside the book come from the course "
            "folder; answer Yes if any were made with an AI tool.",
        ),
        ("Translations", "No", f"Written in {t.language}; nothing was machine-translated."),
    ]


def made_by(course: Course) -> list[tuple[str, str]]:
    """Who made each part of the book, stage by stage (the basis of the answers above)."""
    t = course.topic
    llm = f"AI: {t.llm.provider} / {t.llm.model}, reviewed by the author"
    person = "the author (no AI)"
    return [
        ("outline", llm if t.uses_llm else "the author, in topic.yaml (no AI)"),
        ("drafts: the book's text", llm if t.uses_llm else person),
        ("quizzes: review questions", llm if t.uses_llm else person),
        (
            "cover",
            "the author's image file" if t.book.cover else "Lectern's code, from the theme (no AI)",
        ),
        ("images in lectures", "the author's files"),
    ]


def title_warnings(course: Course) -> list[str]:
    """KDP limits the title fields break (topic.yaml itself allows up to 200 characters)."""
    t = course.topic
    total = len(t.title) + len(t.subtitle)
    if total < TITLE_LIMIT:
        return []
    return [
        f"Title and subtitle are {total} characters together; KDP requires fewer than "
        f"{TITLE_LIMIT}. Shorten them in topic.yaml before uploading."
    ]


def render(course: Course, epub_name: str) -> str:
    """listing.md: each KDP field under its own heading, in the order KDP asks for them."""
    t, lit = course.topic, md_literal
    desc = description_html(course)  # KDP's HTML subset, shown as code to paste
    out = [
        f"# KDP listing: {lit(t.title)}",
        "",
        "Paste each part into the matching field of KDP's *Kindle eBook Details* page.",
        f"Upload `{epub_name}` as the manuscript and `cover.jpg` (1600×2560 JPEG) as the cover.",
        "",
    ]
    out += [f"> **Warning:** {w}" for w in title_warnings(course)]
    out += ["## Language", "", t.language, "", "## Book title", "", lit(t.title), ""]
    out += ["## Subtitle", "", lit(t.subtitle) or "(none)", "", "## Author", "", lit(t.author), ""]
    out += [
        f"## Description ({len(desc)} of {DESCRIPTION_MAX} characters)",
        "",
        "```html",
        desc,
        "```",
        "",
        "## Keywords (7 boxes)",
        "",
    ]
    out += [f"{i}. {lit(kw)}" for i, kw in enumerate(keywords(course), 1)]
    out += ["", "## Categories (suggested; pick them in KDP's category browser)", ""]
    out += [f"{i}. {lit(c)}" for i, c in enumerate(categories(course), 1)]
    out += [
        "",
        "## AI-generated content",
        "",
        "KDP asks whether AI-based tools created any of the content. Answers:",
        "",
        "| Content | Answer | Detail |",
        "|---|---|---|",
    ]
    out += [f"| {what} | {ans} | {lit(detail)} |" for what, ans, detail in ai_disclosure(course)]
    out += ["", "By stage:", "", "| Stage | Made by |", "|---|---|"]
    out += [f"| {stage} | {lit(who)} |" for stage, who in made_by(course)]
    return "\n".join(out) + "\n"

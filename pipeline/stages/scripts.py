"""script stage: lectures/<id>.md → slides/<id>.md.

With an LLM configured the script is written for speaking; without one it is derived
deterministically: headings become slides, lists bullets, code blocks code slides, and
paragraphs the narration.
"""

from __future__ import annotations

import re

from pipeline import log, protect, review, slides, stages
from pipeline.course import Course
from pipeline.fsutil import read_text
from pipeline.slides import Bullet, Slide
from pipeline.textutil import first_sentence, strip_markdown

MAX_BULLETS = 5


STAGE = stages.stage("scripts")


def run(course: Course, only: list[str] | None = None, force: bool = False) -> None:
    """Write the slide script of every lecture whose draft changed."""
    review.checkpoint(course, "drafts")
    for lecture_id in course.lecture_ids(only):
        STAGE.require(course, lecture_id)
        k, path = STAGE.key(course, lecture_id), STAGE.target(course, lecture_id)
        if protect.deleted_by_hand(course.dir, path, force):
            log.outcome(course, path, protect.DELETED)
            continue
        if not force and protect.is_current(course.dir, path, k):
            continue
        text = _generate(course, lecture_id)
        outcome = protect.write(course.dir, path, text, k, force)
        log.outcome(course, path, outcome)


def _generate(course: Course, lecture_id: str) -> str:
    if course.topic.uses_llm:
        from pipeline.stages import scripts_llm

        return scripts_llm.generate(course, lecture_id)
    md = read_text(course.lecture_path(lecture_id))
    return slides.render_text(
        derive(md, course.lecture(lecture_id).title, course.outline.section_of(lecture_id).title)
    )


def derive(markdown: str, title: str, section_title: str = "") -> list[Slide]:
    """Deterministic slides from lecture markdown (manual mode)."""
    blocks = _sections(markdown)
    intro = blocks.pop(0) if blocks and blocks[0][0] is None else (None, [])
    intro_text = _paragraph_text(intro[1]) or f"This lecture is about {title}."
    out = [Slide("title", title, 0, note=intro_text, subtitle=section_title)]
    for heading, lines in blocks:
        out += _slides_for(heading, lines)
    points = [s.title for s in out[1:] if s.kind != "code"][:MAX_BULLETS] or [title]
    out.append(
        Slide(
            "summary",
            "Summary",
            0,
            bullets=[Bullet(p) for p in points],
            note="To sum up: " + "; ".join(points) + ".",
        )
    )
    return out


def _sections(markdown: str) -> list[tuple[str | None, list[str]]]:
    """Split at `##` headings (the `#` title line is dropped)."""
    out: list[tuple[str | None, list[str]]] = [(None, [])]
    in_fence = False
    for line in markdown.splitlines():
        in_fence ^= line.strip().startswith("```")
        if not in_fence and re.match(r"^#\s", line):
            continue
        if not in_fence and re.match(r"^#{2,3}\s", line):
            out.append((strip_markdown(line.lstrip("#")), []))
        else:
            out[-1][1].append(line)
    return out


def _slides_for(heading: str, lines: list[str]) -> list[Slide]:
    """One section → a bullets slide (lists or paragraph leads) plus its code slides.

    Paragraphs before the first code block narrate the bullets; the paragraphs after
    each code block narrate that code.
    """
    paragraphs, bullets, codes = _parse_blocks(lines)
    cuts = [pos for pos, _, _ in codes] + [len(paragraphs)]
    lead = paragraphs[: cuts[0]] if codes else paragraphs
    if not bullets:
        bullets = [Bullet(first_sentence(p)) for p in (lead or paragraphs)[:MAX_BULLETS]]
    out = []
    if bullets:
        note = " ".join(lead) or " ".join(paragraphs) or heading + "."
        out.append(Slide("bullets", heading, 0, note=note, bullets=bullets[: MAX_BULLETS * 2]))
    for i, (_, lang, code) in enumerate(codes):
        said = paragraphs[cuts[i] : cuts[i + 1]] or lead or [f"Here is the code for {heading}."]
        out.append(Slide("code", heading, 0, note=" ".join(said), code=code, language=lang))
    return out or [Slide("bullets", heading, 0, note=heading + ".", bullets=[Bullet(heading)])]


def _parse_blocks(lines: list[str]):
    """Paragraph texts, list items (and table rows), and code blocks with the number of
    paragraphs that came before each."""
    paragraphs, bullets, codes, para, fence, lang = [], [], [], [], None, ""
    table_rows = 0
    for line in lines + [""]:
        if line.strip().startswith("```"):
            if fence is None:
                fence, lang = [], line.strip()[3:].strip()
            else:
                codes.append((len(paragraphs), lang, "\n".join(fence)))
                fence = None
            continue
        if fence is not None:
            fence.append(line.rstrip())
            continue
        item = re.match(r"^(\s*)(?:[-*+]|\d+\.)\s+(.*)$", line)
        if item:
            bullets.append(
                Bullet(first_sentence(strip_markdown(item[2])), 1 if len(item[1]) >= 2 else 0)
            )
        elif line.strip().startswith("|"):
            table_rows += 1
            row = _table_bullet(line) if table_rows > 2 else None  # skip header + rule
            bullets += [row] if row else []
        elif line.strip() and not line.strip().startswith(("<!--", "!", ">")):
            para.append(line.strip())
        elif para:
            paragraphs.append(strip_markdown(" ".join(para)))
            para = []
        if not line.strip().startswith("|"):
            table_rows = 0
    return paragraphs, bullets, codes


def _table_bullet(line: str) -> Bullet | None:
    """A table row as a bullet: `first cell: last cell`."""
    cells = [strip_markdown(c) for c in line.strip().strip("|").split("|") if c.strip()]
    if not cells:
        return None
    text = cells[0] if len(cells) == 1 else f"{cells[0]}: {cells[-1]}"
    return Bullet(first_sentence(text))


def _paragraph_text(lines: list[str]) -> str:
    return " ".join(_parse_blocks(lines)[0])

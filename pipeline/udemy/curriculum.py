"""curriculum.csv and curriculum.md: the upload order, file by file."""

from __future__ import annotations

import csv
import io

from pipeline.udemy.layout import LectureFiles, SectionFiles
from pipeline.udemy.probe import clock
from pipeline.udemy.quizzes import count, md_text

HEADER = [
    "Section",
    "Section Title",
    "Item",
    "Type",
    "ID",
    "Title",
    "Video",
    "Captions",
    "Duration",
    "Resources",
]
RESOURCES = ("slides", "pdf")


def _leaf(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def lecture_row(sf: SectionFiles, lf: LectureFiles, seconds: float | None) -> list[str]:
    """One lecture's row; a missing video shows as 'missing' so nobody uploads a gap."""
    res = "; ".join(_leaf(lf.name(k)) for k in RESOURCES if lf.sources[k].exists())
    video = _leaf(lf.name("video")) if lf.sources["video"].exists() else "missing"
    vtt = _leaf(lf.name("captions")) if lf.sources["captions"].exists() else "missing"
    return [
        f"{sf.number:02d}",
        sf.section.title,
        str(lf.number),
        "lecture",
        lf.lecture.id,
        lf.lecture.title,
        video,
        vtt,
        clock(seconds) if seconds is not None else "",
        res,
    ]


def quiz_row(sf: SectionFiles) -> list[str]:
    """The section quiz, placed after the section's last lecture."""
    q = sf.quiz
    assert q is not None, "quiz_row is for sections that have a quiz"
    title = f"{q.title or sf.section.title + ' quiz'} ({count(len(q.questions))})"
    return [
        f"{sf.number:02d}",
        sf.section.title,
        str(len(sf.lectures) + 1),
        "quiz",
        sf.section.id,
        title,
        "",
        "",
        "",
        sf.quiz_doc,
    ]


def rows(plan: list[SectionFiles], durations: dict[str, float]) -> list[list[str]]:
    """Every curriculum item in upload order."""
    out = []
    for sf in plan:
        out += [lecture_row(sf, lf, durations.get(lf.lecture.id)) for lf in sf.lectures]
        out += [quiz_row(sf)] if sf.quiz else []
    return out


def to_csv(items: list[list[str]]) -> str:
    """curriculum.csv text (UTF-8, LF line ends, header first)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerows([HEADER, *items])
    return buf.getvalue()


def to_markdown(
    title: str, plan: list[SectionFiles], durations: dict[str, float], practice_questions: int
) -> str:
    """curriculum.md: the same order, as a checklist a person follows on Udemy."""
    total = sum(durations.values())
    lines = [
        f"# Curriculum: {title}",
        "",
        f"Upload top to bottom: {sum(len(s.lectures) for s in plan)} lectures, "
        f"{clock(total)} of video.",
        "",
    ]
    for sf in plan:
        lines += [
            f"## Section {sf.number}: {md_text(sf.section.title)}",
            "",
            f"Folder: `curriculum/{sf.folder}/`",
            "",
        ]
        for lf in sf.lectures:
            lines += _lecture_lines(lf, durations.get(lf.lecture.id))
        if sf.quiz:
            lines += [
                f"{len(sf.lectures) + 1}. Quiz: **{sf.quiz.title or sf.section.title}** "
                f"({count(len(sf.quiz.questions))}), text in `{sf.quiz_doc}`"
            ]
        lines.append("")
    if practice_questions:
        lines += [
            "## Practice test",
            "",
            f"`quizzes/practice-test.csv` "
            f"({count(practice_questions)}): Practice tests → Bulk upload questions.",
            "",
        ]
    return "\n".join(lines)


def _lecture_lines(lf: LectureFiles, seconds: float | None) -> list[str]:
    length = clock(seconds) if seconds is not None else "video missing"
    files = [f"`{_leaf(lf.name(k))}`" for k in ("video", "captions") if lf.sources[k].exists()]
    res = [f"`{_leaf(lf.name(k))}`" for k in RESOURCES if lf.sources[k].exists()]
    lines = [
        f"{lf.number}. **{md_text(lf.lecture.title)}** ({length})",
        f"   - video and captions: {', '.join(files) or 'missing'}",
    ]
    return lines + ([f"   - resources: {', '.join(res)}"] if res else [])

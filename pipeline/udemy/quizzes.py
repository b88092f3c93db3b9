"""Section quizzes as Udemy's practice-test bulk-upload CSV and as readable documents.

Udemy keeps question, answer and explanation fields as HTML (its editor is a rich-text
editor), so the importer runs each cell through an HTML sanitiser: `List<int>` or
`<div>` would lose the unknown "tag" and show as `List` or nothing. We therefore write
`&`, `<` and `>` as HTML entities, which the sanitiser keeps and the page shows as the
literal characters. Line breaks stay in the cell (quoted, as RFC 4180 allows).
"""

from __future__ import annotations

import csv
import html
import io
import re

from pipeline.models import Question, Quiz

MAX_OPTIONS = 6
HEADER = (
    ["Question", "Question Type"]
    + [f"{k} {i}" for i in range(1, MAX_OPTIONS + 1) for k in ("Answer Option", "Explanation")]
    + ["Correct Answers", "Overall Explanation", "Domain"]
)
HEADER_LINE = ",".join(HEADER) + "\n"
TYPES = ("multiple-choice", "multi-select")


def cell(text: str) -> str:
    """Text as Udemy's importer shows it correctly: HTML specials as entities."""
    return html.escape(text.strip(), quote=False)


def row(question: Question, domain: str) -> list[str]:
    """One CSV row of exactly 17 cells for a question."""
    opts = [[cell(o.text), cell(o.explanation)] for o in question.options]
    opts += [["", ""]] * (MAX_OPTIONS - len(opts))
    right = ",".join(str(i) for i, o in enumerate(question.options, 1) if o.correct)
    return (
        [cell(question.question), question.type]
        + [c for pair in opts for c in pair]
        + [right, cell(question.explanation), cell(domain)]
    )


def practice_test_csv(quizzes: list[tuple[str, Quiz]]) -> bytes:
    """The bulk-upload CSV (UTF-8, no BOM) for (domain, quiz) pairs, in order."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HEADER)
    for domain, quiz in quizzes:
        writer.writerows(row(q, domain) for q in quiz.questions)
    return buf.getvalue().encode("utf-8")


def csv_problems(data: bytes) -> list[str]:
    """What Udemy's importer would reject in a practice-test CSV (empty when fine)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return ["starts with a UTF-8 BOM; Udemy wants UTF-8 without BOM"]
    if not data.startswith(HEADER_LINE.encode()):
        return ["the header is not exactly Udemy's 17 columns"]
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))[1:]
    errs = [e for n, r in enumerate(rows, 2) for e in _row_problems(n, r)]
    return errs if rows else errs + ["no questions"]


def _row_problems(n: int, r: list[str]) -> list[str]:
    if len(r) != len(HEADER):
        return [f"row {n}: {len(r)} columns, not {len(HEADER)}"]
    filled = [i for i in range(1, MAX_OPTIONS + 1) if r[2 * i]]
    right = [int(x) for x in r[14].split(",") if x.strip().isdigit()]
    errs = [] if r[1] in TYPES else [f"row {n}: type '{r[1]}' is not one of {TYPES}"]
    if not right or any(i not in filled for i in right):
        errs.append(f"row {n}: correct answers '{r[14]}' do not name filled options")
    if r[1] == "multiple-choice" and len(right) != 1:
        errs.append(f"row {n}: multiple-choice needs one correct answer")
    if r[1] == "multi-select" and not 2 <= len(right) < len(filled):
        errs.append(f"row {n}: multi-select needs ≥ 2 correct and ≥ 1 wrong answers")
    if any("<" in c or ">" in c for c in r):
        errs.append(f"row {n}: raw < or > that Udemy would strip as HTML")
    return errs


def document(title: str, quiz: Quiz, after: str) -> str:
    """A section quiz as markdown to read and paste into Udemy's quiz editor."""
    lines = [
        f"# {quiz.title or title}",
        "",
        f'Place this quiz in section "{title}", after the lecture "{after}". '
        f"{count(len(quiz.questions))}.",
        "",
    ]
    for n, q in enumerate(quiz.questions, 1):
        kind = "choose one" if q.type == "multiple-choice" else "choose all that apply"
        lines += [f"## Question {n} ({kind})", "", md_text(q.question), ""]
        for i, o in enumerate(q.options, 1):
            mark = "**correct**" if o.correct else "wrong"
            lines += [f"{i}. {md_text(o.text)} — {mark}", f"   - Why: {md_text(o.explanation)}"]
        lines += ["", f"Explanation: {md_text(q.explanation)}", ""] if q.explanation else [""]
    return "\n".join(lines).rstrip() + "\n"


def md_text(text: str) -> str:
    """Text for markdown: tag-like `<div>` in a code span, so viewers show it, not hide it."""
    text = text.strip()
    return text if "`" in text else re.sub(r"<[^<>\s][^<>\n]*>", r"`\g<0>`", text)


def count(n: int) -> str:
    """ "1 question", "4 questions"."""
    return f"{n} question" + ("" if n == 1 else "s")

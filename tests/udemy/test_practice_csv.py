"""The practice-test CSV: Udemy's exact header, no BOM, answers and HTML-safe text."""

from __future__ import annotations

import csv
import html
import io

from pipeline.stages import udemy
from pipeline.udemy import quizzes
from tests.golden import assert_golden

HEADER = (
    b"Question,Question Type,Answer Option 1,Explanation 1,Answer Option 2,Explanation 2,"
    b"Answer Option 3,Explanation 3,Answer Option 4,Explanation 4,Answer Option 5,"
    b"Explanation 5,Answer Option 6,Explanation 6,Correct Answers,Overall Explanation,"
    b"Domain\n"
)


def _csv(course) -> bytes:
    udemy.run(course)
    return (udemy.bundle_dir(course) / "quizzes" / "practice-test.csv").read_bytes()


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def test_header_bytes_columns_and_no_bom(built):
    data = _csv(built)
    assert data.startswith(HEADER)  # exact bytes, so also no BOM before it
    assert not data.startswith(b"\xef\xbb\xbf")
    rows = _rows(data)
    assert [len(r) for r in rows] == [17] * 4  # header + 3 questions
    assert quizzes.csv_problems(data) == []


def test_multi_select_row(built):
    row = _rows(_csv(built))[2]
    assert row[:2] == [
        "Which of these are valid HTML elements? Select all that apply.",
        "multi-select",
    ]
    assert row[2] == "&lt;section&gt;" and row[14] == "1,2"
    assert row[8:14] == [""] * 6  # options 4-6 empty
    assert row[16] == "HTML: the structure"  # the section is the domain


def test_div_comma_and_newline_round_trip(built):
    question = built.quiz("01-html").questions[0]
    assert "<div>" in question.question and "," in question.question
    assert "\n" in question.question
    row = _rows(_csv(built))[1]
    assert row[0] == "Which tag is written &lt;div&gt;, and why?\nPick the best answer."
    assert html.unescape(row[0]) == question.question  # Udemy shows exactly the source text
    assert row[15] == "Use &lt;div&gt; &amp; &lt;span&gt; only when no meaningful element fits."
    assert row[14] == "1" and row[1] == "multiple-choice"


def test_problems_are_caught():
    good = HEADER + b"Q,multiple-choice,a,x,b,y,,,,,,,,,1,,D\n"
    assert quizzes.csv_problems(good) == []
    assert "BOM" in quizzes.csv_problems(b"\xef\xbb\xbf" + good)[0]
    assert "17 columns" in quizzes.csv_problems(HEADER.replace(b",Domain", b"") + b"")[0]
    short = HEADER + b"Q,multiple-choice,a,x,b,y,,,,,,,,,1,\n"
    assert "16 columns" in quizzes.csv_problems(short)[0]
    raw = quizzes.csv_problems(HEADER + b"<div>,multiple-choice,a,x,b,y,,,,,,,,,1,,D\n")
    assert any("strip as HTML" in e for e in raw)
    wrong = quizzes.csv_problems(HEADER + b"Q,multi-select,a,x,b,y,,,,,,,,,1,,D\n")
    assert any("multi-select" in e for e in wrong)


def test_golden_text_outputs(built):
    assert_golden("udemy/practice-test.csv", _csv(built).decode("utf-8"))
    curriculum = (udemy.bundle_dir(built) / "curriculum.csv").read_text(encoding="utf-8")
    assert_golden("udemy/curriculum.csv", curriculum)

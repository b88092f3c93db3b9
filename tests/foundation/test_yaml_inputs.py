"""Every Lectern YAML file refuses what YAML would silently get wrong: a key written twice,
aliases that expand without end, bidi overrides, and quizzes that belong elsewhere."""

from __future__ import annotations

import resource
import subprocess
import sys

import pytest

from pipeline import review
from pipeline.config import load_topic
from pipeline.course import Course
from pipeline.errors import ConfigError
from pipeline.models import load_outline
from pipeline.theme.load import load_spec
from tests.conftest import REPO, run_cli

OUTLINE = "courses/example/outline.yaml"
QUIZ = "courses/example/quizzes/01-comprehensions.yaml"


def _error(load, path) -> str:
    with pytest.raises(ConfigError) as e:
        load(path)
    return e.value.message


def test_a_second_lectures_key_is_an_error_naming_both_lines(project):
    path = project / OUTLINE
    lines = path.read_text().splitlines()
    assert lines[3] == "    lectures:"  # section 1's list starts on line 4
    second = ["    lectures:", "      - id: 01-09-extra", "        title: Extra"]
    end = next(i for i, x in enumerate(lines) if x.startswith("  - id: 02-"))
    path.write_text("\n".join(lines[:end] + second + lines[end:]) + "\n")
    before = path.read_bytes()
    assert _error(load_outline, path) == (
        f"{path}:{end + 1}: key 'lectures' appears twice in this mapping (first at line 4); "
        "YAML keeps only the last one, so merge them"
    )
    assert path.read_bytes() == before  # nothing rewritten


def test_duplicate_keys_are_refused_in_every_yaml_file_lectern_reads(project):
    course = Course.load("example")
    topic = project / "courses/example/topic.yaml"
    topic.write_text(topic.read_text() + "level: beginner\n")  # level: is on line 8 already
    assert "topic.yaml:56: key 'level' appears twice in this mapping (first at line 8)" in _error(
        load_topic, topic
    )
    quiz = project / QUIZ
    quiz.write_text(
        quiz.read_text().replace(
            "    type: multiple-choice\n", "    type: multiple-choice\n    type: multi-select\n", 1
        )
    )
    assert (
        "01-comprehensions.yaml:6: key 'type' appears twice in this mapping (first at "
        "line 5)" in _error(course.quiz, "01-comprehensions")
    )
    approvals = project / "courses/example/approvals.yaml"
    approvals.write_text(approvals.read_text() + "outline: {}\n")
    assert "approvals.yaml:" in _error(
        review.load, course
    ) and "key 'outline' appears twice" in _error(review.load, course)
    theme = project / "assets/themes/default/theme.yaml"
    theme.write_text(theme.read_text() + "name: again\n")
    assert "key 'name' appears twice" in _error(load_spec, theme)


def _bomb(levels: int) -> str:
    """`levels` levels of nine aliases each: 9**levels values from a few hundred bytes."""
    lines = ['title: "Bomb"', "author: Ada", "goals: &a0 [x, x, x, x, x, x, x, x, x]"]
    for n in range(1, levels + 1):
        lines.append(f"l{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_with_its_line_in_little_memory(project):
    topic = project / "courses/example/topic.yaml"
    topic.write_text(_bomb(8))

    def limit():  # unchecked, this file takes 8.9 GB; the check must not need 1 GB
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "check-topic", "example"],
        cwd=project,
        env={"LECTERN_ROOT": str(project), "PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.strip() == (
        f"error: {topic}:8: the aliases (*name) from here on expand this file to more than "
        "200,000 values; write the repeated parts out, or use fewer levels of aliases"
    )


def test_a_few_aliases_still_work_and_a_loop_is_refused(tmp_path):
    path = tmp_path / "topic.yaml"
    path.write_text("title: T\nauthor: &who Ada\nbook:\n  publisher: *who\n")
    assert load_topic(path).book.publisher == "Ada"
    path.write_text("title: T\nauthor: Ada\ngoals: &g [a, *g]\n")
    assert _error(load_topic, path) == (
        f"{path}:3: this value contains an alias of itself (an endless loop); remove that alias"
    )


def test_values_nested_thousands_deep_are_refused(tmp_path):
    path = tmp_path / "topic.yaml"
    path.write_text("title: T\nauthor: Ada\ngoals: " + "[" * 3000 + "]" * 3000 + "\n")
    assert _error(load_topic, path) == (
        f"{path}: values are nested hundreds of levels deep "
        "([[[…); Lectern files need a few, so check the brackets"
    )


def test_a_bidi_override_in_a_title_is_refused(project):
    path = project / OUTLINE
    text = path.read_text().replace(
        "title: Why comprehensions?", 'title: "Why \u202esnoisneherpmoc?"'
    )
    path.write_text(text)
    assert _error(load_outline, path) == (
        f"{path}:20: sections.0.lectures.1.title: contains a right-to-left override (U+202E), "
        "which shows the text in another order than it is written; delete it (right-to-left "
        "text displays correctly without one)"
    )
    # Isolates and marks, which mixed-direction text uses, are fine.
    path.write_text(text.replace("\u202e", "\u2067").replace('?"', '\u2069?"'))
    assert load_outline(path).sections[0].lectures[1].title.startswith("Why \u2067")


def test_a_quiz_for_another_section_or_naming_another_sections_lecture_is_refused(project):
    quiz = project / QUIZ
    good = quiz.read_text()
    quiz.write_text(good.replace("section: 01-comprehensions", "section: 02-beyond-lists"))
    assert _error(Course.load("example").quiz, "01-comprehensions") == (
        f"{quiz}:1: section: '02-beyond-lists' is not this file's section: "
        "01-comprehensions.yaml holds the quiz of section 01-comprehensions; write "
        "`section: 01-comprehensions`, or move the quiz to the file of the section it is for"
    )
    bad = good.replace(
        "lecture: 01-01-why-comprehensions", "lecture: 03-01-generator-expressions", 1
    )
    quiz.write_text(bad)
    assert _error(Course.load("example").quiz, "01-comprehensions") == (
        f"{quiz}:6: questions.0.lecture: '03-01-generator-expressions' is not a lecture of "
        "section 01-comprehensions; use one of: 01-00-welcome, 01-01-why-comprehensions, "
        "01-02-list-comprehension-syntax, 01-03-functions-and-the-walrus"
    )
    # The quiz stage reports it (manual mode checks the quizzes a person wrote), and
    # leaves the person's file as it is.
    proc = run_cli(project, "quizzes", "example", env={"AUTO_APPROVE": "1"})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "questions.0.lecture: '03-01-generator-expressions'" in proc.stderr
    assert quiz.read_text() == bad

"""topic.yaml errors name the file, the line, the key path and what is allowed."""

from __future__ import annotations

import pytest

from pipeline.config import load_topic
from pipeline.errors import ConfigError

GOOD = """\
title: "Testing"
author: "Ada"
"""


def write(tmp_path, text: str):
    path = tmp_path / "topic.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path) -> str:
    with pytest.raises(ConfigError) as e:
        load_topic(path)
    return e.value.message


def test_good_topic_loads_with_defaults(tmp_path):
    topic = load_topic(write(tmp_path, GOOD))
    assert topic.title == "Testing"
    assert topic.voice.provider == "piper"
    assert topic.review == ["outline", "drafts"]
    assert not topic.uses_llm


def test_range_error_names_file_line_and_bounds(tmp_path):
    text = GOOD + "\n" * 8 + "voice:\n  speed: 3\n"
    path = write(tmp_path, text)
    assert error_of(path) == f"{path}:12: voice.speed: must be between 0.5 and 2"


def test_unknown_key_suggests_the_right_one(tmp_path):
    path = write(tmp_path, GOOD + "voice:\n  sped: 1.2\n")
    message = error_of(path)
    assert f"{path}:4: voice.sped: unknown key (did you mean 'speed'?)" in message


def test_unknown_top_level_key(tmp_path):
    message = error_of(write(tmp_path, GOOD + "subtitel: x\n"))
    assert "subtitel: unknown key (did you mean 'subtitle'?)" in message


def test_all_errors_reported_at_once_in_line_order(tmp_path):
    path = write(tmp_path, 'title: ""\nauthor: Ada\nlevel: expert\nsections: many\n')
    lines = error_of(path).splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"{path}:1: title:")
    assert "must not be empty" in lines[0]
    assert lines[1].startswith(f"{path}:3: level: must be one of")
    assert lines[2].startswith(f"{path}:4: sections:")


def test_yaml_syntax_error_gives_line_and_column(tmp_path):
    path = write(tmp_path, 'title: "Testing"\nauthor: [Ada\nlevel: beginner\n')
    message = error_of(path)
    assert message.startswith(f"{path}:")
    line, col = message.split(":")[1:3]
    assert int(line) >= 2 and int(col) >= 1
    assert "YAML syntax error" in message


def test_wrong_type_in_list(tmp_path):
    message = error_of(write(tmp_path, GOOD + "goals: 5\n"))
    assert ":3: goals:" in message and "valid list" in message


def test_missing_file(tmp_path):
    assert "file not found" in error_of(tmp_path / "topic.yaml")


def test_bad_language_tag(tmp_path):
    message = error_of(write(tmp_path, GOOD + "language: english please\n"))
    assert ":3: language:" in message and "BCP-47" in message


def test_cjk_language_tag_accepted(tmp_path):
    assert load_topic(write(tmp_path, GOOD + "language: zh-CN\n")).language == "zh-CN"


def test_not_a_mapping(tmp_path):
    assert "expected a mapping" in error_of(write(tmp_path, "- just\n- a list\n"))


def test_nested_outline_error_points_at_the_lecture(tmp_path):
    text = GOOD + "outline:\n  - title: One\n    lectures:\n      - titel: Intro\n"
    message = error_of(write(tmp_path, text))
    assert ":6: outline.0.lectures.0.titel: unknown key (did you mean 'title'?)" in message


def test_theme_file_is_found_as_the_decks_find_it(project):
    from pipeline.course import LECTERN_THEMES, Course

    topic = project / "courses" / "example" / "topic.yaml"
    course = Course.load("example")
    assert course.theme_file == (project / "assets/themes/default/theme.yaml").resolve()
    (project / "assets/themes/default/theme.yaml").unlink()  # falls back to Lectern's own
    assert Course.load("example").theme_file == (LECTERN_THEMES / "default/theme.yaml").resolve()
    (project / "courses/example/brand.yaml").write_text("name: brand\n")
    topic.write_text(topic.read_text().replace("theme: default", "theme: brand.yaml"))
    assert Course.load("example").theme_file == (project / "courses/example/brand.yaml").resolve()
    topic.write_text(topic.read_text().replace("theme: brand.yaml", "theme: brand.pptx"))
    assert Course.load("example").theme_file is None

"""topic.yaml errors name the file, the line, the key path and what is allowed."""

from __future__ import annotations

import re
import zipfile

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


def _deck_colours(course, lecture_id: str = "01-01-why-comprehensions") -> set[str]:
    """Every colour the deck stage wrote into a lecture's slides."""
    from pipeline.stages import decks

    decks.make_deck(course, lecture_id)
    with zipfile.ZipFile(decks.STAGE.target(course, lecture_id)) as zf:
        xml = "".join(
            zf.read(n).decode()
            for n in zf.namelist()
            if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)
        )
    return set(re.findall(r'<a:srgbClr val="([0-9A-F]{6})"', xml))


def test_theme_file_is_found_as_the_decks_find_it(project):
    """The theme every other output reads is the one the deck stage drew with."""
    from pipeline.book import cover
    from pipeline.course import Course
    from pipeline.theme.load import LECTERN_THEMES
    from pipeline.video import pictures
    from tests.decks.test_template import make_template
    from tests.themes import write_theme

    topic, course_dir = project / "courses/example/topic.yaml", project / "courses/example"
    own = write_theme(project / "assets/themes/default/theme.yaml", accent="AB1234")
    write_theme(course_dir / "brand.yaml", accent="0D7A5F")
    make_template(course_dir / "brand.pptx")  # accent1 4F81BD
    cases = [
        ("default", own, "AB1234"),
        ("default", LECTERN_THEMES / "default/theme.yaml", "4F46E5"),
        ("brand.yaml", course_dir / "brand.yaml", "0D7A5F"),
        ("brand.pptx", course_dir / "brand.pptx", "4F81BD"),
    ]
    for n, (value, path, accent) in enumerate(cases):
        if n == 1:
            own.unlink()  # the project's own theme gone: Lectern's is found
        topic.write_text(re.sub(r"^theme: .*$", f"theme: {value}", topic.read_text(), flags=re.M))
        course = Course.load("example", project)
        drawn, others = _deck_colours(course), {c[2] for c in cases} - {accent}
        assert accent in drawn and not others & drawn, value
        assert course.theme.files[0].resolve() == path.resolve()
        assert cover.palette(course.theme)["accent"] == "#" + accent
        assert pictures.card_style(course.theme)[0]["accent"] == accent
        assert "#" + accent.lower() in course.theme.colors()


def test_lecture_ids_written_in_topic_yaml_are_checked_where_they_are_written(tmp_path):
    path = tmp_path / "topic.yaml"
    head = 'title: "T"\nauthor: "A"\noutline:\n  - title: S\n    id: 01-s\n    lectures:\n'
    path.write_text(head + "      - title: L\n        id: Bad Id\n")
    with pytest.raises(ConfigError) as err:
        load_topic(path)
    assert f"{path}:8: outline.0.lectures.0.id: string should match pattern" in str(err.value)
    path.write_text(head + "      - title: L\n        id: 02-01-l\n")
    with pytest.raises(ConfigError) as err:
        load_topic(path)
    assert "lecture id '02-01-l' must start with '01-', its section's number" in str(err.value)

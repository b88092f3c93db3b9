"""Build steps: where each part of a slide appears, from markers or from the words."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import builds
from pipeline.errors import InputError
from pipeline.slides import parse_text, render_text
from pipeline.stages.narration import _parts

BULLETS = (
    "## [bullets] Parts\n- Expression\n  - computes the value\n- For clause\n- Filter clause\n"
)


def _slide(text: str):
    return parse_text(text, Path("slides/01-01-x.md"))[0]


def test_markers_between_and_inside_sentences_are_taken_out_and_placed():
    s = _slide(
        BULLETS + "\nNote:\n[>] First the expression. Then [>] the for clause, [>] the filter.\n"
    )
    assert s.note == "First the expression. Then the for clause, the filter."
    assert [s.note[a:] for a in s.marks] == [s.note, "the for clause, the filter.", "the filter."]
    assert builds.anchors(s) == s.marks
    # the voice cuts its sentences at the markers inside them, and only there
    assert [(text, joined) for _, text, joined in _parts(s.note, s.marks)] == [
        ("First the expression.", False),
        ("Then", False),
        ("the for clause,", True),
        ("the filter.", True),
    ]
    assert "[>] First the expression. Then [>] the for clause, [>] the filter." in render_text([s])


def test_without_markers_each_item_appears_where_a_sentence_introduces_it():
    note = (
        "A comprehension has three parts. The filter clause keeps some items, but first "
        "the expression computes each value. The for clause walks over the iterable. "
        "Finally the filter clause keeps only some items."
    )
    s = _slide(BULLETS + f"\nNote:\n{note}\n")
    starts = [s.note[a:].split(".")[0] for a in builds.anchors(s)]
    # in order, each at the sentence sharing the most words with it
    assert starts == [
        "The filter clause keeps some items, but first the expression computes each value",
        "The for clause walks over the iterable",
        "Finally the filter clause keeps only some items",
    ]


def test_no_shared_words_fall_back_to_evenly_spaced_sentences():
    s = _slide(BULLETS + "\nNote:\nOne. Two. Three. Four. Five. Six.\n")
    assert [s.note[a:][:4] for a in builds.anchors(s)] == ["One.", "Thre", "Five"]


def test_a_one_sentence_note_still_gets_its_items_in_order():
    s = _slide(BULLETS + "\nNote:\nWe look at the expression, the for clause and the filter.\n")
    at = builds.anchors(s)
    assert at == sorted(at) and len(set(at)) == 3 and at[0] == 0


def test_more_items_than_sentences_spread_over_the_words():
    items = "\n".join(f"- item {i}" for i in range(6))
    s = _slide(f"## [bullets] Many\n{items}\n\nNote:\nSix items. Here they come in turn.\n")
    at = builds.anchors(s)
    assert len(at) == 6 and at == sorted(at) and len(set(at)) == 6


def test_code_steps_from_highlight_markers_or_blocks():
    code = "## [code] Sum\n```python\na = 1\nb = 2\n\nc = a + b\nprint(c)\n```\n"
    s = _slide(code + "\nNote:\n[>1-2] Two names, [>4] their sum [>5] printed.\n")
    assert s.highlight == [[1, 2], [4], [5]] and s.note == "Two names, their sum printed."
    plain = _slide(code + "\nNote:\nWe set a and b. Then we add them and print c.\n")
    assert builds.code_steps(plain) == [[1, 2], [4, 5]]  # its blocks
    listed = _slide(code + "@highlight: 1, 4-5\n\nNote:\nNames. Sum.\n")
    assert listed.highlight == [[1], [4, 5]]
    again = _slide(render_text([s]))
    assert (again.highlight, again.note, again.marks) == (s.highlight, s.note, s.marks)


def test_build_off_shows_the_slide_whole():
    s = _slide(BULLETS + "@build: off\n\nNote:\n[>] One. [>] Two. [>] Three.\n")
    assert builds.groups(s) == [] and s.marks == [] and s.note == "One. Two. Three."


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (BULLETS + "\nNote:\n[>] One. [>] Two.\n", "3 build steps but 2 [>] markers"),
        ("## [title] T\n\nNote:\n[>] Hello.\n", "a `title` slide has no build steps"),
        (
            "## [code] C\n@highlight: 1, 9\n```python\nx = 1\n```\n\nNote:\nX.\n",
            "names a line after the last (1)",
        ),
        (
            "## [code] C\n@highlight: one\n```python\nx = 1\n```\n\nNote:\nX.\n",
            "'one' is not a line",
        ),
        (BULLETS + "@build: maybe\n\nNote:\nHi.\n", "@build is `on` or `off`"),
    ],
)
def test_bad_steps_name_the_file_and_line(text, said):
    with pytest.raises(InputError) as e:
        _slide(text)
    assert said in e.value.message and e.value.message.startswith("slides/01-01-x.md:")


def test_a_continuation_page_shows_earlier_steps_at_once():
    # groups 2 and 3 are on a page whose narration starts at offset 50
    states = builds.states({2: 40, 3: 70}, 50)
    assert [(s.at, sorted(s.shown), s.current) for s in states] == [
        (50, [2], 2),
        (70, [2, 3], 3),
    ]

"""Finding the blocks of a lecture or slide script: which output block belongs to which
code, and the directives that say how a block runs (no sandbox: plain parsing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.code.blocks import find
from pipeline.errors import InputError

LECTURE = Path("courses/example/lectures/zz-planted.md")
SLIDES = Path("courses/example/slides/zz-planted.md")
F = "```"


def blocks(text: str, path: Path = LECTURE):
    return find(path, text.replace("''''", "````").replace("'''", F))


def test_an_output_block_after_an_output_line_belongs_to_the_code_before_it():
    text = """\
'''python
print("hello")
'''

Output:

'''
hello
'''

'''python
print(1)
'''

It prints:

'''python
1
'''
"""
    first, second = blocks(text)
    assert (first.line, first.language, first.code) == (1, "python", 'print("hello")')
    assert first.expected is not None
    assert (first.expected.text, first.expected.line) == ("hello", 8)  # its first text line
    assert second.expected is not None and second.expected.text == "1"  # any language


def test_a_text_block_right_after_code_is_its_output_but_not_after_prose():
    text = """\
'''python
print(2)
'''

'''text
2
'''

'''python
print(3)
'''

Some prose in between.

'''output
3
'''
"""
    found = blocks(text)
    assert [(b.line, b.language) for b in found] == [(1, "python"), (9, "python"), (15, "output")]
    assert found[0].expected is not None and found[0].expected.line == 6
    assert found[1].expected is None  # the prose breaks the link: a block of its own


def test_directives_above_a_fence_in_a_comment_or_in_the_info_string():
    text = """\
@run: no
'''python
skipped_on_purpose()
'''

<!-- @run: fresh -->
'''python
starts_over()
'''

'''python run=no
also_skipped()
'''

@output: run
'''python
print("shown in the book")
'''

@run: no

A paragraph between a directive and the fence cancels it.

'''python
runs()
'''
"""
    found = blocks(text)
    assert [(b.line, b.run, b.fill) for b in found] == [
        (2, "no", False),
        (7, "fresh", False),
        (11, "no", False),
        (16, "yes", True),
        (24, "yes", False),
    ]


def test_an_unknown_directive_value_is_an_error_at_its_line():
    with pytest.raises(InputError) as err:
        blocks("# T\n\n@run: maybe\n'''python\nx = 1\n'''\n")
    assert err.value.format_message() == (
        f"{LECTURE}:3: @run is `yes`, `no` or `fresh`, not 'maybe'"
    )
    with pytest.raises(InputError) as err:
        blocks("'''python run=later\nx = 1\n'''\n")
    assert f"{LECTURE}:1: @run is `yes`, `no` or `fresh`, not 'later'" in str(err.value)


def test_a_code_slides_directive_may_follow_its_block_within_the_slide():
    text = """\
## [code] One
'''python
x = 1
'''
@run: no
@caption: not run

---

## [code] Two
'''python
y = x
'''
"""
    one, two = blocks(text, SLIDES)
    assert (one.line, one.run) == (2, "no")
    assert (two.line, two.run) == (11, "yes")  # a new slide starts without directives


def test_fences_of_tildes_longer_fences_and_output_placeholders():
    text = """\
~~~python
print(1)
~~~
<!-- output -->

''''markdown
'''python
not a block of its own
'''
''''
"""
    found = blocks(text)
    assert [(b.line, b.language, b.placeholder, b.end) for b in found] == [
        (1, "python", 4, 3),
        (6, "markdown", 0, 10),
    ]
    assert found[1].code == "'''python\nnot a block of its own\n'''".replace("'''", F)

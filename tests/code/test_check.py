"""The code check's report on planted lectures: each wrong claim, output block and
exception at the file:line a person fixes, sessions and skips as listed, other languages,
the clean example, the cache, and `lectern check-code`."""

from __future__ import annotations

import shutil

import pytest
import yaml

from pipeline.code import sandbox
from pipeline.course import Course
from tests.code import (
    REL,
    check_paths,
    code_project,
    exact_line,
    line_of,
    outcome_at,
    plant,
    report_lines,
)
from tests.conftest import run_cli

F = "```"

# One lecture with a planted problem (and a few right claims) of each kind Python has.
PYTHON = """\
# Planted: Python claims

'''python
xs = [7, -2, 15, 4]
print([n for n in xs if n > 0])  # [7, 15, 5]
[n for n in xs if n > 0]  # [7, 15, 5]
print(len(xs))  # 4
sorted(xs)  # -> [-2, 4, 7, 15]
xs.copy()  # a copy, not a claim
'''

'''python
>>> sorted(xs)
[-2, 4, 7, 16]
>>> len(xs)
4
'''

'''python
print("hello")
print(len(xs))
'''

Output:

'''
hello
5
'''

'''python
print(sorted(xs))
'''

'''text
[-2, 4, 7, 16]
'''

'''python
print("right")
'''

'''text
right
'''

'''python
def mean(values):
    return sum(values) / len(values)

mean([])
'''

'''python
x = int("42")  # raises ValueError
y = int("forty-two")  # raises ValueError
z = int("abc")  # raises ValueError: invalid literal for int() with base 10: 'abc'
w = int("abc")  # raises TypeError
print("after the raises")
'''

'''python
int("x")
'''

'''text
Traceback (most recent call last):
  ...
ValueError: invalid literal for int() with base 10: 'x'
'''

'''python
int("7")
'''

'''text
Traceback (most recent call last):
  ...
ValueError: invalid literal for int() with base 10: 'x'
'''

'''python
kept = "from an earlier block"
'''

'''python
print(kept)  # from an earlier block
'''

@run: fresh
'''python
print(kept)
'''

'''python
again = 1
'''

'''python
print(again)  # 1
'''

'''python run=fresh
print(again)
'''

@run: no
'''python
import does_not_exist
'''

'''rust
fn main() {}
'''

'''json
{"a": 1,}
'''

'''json
{"a": 1}
'''

'''yaml
name: x
list: [1, 2
other: 3
'''

'''toml
[tool]
name = "x"
bad = = 2
'''
""".replace("'''", F)


@pytest.fixture(scope="module")
def python_run(tmp_path_factory):
    """One check of the planted Python lecture (about 0.1 s of sandbox)."""
    root = code_project(tmp_path_factory.mktemp("code") / "proj")
    path = plant(root, PYTHON)
    report = check_paths(root, [path])
    return report, path


def at(needle: str, message: str, nth: int = 1) -> str:
    return f"  {REL}:{line_of(PYTHON, needle, nth)}: {message}"


def test_a_wrong_trailing_comment_is_reported_at_its_line(python_run):
    report, path = python_run
    lines = report_lines(report)
    assert at("print([n for n", "expected [7, 15, 5], got [7, 15, 4]") in lines
    assert at("[n for n in xs if n > 0]  #", "expected [7, 15, 5], got [7, 15, 4]") in lines
    assert f"  {REL}:5: expected [7, 15, 5], got [7, 15, 4]" in lines  # counted by hand
    assert f"  {REL}:6: expected [7, 15, 5], got [7, 15, 4]" in lines
    # the right claims (`# 4`, `# -> [...]`) and a remark are not reported
    first = outcome_at(report, path, 3)
    assert [f.line for f in first.findings] == [5, 6]
    assert first.status == "failed"


def test_a_wrong_doctest_is_reported_at_its_prompt(python_run):
    report, path = python_run
    assert at(">>> sorted(xs)", "expected [-2, 4, 7, 16], got [-2, 4, 7, 15]") in report_lines(
        report
    )
    doctest = outcome_at(report, path, line_of(PYTHON, ">>> sorted(xs)"))
    assert [f.line for f in doctest.findings] == [line_of(PYTHON, ">>> sorted(xs)")]


def test_a_wrong_output_block_is_reported_at_its_first_line_with_both_outputs(python_run):
    report, _ = python_run
    first = exact_line(PYTHON, "hello")
    assert (
        f"  {REL}:{first}: the output block differs from what the code printed\n"
        "      the output block says:\n"
        "          | hello\n"
        "          | 5\n"
        "      but the code printed:\n"
        "          | hello\n"
        "          | 4\n"
    ) in report.text()
    text_block = exact_line(PYTHON, "[-2, 4, 7, 16]", nth=2)  # the ```text right after
    assert f"  {REL}:{text_block}: expected [-2, 4, 7, 16], got [-2, 4, 7, 15]" in report_lines(
        report
    )


def test_a_right_output_block_passes(python_run):
    report, path = python_run
    right = outcome_at(report, path, line_of(PYTHON, 'print("right")'))
    assert (right.status, right.findings, right.stdout) == ("passed", [], "right\n")


def test_an_unexpected_exception_shows_the_courses_own_traceback(python_run):
    report, path = python_run
    raise_line = line_of(PYTHON, "return sum(values)")
    call_line = line_of(PYTHON, "mean([])")
    assert at("return sum(values)", "ZeroDivisionError: division by zero") in report_lines(report)
    (finding,) = outcome_at(report, path, line_of(PYTHON, "def mean")).findings
    detail = finding.detail.splitlines()
    assert detail[0] == "Traceback (most recent call last):"
    assert f'  File "{REL}", line {call_line}, in <module>' in detail
    assert "    mean([])" in detail
    assert f'  File "{REL}", line {raise_line}, in mean' in detail
    assert "    return sum(values) / len(values)" in detail
    assert detail[-1] == "ZeroDivisionError: division by zero"
    assert [t for t in detail if t.lstrip().startswith("File ")] == [
        f'  File "{REL}", line {call_line}, in <module>',
        f'  File "{REL}", line {raise_line}, in mean',
    ]  # nothing of Lectern's: no pyrunner.py, no /lectern, no pipeline/
    assert "pyrunner" not in report.text() and "/lectern" not in report.text()


def test_expected_exceptions(python_run):
    report, path = python_run
    lines = report_lines(report)
    assert at('x = int("42")', "expected ValueError to be raised, but nothing was") in lines
    assert (
        at(
            'w = int("abc")',
            "expected TypeError, got ValueError: invalid literal for int() with base 10: 'abc'",
        )
        in lines
    )
    block = outcome_at(report, path, line_of(PYTHON, 'x = int("42")'))
    assert [f.line for f in block.findings] == [
        line_of(PYTHON, 'x = int("42")'),
        line_of(PYTHON, 'w = int("abc")'),
    ]  # the two that raise as they say pass, and the block goes on after them
    assert block.stdout == "after the raises\n"


def test_a_traceback_in_the_output_block_is_the_expected_exception(python_run):
    report, path = python_run
    shown = outcome_at(report, path, line_of(PYTHON, 'int("x")'))
    assert (shown.status, shown.findings) == ("passed", [])
    not_raised = line_of(PYTHON, "Traceback (most recent call last):", nth=2)
    assert (
        f"  {REL}:{not_raised}: expected ValueError: invalid literal for int() with base 10: "
        "'x', but nothing was raised"
    ) in report_lines(report)


def test_blocks_share_a_session_until_run_fresh(python_run):
    report, path = python_run
    lines = report_lines(report)
    later = outcome_at(report, path, line_of(PYTHON, "print(kept)  #"))
    assert (later.status, later.stdout) == ("passed", "from an earlier block\n")
    fresh = line_of(PYTHON, "print(kept)", nth=2)
    assert f"  {REL}:{fresh}: NameError: name 'kept' is not defined" in lines
    assert outcome_at(report, path, line_of(PYTHON, "print(again)  #")).status == "passed"
    flag = line_of(PYTHON, "print(again)", nth=2)  # ```python run=fresh
    assert f"  {REL}:{flag}: NameError: name 'again' is not defined" in lines
    assert report.sessions == 3


def test_skipped_blocks_are_listed_with_the_reason(python_run):
    report, _ = python_run
    lines = report_lines(report)
    assert f"  {REL}:{line_of(PYTHON, 'import does_not_exist') - 1}: skipped: @run: no" in lines
    assert (
        f"  {REL}:{line_of(PYTHON, '```rust')}: skipped: rust is not run (Lectern runs python, "
        "sql (SQLite), sh/bash, javascript (node); json, yaml and toml are parsed)"
    ) in lines


def test_invalid_json_yaml_and_toml_are_reported_at_their_line(python_run):
    report, path = python_run
    lines = report_lines(report)
    assert (
        at('{"a": 1,}', "invalid JSON: Expecting property name enclosed in double quotes") in lines
    )
    assert at("other: 3", "invalid YAML: expected ',' or ']', but got ':'") in lines
    assert at("bad = = 2", "invalid TOML: Invalid value") in lines
    good = outcome_at(report, path, line_of(PYTHON, '{"a": 1}'))
    assert (good.status, good.findings) == ("parsed", [])


def test_the_tally_counts_every_block(python_run):
    report, _ = python_run
    last = report_lines(report)[-1]
    assert last.startswith(
        "21 code blocks in 1 file: 6 passed, 1 parsed, 12 failed, 2 skipped; 3 sessions "
        "(0 from the cache) in "
    )
    assert report.failed


LANGUAGES = """\
# Planted: SQL, shell and JavaScript

'''sql
CREATE TABLE t (n INTEGER, name TEXT);
INSERT INTO t VALUES (1, 'a'), (2, NULL);
SELECT n, name FROM t;
'''

'''text
1|a
2|
'''

'''sql
SELECT n * 10 FROM t;
'''

Output:

'''
10
30
'''

'''sql
SELECT * FROM missing;
'''

'''bash
x=5
echo "x is $x"
'''

'''text
x is 5
'''

'''bash
echo "still $x"
'''

'''text
still 6
'''

'''bash
ls /no/such/folder
'''

'''console
$ echo hi
hi
$ echo there
where
'''

'''javascript
const ys = [1, 2, 3];
console.log(ys.map((y) => y * 2));
'''

'''text
[ 2, 4, 6 ]
'''

'''javascript
console.log(ys.length);
'''

'''text
4
'''

'''javascript
const none = null;
none.field;
'''
""".replace("'''", F)


@pytest.fixture(scope="module")
def languages_run(tmp_path_factory):
    root = code_project(tmp_path_factory.mktemp("code") / "proj")
    path = plant(root, LANGUAGES)
    return check_paths(root, [path]), path


def lang_at(needle: str, message: str, nth: int = 1) -> str:
    return f"  {REL}:{line_of(LANGUAGES, needle, nth)}: {message}"


def test_sql_blocks_with_output_blocks(languages_run):
    report, path = languages_run
    lines = report_lines(report)
    right = outcome_at(report, path, 3)
    assert (right.status, right.stdout) == ("passed", "1|a\n2|\n")
    assert (
        f"  {REL}:{exact_line(LANGUAGES, '10')}: the output block differs from what the code "
        "printed"
    ) in lines
    assert "          | 30" in lines and "          | 20" in lines
    assert lang_at("FROM missing", "OperationalError: no such table: missing") in lines


@pytest.mark.skipif(not shutil.which("bash"), reason="bash is not installed")
def test_shell_blocks_with_output_blocks(languages_run):
    report, path = languages_run
    lines = report_lines(report)
    right = outcome_at(report, path, line_of(LANGUAGES, "x=5"))
    assert (right.status, right.stdout) == ("passed", "x is 5\n")
    assert f"  {REL}:{exact_line(LANGUAGES, 'still 6')}: expected still 6, got still 5" in lines
    failing = lines.index(lang_at("ls /no/such", "ExitStatus: exit status 2"))
    assert "No such file or directory" in lines[failing + 1]  # what the shell said
    transcript = line_of(LANGUAGES, "$ echo hi")
    assert f"  {REL}:{transcript}: the output block differs from what the code printed" in lines
    assert "          | where" in lines and "          | there" in lines


@pytest.mark.skipif(not shutil.which("node"), reason="node is not installed")
def test_javascript_blocks_with_output_blocks(languages_run):
    report, path = languages_run
    lines = report_lines(report)
    right = outcome_at(report, path, line_of(LANGUAGES, "const ys"))
    assert (right.status, right.stdout) == ("passed", "[ 2, 4, 6 ]\n")
    assert f"  {REL}:{exact_line(LANGUAGES, '4')}: expected 4, got 3" in lines
    error = lang_at("none.field", "TypeError: Cannot read properties of null (reading 'field')")
    assert error in lines
    (finding,) = outcome_at(report, path, line_of(LANGUAGES, "const none")).findings
    assert f"at {REL}:{line_of(LANGUAGES, 'none.field')}:" in finding.detail
    assert "noderunner" not in report.text()


def test_the_clean_example_passes(project):
    course = Course.load("example", project)
    ids = course.lecture_ids()
    paths = [course.lecture_path(i) for i in ids] + [course.slides_path(i) for i in ids]
    report = check_paths(project, paths)
    assert not report.failed, report.text()
    outcomes = [o for found in report.outcomes.values() for o in found]
    assert len(outcomes) > 100
    assert {o.status for o in outcomes} == {"passed"}, report.text()
    assert report_lines(report)[-1].startswith(f"{len(outcomes)} code blocks in ")
    assert f"{len(outcomes)} passed, 0 failed;" in report_lines(report)[-1]


CACHED = """\
# Planted: the cache

'''python
print(sum(range(5)))
'''

'''text
10
'''

'''sql
SELECT 1 + 1;
'''

'''text
2
'''

'''bash
echo cached
'''
""".replace("'''", F)


def test_a_rerun_is_answered_from_the_cache_and_compared_again(tmp_path, monkeypatch):
    root = code_project(tmp_path / "proj")
    path = plant(root, CACHED)
    first = check_paths(root, [path])
    assert not first.failed and first.cached == 0 and first.sessions == 3
    assert list((root / "output/.cache/code").glob("*.json"))

    def no_sandbox(*_args):
        raise AssertionError("an unchanged session ran again")

    monkeypatch.setattr(sandbox, "run_session", no_sandbox)
    again = check_paths(root, [path])
    assert again.cached == again.sessions == 3 and not again.failed
    assert report_lines(again)[-1].startswith(
        "3 code blocks in 1 file: 3 passed, 0 failed; 3 sessions (3 from the cache) in "
    )
    assert [o.stdout for o in again.outcomes[path]] == [o.stdout for o in first.outcomes[path]]
    # An output block is not part of what runs: edited, it is compared with the cached run.
    path.write_text(CACHED.replace("10\n", "11\n"), encoding="utf-8")
    edited = check_paths(root, [path])
    assert edited.cached == 3
    assert f"  {REL}:8: expected 11, got 10" in report_lines(edited)


def plant_in_outline(root, text: str) -> None:
    """A failing lecture in the course's outline (its slide script is optional)."""
    outline_path = root / "courses/example/outline.yaml"
    outline = yaml.safe_load(outline_path.read_text(encoding="utf-8"))
    first = outline["sections"][0]["lectures"][0]
    outline["sections"][0]["lectures"].append(dict(first, id="01-99-planted", title="Planted"))
    outline_path.write_text(yaml.safe_dump(outline, sort_keys=False), encoding="utf-8")
    plant(root, text, "01-99-planted")


def test_check_code_fails_with_the_file_and_line(small_project):
    text = "# Planted\n\n'''python\nprint(sorted({3, 1, 2}))  # [1, 2, 4]\n'''\n".replace("'''", F)
    plant_in_outline(small_project, text)
    done = run_cli(small_project, "check-code", "example")
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        "  courses/example/lectures/01-99-planted.md:4: expected [1, 2, 4], got [1, 2, 3]"
        in done.stdout.splitlines()
    )
    assert "error: code check failed" in done.stderr
    only = run_cli(small_project, "check-code", "example", "--lecture", "01-01-why-comprehensions")
    assert only.returncode == 0, only.stdout + only.stderr
    assert "01-99-planted" not in only.stdout


def test_check_code_passes_on_the_clean_course(small_project):
    done = run_cli(small_project, "check-code", "example")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("code check (bubblewrap ")
    assert "  courses/example/lectures/01-01-why-comprehensions.md: " in "\n".join(lines)
    assert " 0 failed;" in lines[-1]


def test_a_toml_error_on_the_last_line_is_reported_there(tmp_path):
    root = code_project(tmp_path / "proj")
    text = "# T\n\n'''toml\n[tool]\nname = \"x\"\nbad =\n'''\n".replace("'''", F)
    path = plant(root, text)
    report = check_paths(root, [path])
    assert report.sessions == 0  # parsed, nothing ran
    assert f"  {REL}:6: invalid TOML: Invalid value" in report_lines(report)

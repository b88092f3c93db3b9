"""The code check on a lecture with one planted error of each kind, run once in the real
sandbox: each is reported at its file:line, and nothing gets out."""

from __future__ import annotations

import os
import shutil
import socket
import textwrap

import pytest
import yaml

from pipeline.code import check, sandbox
from pipeline.course import Course
from pipeline.errors import ToolMissing
from tests.conftest import make_project, run_cli

PLANTED = """\
# Planted errors

```python
xs = [7, -2, 15, 4]
print([n for n in xs if n > 0])  # [7, 15, 5]
[n for n in xs if n > 0]  # [7, 15, 5]
```

```python
>>> sorted(xs)
[-2, 4, 7, 16]
```

```python
print("hello")
print(len(xs))
```

Output:

```
hello
5
```

```python
total = sum(xs) / 0
```

```python
value = int("42")  # raises ValueError
```

```python
while True:
    pass
```

```python
big = bytearray(4 * 1024**3)
```

```python
open("{escape}", "w").write("out")
```

```python
import socket
socket.create_connection(("127.0.0.1", {port}), timeout=2)
```

```python
import os
print(sorted(os.environ), os.getuid())
open("mine.txt", "w").write("kept")
```

```python
print(open("mine.txt").read())  # kept
```

@run: fresh
```python
print(xs)
```

```sql
CREATE TABLE t (n INTEGER);
INSERT INTO t VALUES (1), (2);
SELECT n * 10 FROM t;
```

```output
10
30
```

```json
{{"a": 1,}}
```

```rust
fn main() {{}}
```

@run: no
```python
import does_not_exist
```
"""


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """The report of the planted lecture (the loop costs the 2 s limit once)."""
    root = make_project(tmp_path_factory.mktemp("code") / "proj")
    topic = root / "courses/example/topic.yaml"
    data = yaml.safe_load(topic.read_text())
    data["code"] = {"time_s": 2}
    topic.write_text(yaml.safe_dump(data, sort_keys=False))
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.5)
    escape = root / "escaped.txt"
    text = PLANTED.format(escape=escape, port=listener.getsockname()[1])
    path = root / "courses/example/lectures/zz-planted.md"
    path.write_text(text)
    old = os.environ.get("OPENAI_API_KEY")
    os.environ["OPENAI_API_KEY"] = "sk-planted-secret"
    try:
        report = check.check_files(Course.load("example", root), [path])
    finally:
        os.environ.pop("OPENAI_API_KEY")
        if old is not None:
            os.environ["OPENAI_API_KEY"] = old
    try:
        listener.accept()
        reached = True
    except TimeoutError:
        reached = False
    listener.close()
    return {
        "report": report,
        "text": report.text(),
        "lecture": text,
        "root": root,
        "reached": reached,
        "escape": escape,
        "path": path,
    }


def at(planted, needle: str) -> str:
    return f"courses/example/lectures/zz-planted.md:{line_of(planted['lecture'], needle)}: "


def test_wrong_claims_are_reported_at_their_line(planted):
    text = planted["text"]
    assert at(planted, "print([n for n") + "expected [7, 15, 5], got [7, 15, 4]" in text
    assert (
        at(planted, "[n for n in xs if n > 0]  #") + "expected [7, 15, 5], got [7, 15, 4]" in text
    )
    assert at(planted, ">>> sorted") + "expected [-2, 4, 7, 16], got [-2, 4, 7, 15]" in text
    out = [i for i, t in enumerate(planted["lecture"].splitlines(), 1) if t == "hello"][0]
    assert f"zz-planted.md:{out}: the output block differs from what the code printed" in text
    assert "    | 5\n" in text and "    | 4\n" in text


def test_exceptions_show_the_courses_own_traceback(planted):
    text = planted["text"]
    assert at(planted, "total = sum(xs) / 0") + "ZeroDivisionError: division by zero" in text
    assert 'File "courses/example/lectures/zz-planted.md", line' in text
    assert "pyrunner" not in text and "pipeline/" not in text
    assert at(planted, 'int("42")') + "expected ValueError to be raised, but nothing was" in text


def test_limits_stop_a_forever_loop_and_a_4_gb_allocation(planted):
    text = planted["text"]
    assert at(planted, "while True") + "ran over the 2 s time limit and was stopped" in text
    assert at(planted, "bytearray") + "MemoryError (the block went over its 1024 MB" in text


def test_nothing_gets_out_of_the_sandbox(planted):
    text = planted["text"]
    assert at(planted, 'open("') + "FileNotFoundError" in text  # the project is not there
    assert not planted["escape"].exists()
    assert at(planted, "create_connection") in text and "Error" in text
    assert not planted["reached"]  # the server on 127.0.0.1 never saw a connection
    env = next(o for o in planted["report"].outcomes[planted["path"]] if "getuid" in o.block.code)
    assert "OPENAI_API_KEY" not in env.stdout and "sk-planted" not in text
    if os.geteuid() == 0:
        assert env.stdout.strip().endswith("65534")  # nobody, not root
    assert "as user nobody" in text.splitlines()[0] or os.geteuid() != 0


def test_sessions_skips_and_parsed_languages(planted):
    text = planted["text"]
    assert at(planted, "print(open(") not in text  # the file an earlier block wrote is there
    assert at(planted, "print(xs)") + "NameError: name 'xs' is not defined" in text  # fresh
    assert "expected 10 30" not in text
    sql = [i for i, t in enumerate(planted["lecture"].splitlines(), 1) if t == "10"][0]
    assert f"zz-planted.md:{sql}: the output block differs" in text
    assert at(planted, '{"a": 1,}') + "invalid JSON" in text
    rust = line_of(planted["lecture"], "```rust")
    assert f"zz-planted.md:{rust}: skipped: rust is not run (Lectern runs python" in text
    assert "skipped: @run: no" in text
    assert text.splitlines()[-1].startswith(
        "16 code blocks in 1 file: 2 passed, 12 failed, 2 skipped"
    )


def test_a_rerun_is_answered_from_the_cache(project, monkeypatch):
    course = Course.load("example")
    paths = [course.lecture_path(lec.id) for lec in course.outline.lectures]
    paths += [course.slides_path(lec.id) for lec in course.outline.lectures]
    first = check.check_files(course, paths)
    assert not first.failed
    assert all(o.status == "passed" for os_ in first.outcomes.values() for o in os_)
    assert sum(len(v) for v in first.outcomes.values()) == 119  # the whole example runs

    def no_run(*_args):
        raise AssertionError("an unchanged course ran its code again")

    monkeypatch.setattr(sandbox, "run_session", no_run)
    again = check.check_files(course, paths)
    assert again.cached == again.sessions == first.sessions and not again.failed


def test_without_bubblewrap_it_refuses_unless_asked(project, tmp_path, monkeypatch):
    bare = tmp_path / "bin"
    bare.mkdir()
    for tool in ("bash", "node", "sh", "setpriv"):
        if shutil.which(tool):
            (bare / tool).symlink_to(shutil.which(tool))
    monkeypatch.setenv("PATH", str(bare))
    sandbox._bwrap_problem.cache_clear()
    try:
        with pytest.raises(ToolMissing) as err:
            check.check_files(
                Course.load("example"), [Course.load("example").lecture_path("01-00-welcome")]
            )
        message = err.value.format_message()
        assert "bubblewrap (`bwrap`) is not installed" in message
        assert "apt-get install bubblewrap" in message and "UNSAFE_LOCAL=1" in message
    finally:
        sandbox._bwrap_problem.cache_clear()
    done = run_cli(
        project,
        "check-code",
        "example",
        "--lecture",
        "01-00-welcome",
        "--unsafe-local",
        env={"PATH": str(bare)},
    )
    assert done.returncode == 0, done.stderr
    assert "code check (NONE: run on this machine without a sandbox" in done.stdout


def test_check_code_exits_non_zero_on_a_failure(small_project):
    path = small_project / "courses/example/lectures/01-01-why-comprehensions.md"
    path.write_text(path.read_text().replace("# [5.0, 12.5]", "# [5.0, 12.6]"))
    done = run_cli(small_project, "check-code", "example")
    assert done.returncode == 1
    assert "01-01-why-comprehensions.md:47: expected [5.0, 12.6], got [5.0, 12.5]" in done.stdout
    assert textwrap.dedent("code check failed") in done.stderr

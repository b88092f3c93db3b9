"""What the sandbox lets a course's code do: run out its time or memory, write outside
its folder, reach the network, read the machine's secrets, run as root; and what happens
without bubblewrap."""

from __future__ import annotations

import ast
import os
import re
import shutil
import socket
import sys

import pytest

from pipeline.code import sandbox
from pipeline.errors import ToolMissing
from tests.code import (
    REL,
    check_paths,
    code_project,
    line_of,
    outcome_at,
    plant,
    report_lines,
)
from tests.conftest import run_cli

F = "```"
ESCAPE_SYSTEM = "/usr/lib/zz-lectern-escape.txt"
OUTSIDE = (ESCAPE_SYSTEM, "/zz-lectern-escape.txt")  # removed at once if a block got out

PLANTED = """\
# Planted: the sandbox

'''python
before = "set before the loop"
while True:
    pass
'''

'''python
print(before)  # set before the loop
print("after the loop")  # after the loop? no
'''

'''python
big = bytearray(4 * 1024**3)
'''

'''python
print(len(bytearray(10 * 1024**2)))  # 10485760
'''

'''python
open({escape_root!r}, "w").write("out")
'''

'''python
open({escape_system!r}, "w").write("out")
'''

'''python
open("/zz-lectern-escape.txt", "w").write("out")
'''

'''python
with open("mine.txt", "w") as f:
    f.write("kept in the block's own folder")
'''

'''python
print(open("mine.txt").read())  # kept in the block's own folder
'''

'''python
import socket
socket.create_connection(("127.0.0.1", {port}), timeout=2)
'''

'''python
import os
print(sorted(os.environ))
'''

'''python
print(os.getuid())
'''

'''bash
ulimit -v
'''

'''text
{memory_kb}
'''

'''javascript
const buffer = Buffer.alloc(4 * 1024 ** 3);
console.log(buffer.length);
'''

'''python
import sys
print(sys.stdin.closed)
name = input()  # raises EOFError
'''
""".replace("'''", F)


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """One check of the planted lecture, with a secret in the environment and a server on
    127.0.0.1 that the code tries to reach (the loop costs the 2 s limit once)."""
    root = code_project(tmp_path_factory.mktemp("code") / "proj", time_s=2)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    escape_root = root / "escaped.txt"
    text = PLANTED.format(
        escape_root=str(escape_root),
        escape_system=ESCAPE_SYSTEM,
        port=listener.getsockname()[1],
        memory_kb=1024 * 1024,
    )
    path = plant(root, text)
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("OPENAI_API_KEY", "sk-planted-secret-value")
            mp.setenv("LECTERN_PLANTED_TOKEN", "planted-token-value")
            report = check_paths(root, [path])
        listener.settimeout(0.5)
        try:
            listener.accept()[0].close()
            reached = True
        except TimeoutError:
            reached = False
    finally:
        listener.close()
        escaped = [str(p) for p in (escape_root, *OUTSIDE) if os.path.exists(p)]
        for p in escaped:
            os.unlink(p)
    return {
        "report": report,
        "lines": report_lines(report),
        "text": text,
        "path": path,
        "reached": reached,
        "escaped": escaped,
        "escape_root": escape_root,
    }


def at(planted, needle: str, message: str) -> str:
    return f"  {REL}:{line_of(planted['text'], needle)}: {message}"


def block(planted, needle: str):
    return outcome_at(planted["report"], planted["path"], line_of(planted["text"], needle))


def test_a_block_that_loops_forever_is_stopped_and_the_next_blocks_run(planted):
    stopped = at(planted, "before = ", "ran over the 2 s time limit and was stopped")
    assert stopped in planted["lines"]  # at the block's first line of code
    after = block(planted, "print(before)")
    assert after.status == "failed" and after.stdout == "set before the loop\nafter the loop\n"
    assert [f.line for f in after.findings] == [line_of(planted["text"], "after the loop? no")]
    assert block(planted, "10 * 1024**2").status == "passed"


def test_a_4_gb_allocation_hits_the_memory_limit(planted):
    message = "MemoryError (the block went over its 1024 MB memory limit)"
    assert at(planted, "bytearray(4 * 1024**3)", message) in planted["lines"]


def test_writing_outside_its_folder_fails_and_leaves_nothing(planted):
    assert planted["escaped"] == []  # neither the project nor the machine got a file
    wanted = {  # the line that writes: the error it gets, on the path it wrote
        "escaped.txt": ("(FileNotFoundError|PermissionError)", planted["escape_root"]),
        ESCAPE_SYSTEM: (
            r"(OSError: \[Errno 30\] Read-only file system|PermissionError)",
            ESCAPE_SYSTEM,
        ),
    }
    if os.geteuid() == 0:  # as nobody, not even the sandbox's own / is writable
        wanted['open("/zz-lectern'] = (r"PermissionError: \[Errno 13\]", OUTSIDE[1])
    for needle, (error, path) in wanted.items():
        (finding,) = block(planted, needle).findings
        assert finding.line == line_of(planted["text"], needle)
        assert re.match(error, finding.message), finding.message
        assert finding.message.endswith(f"'{path}'"), finding.message


def test_a_file_written_in_its_own_folder_is_there_for_the_next_block(planted):
    assert block(planted, 'open("mine.txt", "w")').status == "passed"
    reader = block(planted, 'print(open("mine.txt")')
    assert (reader.status, reader.stdout) == ("passed", "kept in the block's own folder\n")


def test_the_network_is_not_there(planted):
    (finding,) = block(planted, "socket.create_connection").findings
    assert finding.line == line_of(planted["text"], "socket.create_connection")
    assert re.match(r"(ConnectionRefusedError|OSError|TimeoutError)\b", finding.message)
    assert not planted["reached"]  # the server on 127.0.0.1 never saw a connection


def test_the_environment_holds_no_secrets(planted):
    env = block(planted, "sorted(os.environ)")
    assert env.status == "passed"
    names = set(ast.literal_eval(env.stdout))  # the list of names the block printed
    assert "OPENAI_API_KEY" not in names and "LECTERN_PLANTED_TOKEN" not in names
    assert names <= set(sandbox.ENV) | {"PWD", "LC_CTYPE"}, names
    assert "sk-planted" not in planted["report"].text()


def test_the_code_runs_as_nobody_when_lectern_runs_as_root(planted):
    uid = block(planted, "os.getuid()")
    if os.geteuid() == 0:
        assert uid.stdout == "65534\n"
        assert "as user nobody" in planted["lines"][0]
    else:
        assert uid.stdout == f"{os.getuid()}\n"


@pytest.mark.skipif(not shutil.which("bash"), reason="bash is not installed")
def test_shell_blocks_have_the_memory_limit(planted):
    ulimit = block(planted, "ulimit -v")
    assert ulimit.stdout == f"{1024 * 1024}\n"


@pytest.mark.xfail(
    strict=False,  # a machine that refuses to overcommit 4 GB fails the block anyway
    reason="bug: a JavaScript block's only memory limit is V8's heap (--max-old-space-size); "
    "a 4 GB Buffer, outside the heap, is allocated in full",
)
@pytest.mark.skipif(not shutil.which("node"), reason="node is not installed")
def test_a_4_gb_javascript_buffer_hits_the_memory_limit(planted):
    assert block(planted, "Buffer.alloc").status == "failed"


def test_input_gets_end_of_file(planted):
    reads = block(planted, "sys.stdin.closed")
    assert (reads.status, reads.findings) == ("passed", []), reads.findings


def test_the_planted_report_is_complete(planted):
    """Every planted block is accounted for: no block stopped the session early."""
    outcomes = planted["report"].outcomes[planted["path"]]
    assert len(outcomes) == 15
    assert [o.block.line for o in outcomes if o.note.startswith("not run")] == []
    ran = 1 + bool(shutil.which("bash")) + bool(shutil.which("node"))
    assert planted["report"].sessions == ran  # python, bash, javascript


# -- without bubblewrap ------------------------------------------------------------------


@pytest.fixture
def no_bwrap_path(tmp_path, monkeypatch):
    """A PATH with the few programs the check uses, and no bwrap."""
    bare = tmp_path / "bin"
    bare.mkdir()
    for tool in ("bash", "sh", "node", "env"):
        found = shutil.which(tool)
        if found:
            (bare / tool).symlink_to(found)
    assert shutil.which("bwrap", path=str(bare)) is None
    monkeypatch.setenv("PATH", str(bare))
    sandbox._bwrap_problem.cache_clear()
    yield str(bare)
    sandbox._bwrap_problem.cache_clear()


def test_without_bubblewrap_the_check_refuses_and_says_how_to_get_it(tmp_path, no_bwrap_path):
    root = code_project(tmp_path / "proj")
    path = plant(root, "'''python\nprint(1)  # 1\n'''\n".replace("'''", F))
    with pytest.raises(ToolMissing) as err:
        check_paths(root, [path])
    assert err.value.format_message() == (
        "the code check needs a sandbox and bubblewrap (`bwrap`) is not installed. Install "
        "bubblewrap (`sudo apt-get install bubblewrap`; `make setup` does it as root), or run "
        "code you trust without one: `make check-code TOPIC=<topic> UNSAFE_LOCAL=1`"
    )
    done = run_cli(root, "check-code", "example", env={"PATH": no_bwrap_path})
    assert done.returncode == 1
    assert "bubblewrap (`bwrap`) is not installed" in done.stderr
    assert "UNSAFE_LOCAL=1" in done.stderr


def test_unsafe_local_runs_without_a_sandbox_and_says_so(small_project, no_bwrap_path):
    assert os.path.isabs(sys.executable)
    done = run_cli(
        small_project, "check-code", "example", "--unsafe-local", env={"PATH": no_bwrap_path}
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(
        "code check (NONE: run on this machine without a sandbox (--unsafe-local), "
    )
    assert " 0 failed;" in lines[-1]
    # `make check-code UNSAFE_LOCAL=1` hands the choice over in the environment
    env = {"PATH": no_bwrap_path, "UNSAFE_LOCAL": "1"}
    again = run_cli(small_project, "check-code", "example", "--lecture", "01-00-welcome", env=env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.startswith("code check (NONE: run on this machine without a sandbox")

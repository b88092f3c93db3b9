"""Runs one session of a course's code blocks, inside the sandbox (standard library only).

Reads the session as JSON on stdin: the language (python, sql or shell), the limits,
and the blocks in order. Writes one JSON line per block to the channel it was started
with (file descriptor 1 at start), while the blocks' own output goes to files, so
nothing a block prints can be taken for a result. Python blocks share one namespace
(later blocks see earlier names), SQL blocks one in-memory database, shell blocks one
bash. This file is run as a script by the sandbox, never imported by Lectern.
"""

import ast
import doctest
import io
import json
import linecache
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
import traceback

HERE = os.path.abspath(__file__)
MAX_TEXT = 20_000  # characters of output kept per block


class TimeLimit(BaseException):
    """Raised in a block that runs longer than its limit (BaseException: `except
    Exception` in the course's code must not swallow it)."""


def _on_alarm(_signum, _frame):
    raise TimeLimit()


class Channel:
    """The results channel: the original stdout, before blocks' output is redirected."""

    def __init__(self):
        self.out = os.fdopen(os.dup(1), "w", encoding="utf-8")

    def send(self, record):
        self.out.write(json.dumps(record) + "\n")
        self.out.flush()


class Capture:
    """fd 1 and 2 (and sys.stdout/stderr) go to files; each block reads its share."""

    def __init__(self, workdir):
        self.paths = [os.path.join(workdir, ".stdout"), os.path.join(workdir, ".stderr")]
        for fd, path in zip((1, 2), self.paths, strict=True):
            target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)
            os.dup2(target, fd)
            os.close(target)
        sys.stdout = open(1, "w", encoding="utf-8", errors="backslashreplace", closefd=False)
        sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)
        self.marks = [0, 0]

    def take(self):
        """What was written to stdout and stderr since the last call."""
        sys.stdout.flush()
        sys.stderr.flush()
        texts = []
        for n, path in enumerate(self.paths):
            with open(path, "rb") as f:
                f.seek(self.marks[n])
                data = f.read()
            self.marks[n] += len(data)
            texts.append(data.decode("utf-8", "backslashreplace")[:MAX_TEXT])
        return texts


class Probe:
    """`__lectern__` in a Python session: records what watched lines print and evaluate
    to, and whether the lines expected to raise did."""

    def __init__(self):
        self.watch = {}
        self.raises = {}

    def printed(self, line, call):
        sys.stdout.flush()
        real, sys.stdout = sys.stdout, io.StringIO()
        try:
            call()
        finally:
            text, sys.stdout = sys.stdout.getvalue(), real
            real.write(text)
            self.watch.setdefault(str(line), []).append({"kind": "print", "text": text[:MAX_TEXT]})

    def value(self, line, value):
        self.watch.setdefault(str(line), []).append(
            {
                "kind": "value",
                "repr": _safe(repr, value),
                "str": _safe(str, value),
                "none": value is None,
            }
        )
        return value

    def expect(self, line):
        return _Expect(self, str(line))


class _Expect:
    """`with __lectern__.expect(LINE):` around a statement marked `# raises X`."""

    def __init__(self, probe, line):
        self.probe, self.line = probe, line

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if kind is not None and issubclass(kind, TimeLimit):
            return False
        self.probe.raises[self.line] = _exception(exc) if exc is not None else None
        return exc is not None and isinstance(exc, Exception)


def _safe(fn, value):
    try:
        return fn(value)[:MAX_TEXT]
    except Exception as exc:  # a broken __repr__ is the course's, shown as such
        return f"<{fn.__name__}() failed: {type(exc).__name__}: {exc}>"


def _exception(exc):
    return {
        "type": type(exc).__name__,
        "mro": [k.__name__ for k in type(exc).__mro__],
        "message": _safe(str, exc),
    }


class Watcher(ast.NodeTransformer):
    """Wraps watched lines (a trailing comment says what they show) and `# raises` lines."""

    def __init__(self, watch, raises):
        self.watch, self.raises = {int(n) for n in watch}, {int(n) for n in raises}

    def generic_visit(self, node):
        super().generic_visit(node)
        for field in ("body", "orelse", "finalbody"):
            stmts = getattr(node, field, None)
            if isinstance(stmts, list) and stmts and isinstance(stmts[0], ast.stmt):
                setattr(node, field, [self._wrap(s) for s in stmts])
        return node

    def _wrap(self, stmt):
        last = stmt.end_lineno
        if isinstance(stmt, ast.Expr) and last in self.watch:
            stmt = ast.copy_location(ast.Expr(self._watched(stmt.value, last)), stmt)
        if last in self.raises or stmt.lineno in self.raises:
            line = last if last in self.raises else stmt.lineno
            call = _probe_call("expect", line)
            stmt = ast.copy_location(
                ast.With(items=[ast.withitem(context_expr=call)], body=[stmt]), stmt
            )
        return ast.fix_missing_locations(stmt)

    def _watched(self, value, line):
        is_print = (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id == "print"
        )
        if is_print:
            fn = ast.Lambda(
                args=ast.arguments(
                    posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]
                ),
                body=value,
            )
            return ast.copy_location(_probe_call("printed", line, fn), value)
        return ast.copy_location(_probe_call("value", line, value), value)


def _probe_call(name, line, *args):
    return ast.Call(
        func=ast.Attribute(value=ast.Name("__lectern__", ast.Load()), attr=name, ctx=ast.Load()),
        args=[ast.Constant(line), *args],
        keywords=[],
    )


def _user_traceback(exc, filename):
    """The traceback as the course's reader would see it: Lectern's frames left out."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename != HERE]
    lines = ["Traceback (most recent call last):\n"] if frames else []
    lines += traceback.format_list(frames)
    lines += traceback.format_exception_only(type(exc), exc)
    own = [f.lineno for f in frames if f.filename == filename]
    return "".join(lines), (own[-1] if own else None)


def _register_source(filename, offset, code):
    """Put the block's lines where the file has them, so tracebacks quote them."""
    entry = linecache.cache.get(filename)
    lines = list(entry[2]) if entry else []
    new = code.splitlines(True)
    need = offset + len(new)
    lines += ["\n"] * (need - len(lines))
    lines[offset : offset + len(new)] = [t if t.endswith("\n") else t + "\n" for t in new]
    linecache.cache[filename] = (sum(map(len, lines)), None, lines, filename)


class Failures(doctest.DocTestRunner):
    """A doctest runner that collects failures instead of printing them."""

    def __init__(self, first_line, filename):
        super().__init__(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        self.first_line, self.filename, self.found = first_line, filename, []

    def report_failure(self, out, test, example, got):
        line = self.first_line + example.lineno
        self.found.append({"line": line, "want": example.want, "got": got})

    def report_unexpected_exception(self, out, test, example, exc_info):
        line = self.first_line + example.lineno
        exc = exc_info[1]
        text = "".join(traceback.format_exception_only(type(exc), exc))
        if isinstance(exc, TimeLimit):
            text = "TimeLimit"
        self.found.append({"line": line, "want": example.want, "got": text, "raised": True})


class PythonSession:
    """Python blocks in one namespace, like a notebook."""

    def __init__(self):
        self.namespace = {"__name__": "__main__", "__builtins__": __builtins__}

    def run(self, block, result):
        filename, offset = block["filename"], block["offset"]
        _register_source(filename, offset, block["code"])
        if block.get("doctest"):
            return self._doctest(block, result)
        try:
            tree = ast.parse(block["code"], filename)
        except SyntaxError as exc:
            exc.lineno = (exc.lineno or 1) + offset
            exc.filename = filename
            result["error"] = dict(_exception(exc), line=exc.lineno)
            result["error"]["traceback"] = "".join(traceback.format_exception_only(type(exc), exc))
            return
        ast.increment_lineno(tree, offset)
        probe = Probe()
        self.namespace["__lectern__"] = probe
        tree = Watcher(block.get("watch", []), block.get("raises", {})).visit(tree)
        try:
            exec(compile(tree, filename, "exec"), self.namespace)
        except SystemExit as exc:
            if exc.code not in (None, 0):
                self._error(exc, filename, result)
        except BaseException as exc:
            self._error(exc, filename, result)
        finally:
            result["watch"], result["raises"] = probe.watch, probe.raises

    def _error(self, exc, filename, result):
        if isinstance(exc, TimeLimit):
            result["timeout"] = True
            return
        text, line = _user_traceback(exc, filename)
        result["error"] = dict(_exception(exc), traceback=text, line=line)

    def _doctest(self, block, result):
        parser = doctest.DocTestParser()
        test = parser.get_doctest(
            block["code"], self.namespace, "block", block["filename"], block["offset"]
        )
        runner = Failures(block["offset"] + 1, block["filename"])
        runner.run(test, clear_globs=False, out=lambda _text: None)
        result["doctest"] = runner.found
        if any(f.get("got") == "TimeLimit" for f in runner.found):
            result["timeout"] = True


class SqlSession:
    """SQL blocks in one in-memory SQLite database; rows printed as the sqlite3 shell
    prints them by default (values joined by `|`)."""

    def __init__(self):
        self.db = sqlite3.connect(":memory:")

    def run(self, block, result):
        statement, first = "", None
        lines = block["code"].splitlines()
        for n, line in enumerate(lines):
            if not statement.strip():
                first = block["offset"] + 1 + n
            statement += line + "\n"
            if sqlite3.complete_statement(statement):
                if not self._one(statement, first, result):
                    return
                statement = ""
        if statement.strip() and not self._one(statement, first, result):
            return

    def _one(self, statement, line, result):
        try:
            rows = self.db.execute(statement).fetchall()
        except sqlite3.Error as exc:
            message = f"{type(exc).__name__}: {exc}"
            result["error"] = dict(_exception(exc), line=line, traceback=message + "\n")
            return False
        for row in rows:
            print("|".join("" if v is None else str(v) for v in row))
        self.db.commit()
        return True


class ShellSession:
    """Shell blocks in one bash: variables, functions and the folder carry over."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.bash = subprocess.Popen(
            ["bash", "--noprofile", "--norc"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=workdir,
            start_new_session=True,
        )
        self.count = 0

    def run(self, block, result):
        self.count += 1
        script = os.path.join(self.workdir, f".block{self.count}.sh")
        with open(script, "w", encoding="utf-8") as f:
            f.write(block["code"] + "\n")
        sys.stdout.flush()
        command = f"source {script} >>/proc/{os.getpid()}/fd/1 2>>/proc/{os.getpid()}/fd/2"
        self.bash.stdin.write(f'{command}\necho "__lectern_done $?"\n')
        self.bash.stdin.flush()
        line = self.bash.stdout.readline()  # the alarm interrupts a block that hangs
        if not line:
            result["error"] = {
                "type": "ShellExit",
                "mro": [],
                "message": f"the block ended the shell (exit status {self.bash.wait()})",
                "line": block["offset"] + 1,
                "traceback": "bash exited\n",
            }
            return
        status = int(line.split()[-1])
        if status:
            result["error"] = {
                "type": "ExitStatus",
                "mro": [],
                "message": f"exit status {status}",
                "line": block["offset"] + 1,
                "traceback": f"exit status {status}\n",
            }


def _limits(settings, blocks):
    memory = settings["memory_mb"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    size = 64 * 1024 * 1024  # no single file over 64 MB
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    cpu = int(settings["time_s"] * len(blocks)) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))


def main():
    session_input = json.loads(sys.stdin.read())
    sys.stdin.close()
    os.close(0)
    os.open(os.devnull, os.O_RDONLY)  # fd 0: input() gets EOF, never the session's JSON
    sys.stdin = open(0, encoding="utf-8", closefd=False)
    channel = Channel()
    workdir = os.getcwd()
    capture = Capture(workdir)
    language, blocks = session_input["language"], session_input["blocks"]
    _limits(session_input, blocks)  # before bash starts, so a shell session has them too
    limit = float(session_input["time_s"])
    if language == "python":
        session = PythonSession()
    elif language == "sql":
        session = SqlSession()
    else:
        session = ShellSession(workdir)
    signal.signal(signal.SIGALRM, _on_alarm)
    for k, block in enumerate(blocks):
        channel.send({"start": k})
        result = {"block": k, "error": None, "timeout": False}
        started = time.monotonic()
        # the alarm repeats, so code that catches it once is stopped again at once
        signal.setitimer(signal.ITIMER_REAL, limit, 0.2)
        try:
            session.run(block, result)
        except TimeLimit:
            result["timeout"] = True
        except MemoryError:
            result["error"] = {
                "type": "MemoryError",
                "mro": ["MemoryError"],
                "message": "",
                "line": None,
                "traceback": "MemoryError\n",
            }
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if result["timeout"] and language == "shell":
            os.killpg(session.bash.pid, signal.SIGKILL)
            session = ShellSession(workdir)
        result["stdout"], result["stderr"] = capture.take()
        result["seconds"] = round(time.monotonic() - started, 3)
        channel.send(result)


if __name__ == "__main__":
    main()

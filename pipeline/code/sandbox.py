"""Where a course's code runs: bubblewrap, with nothing of the machine writable.

The sandbox sees the system's programs and libraries and Lectern's own interpreter
read-only, a fresh /tmp (its only writable place, 64 MB), no network (a namespace of
its own with no interfaces up), no other processes, a clean environment (no keys), and
runs as `nobody` when Lectern runs as root. The runner sets the time and memory limits
per block. Without bubblewrap it refuses, unless the person asks for `unsafe_local`.
"""

from __future__ import annotations

import functools
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ToolMissing

HERE = Path(__file__).resolve().parent
RUNNERS = {"python": "pyrunner.py", "sql": "pyrunner.py", "shell": "pyrunner.py"}
RUNNERS["javascript"] = "noderunner.js"
NOBODY = 65534
GRACE_S = 3.0  # beyond a block's limit, before the whole session is stopped
TMP_BYTES = 64 * 1024 * 1024
ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/tmp",
    "LANG": "C.UTF-8",
    "TZ": "UTC",
    "PYTHONHASHSEED": "0",  # the same set and dict order on every run: output is stable
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONIOENCODING": "utf-8",
}
ETC = ("alternatives", "ld.so.cache", "localtime", "passwd", "group", "nsswitch.conf", "ssl")


@dataclass(frozen=True)
class Limits:
    time_s: float
    memory_mb: int


@dataclass(frozen=True)
class Isolation:
    """What keeps the course's code in: `bubblewrap` or `none` (unsafe_local)."""

    kind: str
    detail: str

    def describe(self, limits: Limits) -> str:
        per_block = f"{limits.time_s:g} s and {limits.memory_mb} MB per block"
        if self.kind == "none":
            return f"NONE: run on this machine without a sandbox (--unsafe-local), {per_block}"
        return f"{self.detail}, {per_block}"


def unsafe_local() -> bool:
    """UNSAFE_LOCAL=1 (make) runs code without a sandbox, for code the person trusts."""
    return os.environ.get("UNSAFE_LOCAL", "") not in ("", "0")


def isolation(unsafe_local: bool = False) -> Isolation:
    """The sandbox in force, or ToolMissing saying how to get one."""
    if unsafe_local:
        return Isolation("none", "")
    problem = _bwrap_problem()
    if problem:
        raise ToolMissing(
            f"the code check needs a sandbox and {problem}. Install bubblewrap "
            "(`sudo apt-get install bubblewrap`; `make setup` does it as root), or run "
            "code you trust without one: `make check-code TOPIC=<topic> UNSAFE_LOCAL=1`"
        )
    user = "as user nobody" if os.geteuid() == 0 else "as your user in its own namespace"
    return Isolation(
        "bubblewrap",
        f"bubblewrap {_bwrap_version()}: no network, read-only system, only /tmp writable, {user}",
    )


@functools.lru_cache(maxsize=1)
def _bwrap_problem() -> str:
    """Why bubblewrap cannot be used here ('' when it works)."""
    if not shutil.which("bwrap"):
        return "bubblewrap (`bwrap`) is not installed"
    probe = _bwrap_args(["/usr/bin/true"]) if Path("/usr/bin/true").exists() else None
    try:
        done = subprocess.run(probe or ["bwrap", "--version"], capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap did not start ({exc})"
    if done.returncode:
        why = done.stderr.decode(errors="replace").strip()
        return f"bubblewrap cannot make a sandbox on this machine ({why})"
    return ""


@functools.lru_cache(maxsize=1)
def _bwrap_version() -> str:
    out = subprocess.run(["bwrap", "--version"], capture_output=True, text=True).stdout
    return out.split()[-1] if out.split() else "?"


def _binds() -> list[str]:
    """The read-only parts of the machine the code may see."""
    args: list[str] = ["--ro-bind", "/usr", "/usr"]
    for top in ("bin", "lib", "lib64", "sbin", "lib32"):
        path = Path("/") / top
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.exists():
            args += ["--ro-bind", str(path), str(path)]
    made: set[str] = {"/", "/usr", "/tmp"}
    for name in ETC:
        args += _parents(f"/etc/{name}", made) + ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    for prefix in _interpreter_dirs():
        args += _parents(prefix, made) + ["--ro-bind", prefix, prefix]
    args += ["--ro-bind", str(HERE), "/lectern"]
    return args


def _interpreter_dirs() -> list[str]:
    """Lectern's Python and its venv (the course may import what is installed there), and
    node, where they live outside /usr (which is mounted whole)."""
    dirs = [sys.base_prefix, sys.prefix]
    dirs += [os.path.realpath(d) for d in dirs]
    node = shutil.which("node")
    if node:
        dirs.append(str(Path(os.path.realpath(node)).parent.parent))
    return [d for d in dict.fromkeys(dirs) if d != "/usr" and not d.startswith("/usr/")]


def _parents(path: str, made: set[str]) -> list[str]:
    """Mount points' parent folders, world-readable (bubblewrap would copy /root's 0700)."""
    args = []
    parts = Path(path).parts
    for n in range(2, len(parts)):
        parent = str(Path(*parts[:n]))
        if parent not in made:
            made.add(parent)
            args += ["--perms", "0755", "--dir", parent]
    return args


def _bwrap_args(command: list[str]) -> list[str]:
    args = [
        "bwrap",
        "--unshare-ipc",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--die-with-parent",
        "--new-session",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--perms",
        "1777",
        "--size",
        str(TMP_BYTES),
        "--tmpfs",
        "/tmp",
        "--chdir",
        "/tmp",
        "--clearenv",
        *_binds(),
    ]
    for key, value in ENV.items():
        args += ["--setenv", key, value]
    if os.geteuid() != 0:
        return [*args, "--unshare-user", "--disable-userns", *command]
    # Root: bubblewrap mounts as root, then the code runs as nobody with no capabilities.
    drop = [
        "setpriv",
        f"--reuid={NOBODY}",
        f"--regid={NOBODY}",
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--no-new-privs",
    ]
    return [*args, "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", *drop, *command]


def _command(language: str, limits: Limits, where: str) -> list[str]:
    runner = f"{where}/{RUNNERS[language]}"
    if language == "javascript":
        node = shutil.which("node") or "node"
        return [node, f"--max-old-space-size={limits.memory_mb}", "--stack-size=984", runner]
    return [sys.executable, runner]


def run_session(language: str, blocks: list[dict], limits: Limits, where: Isolation) -> list[dict]:
    """Run the blocks as one session; one result per block, in order. A block that the
    session did not finish has `killed` (why), and the blocks after it `not_run`."""
    payload = json.dumps(
        {
            "language": language,
            "blocks": blocks,
            "time_s": limits.time_s,
            "memory_mb": limits.memory_mb,
        }
    )
    with tempfile.TemporaryDirectory(prefix="lectern-code-") as tmp:
        if where.kind == "none":
            cmd, cwd, env = _command(language, limits, str(HERE)), tmp, dict(ENV, HOME=tmp)
        else:
            cmd, cwd, env = _bwrap_args(_command(language, limits, "/lectern")), tmp, {}
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
            start_new_session=True,
        )
        try:
            return _collect(proc, payload, len(blocks), limits)
        finally:
            _stop(proc)


def _collect(proc: subprocess.Popen, payload: str, count: int, limits: Limits) -> list[dict]:
    """Read the runner's result lines, stopping it when a block outlives its limit."""
    assert proc.stdin and proc.stdout and proc.stderr
    try:
        proc.stdin.write(payload.encode())
        proc.stdin.close()
    except BrokenPipeError:
        pass
    results: list[dict] = []
    current, deadline, buffer = None, time.monotonic() + limits.time_s + 20, b""
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    killed = ""
    while len(results) < count:
        left = deadline - time.monotonic()
        if left <= 0:
            killed = f"ran over the {limits.time_s:g} s time limit and was stopped"
            break
        if not sel.select(timeout=left):
            continue
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            killed = _death(proc)
            break
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            record = _record(line)
            if record is None:
                continue
            if "start" in record:
                current = record["start"]
                deadline = time.monotonic() + limits.time_s + GRACE_S
            else:
                results.append(record)
                deadline = time.monotonic() + limits.time_s + GRACE_S
    sel.close()
    if len(results) < count:
        k = current if current is not None else len(results)
        results.append({"block": k, "killed": killed or "the session stopped"})
        results += [{"block": j, "not_run": k} for j in range(k + 1, count)]
    return results


def _record(line: bytes) -> dict | None:
    """A result line; None for anything else a block managed to write there."""
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def _death(proc: subprocess.Popen) -> str:
    """Why the runner ended before its last block."""
    try:
        code = proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        return "the session stopped answering"
    err = proc.stderr.read().decode(errors="replace").strip() if proc.stderr else ""
    if code < 0:
        name = signal.Signals(-code).name
        why = " (its memory or CPU limit)" if name in ("SIGKILL", "SIGXCPU", "SIGSEGV") else ""
        return f"the process was killed by {name}{why}"
    return f"the sandbox ended with exit status {code}" + (f": {err[-500:]}" if err else "")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait()
    for pipe in (proc.stdout, proc.stderr):
        if pipe:
            pipe.close()

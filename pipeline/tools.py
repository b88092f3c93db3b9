"""Where the external programs are, with an install hint when one is missing."""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

from pipeline.errors import DiskFull, LecternError, ToolMissing
from pipeline.fsutil import disk_full_message, free_bytes

# A program that fails with less than this free beside its files most likely ran out of
# space: a 1080p frame is up to 2 MB, a video segment more.
LOW_SPACE = 64 << 20


@cache
def ffmpeg() -> str:
    """The ffmpeg binary shipped in the imageio-ffmpeg wheel."""
    try:
        import imageio_ffmpeg
    except ImportError:
        raise ToolMissing("ffmpeg is missing: run `make setup` (installs imageio-ffmpeg)") from None
    return imageio_ffmpeg.get_ffmpeg_exe()


@cache
def soffice() -> str:
    """LibreOffice's command-line binary."""
    return _which("soffice", "libreoffice-impress")


@cache
def pdftoppm() -> str:
    """Poppler's PDF rasteriser."""
    return _which("pdftoppm", "poppler-utils")


@cache
def java() -> str:
    """Java, which EPUBCheck runs on."""
    return _which("java", "default-jre-headless")


def cores() -> int:
    """CPUs this process may run on."""
    return max(1, len(os.sched_getaffinity(0)))


def on_core(cmd: list[str], n: int) -> list[str]:
    """`cmd` kept on one CPU, when taskset is there: n = 0, 1, ... get different CPUs
    (and other Lectern processes, by their process id, most likely others again).

    ffmpeg 7+ hands every packet from thread to thread; two reads of 10,000s of packets
    side by side finish sooner when neither bounces its packets across cores (measured
    on 2 cores: 0.21 s free, 0.18 s pinned)."""
    cores, taskset = sorted(os.sched_getaffinity(0)), _taskset()
    if len(cores) < 2 or not taskset:
        return cmd
    return [taskset, "-c", str(cores[(2 * os.getpid() + n) % len(cores)]), *cmd]


@cache
def _taskset() -> str | None:
    return shutil.which("taskset")


def _which(name: str, package: str) -> str:
    path = shutil.which(name)
    if not path:
        raise ToolMissing(
            f"{name} is not installed: run `make setup` as root, or "
            f"`sudo apt-get install -y {package}`"
        )
    return path


def run(
    cmd: list[str], what: str, timeout: float | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    """Run a program; on failure raise an error with the tail of its output (and say
    so when the disk it writes to is full)."""
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired:
        name = Path(cmd[0]).name
        raise LecternError(f"{what}: {name} did not finish in {timeout:.0f}s") from None
    if proc.returncode != 0:
        raise failure(cmd, what, proc.returncode, proc.stderr or proc.stdout, cwd)
    return proc


def failure(
    cmd: list[str], what: str, code: int, output: str, cwd: Path | None = None
) -> LecternError:
    """The error for a program that failed: the tail of its output, and the full disk
    when that is the likely cause (programs rarely say so in words a person reads)."""
    tail = "\n".join(output.strip().splitlines()[-8:])
    full = _full_disk(cmd, cwd)
    if full:
        return DiskFull(f"{what}: {Path(cmd[0]).name} failed: {full}\n{tail}")
    return LecternError(f"{what}: {Path(cmd[0]).name} failed (exit {code}):\n{tail}")


def _full_disk(cmd: list[str], cwd: Path | None) -> str | None:
    """The disk-full message for the first folder among the command's paths (a folder
    given, or the folder of a file given) with less than LOW_SPACE free; else None."""
    for arg in cmd[1:]:
        path = Path(cwd or ".", arg)
        folder = path if path.is_dir() else path.parent
        if os.sep in arg and folder.is_dir():
            free = free_bytes(folder)
            if free is not None and free < LOW_SPACE:
                return disk_full_message(folder)
    return None

"""Where the external programs are, with an install hint when one is missing."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

from pipeline.errors import ToolMissing


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


def _which(name: str, package: str) -> str:
    path = shutil.which(name)
    if not path:
        raise ToolMissing(f"{name} is not installed: run `make setup` as root, or "
                          f"`sudo apt-get install -y {package}`")
    return path


def run(cmd: list[str], what: str, timeout: float | None = None,
        cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run a program; on failure raise an error with the tail of its output."""
    from pipeline.errors import LecternError

    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired:
        name = Path(cmd[0]).name
        raise LecternError(f"{what}: {name} did not finish in {timeout:.0f}s") from None
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-8:])
        raise LecternError(f"{what}: {Path(cmd[0]).name} failed (exit {proc.returncode}):\n{tail}")
    return proc

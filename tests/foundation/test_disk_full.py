"""A full disk is a one-line error naming the path, the space left and what was needed;
the file that was there before is kept."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

from pipeline import cli, fsutil, tools
from pipeline.errors import DiskFull
from tests.conftest import run_cli

FREE = r"\d+(\.\d)? (bytes|KB|MB|GB|TB)"
FIX = (
    "; free some space and run again (`make clean TOPIC=…` deletes a course's rebuildable "
    "output; keep output/.cache, which holds paid calls)"
)


@contextlib.contextmanager
def tiny_disk(folder, size: str):
    """A real file system of `size` mounted on `folder` (needs root; else the test skips)."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root")
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def test_a_write_on_a_full_disk_keeps_the_old_file_and_says_what_was_needed(tmp_path, monkeypatch):
    path = tmp_path / "deck.pptx"
    path.write_bytes(b"the deck from the last run")

    def full(fd):  # fsync is where a full disk often shows (delayed allocation, NFS)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fsutil.os, "fsync", full)
    with pytest.raises(DiskFull) as e:
        fsutil.atomic_write_bytes(path, b"x" * 3000)
    assert re.fullmatch(
        rf"{re.escape(str(path))}: the disk is full \({FREE} free, 2\.9 KB "
        rf"needed\){re.escape(FIX)}",
        e.value.message,
    ), e.value.message
    assert path.read_bytes() == b"the deck from the last run"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.pptx"]  # no temp file left


def test_a_write_on_a_real_full_disk(tmp_path):
    with tiny_disk(tmp_path / "small", "64k") as disk:
        (disk / "old.bin").write_bytes(b"kept")
        with pytest.raises(DiskFull) as e:
            fsutil.atomic_write_bytes(disk / "old.bin", b"x" * (1 << 20))
        assert re.fullmatch(
            rf"{re.escape(str(disk))}/old\.bin: the disk is full \({FREE} free, "
            rf"1\.0 MB needed\){re.escape(FIX)}",
            e.value.message,
        )
        assert (disk / "old.bin").read_bytes() == b"kept"
        assert [p.name for p in disk.iterdir()] == ["old.bin"]


def test_pdftoppm_crashing_on_a_full_disk_says_the_disk_is_full(tmp_path):
    from PIL import Image

    noise = (np.random.default_rng(0).random((540, 960, 3)) * 255).astype("uint8")
    Image.fromarray(noise).save(tmp_path / "deck.pdf")  # a page whose PNG is megabytes
    with tiny_disk(tmp_path / "small", "64k") as disk:
        cmd = [
            tools.pdftoppm(),
            "-png",
            "-scale-to-x",
            "1920",
            "-scale-to-y",
            "1080",
            str(tmp_path / "deck.pdf"),
            str(disk / "page"),
        ]
        with pytest.raises(DiskFull) as e:  # pdftoppm 24 dies of SIGSEGV here
            tools.run(cmd, "rasterising deck.pdf")
    first = e.value.message.splitlines()[0]
    assert re.fullmatch(
        rf"rasterising deck\.pdf: pdftoppm failed: {re.escape(str(disk))}: the "
        rf"disk is full \({FREE} free\){re.escape(FIX)}",
        first,
    ), first


def test_a_stage_that_fills_the_disk_prints_one_line_not_an_internal_error(project):
    with tiny_disk(project / "output", "64k"):
        proc = run_cli(project, "book", "example")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "internal error" not in proc.stderr
    assert re.fullmatch(
        rf"error: {re.escape(str(project))}/output\S*: the disk is full "
        rf"\({FREE} free(, \S+ \S+ needed)?\){re.escape(FIX)}",
        proc.stderr.strip().splitlines()[-1],
    ), proc.stderr


def test_an_os_error_escaping_a_stage_is_one_line_naming_the_file(project, monkeypatch, capsys):
    from pipeline import stages

    def fails(course, only=None, force=False):
        raise OSError(errno.ENOSPC, "No space left on device", str(project / "output/x.epub"))

    monkeypatch.setattr(stages, "get", lambda name: fails)
    monkeypatch.setattr(sys, "argv", ["lectern", "book", "example"])
    with pytest.raises(SystemExit) as e:
        cli.main()
    err = capsys.readouterr().err.strip()
    assert e.value.code == 1 and len(err.splitlines()) == 1
    assert re.fullmatch(
        rf"error: {re.escape(str(project))}/output/x\.epub: the disk is full "
        rf"\({FREE} free\){re.escape(FIX)}",
        err,
    ), err
    monkeypatch.setattr(stages, "get", lambda name: lambda *a, **k: open("/proc/nope/x", "w"))
    with pytest.raises(SystemExit):
        cli.main()
    assert capsys.readouterr().err.strip() == "error: /proc/nope/x: No such file or directory"

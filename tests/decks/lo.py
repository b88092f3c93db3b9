"""Test helpers: real LibreOffice/poppler renders, and pixel comparisons of frames."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from pipeline import tools

W, H = 1920, 1080


def to_pdfs(pptxs: list[Path], outdir: Path) -> list[Path]:
    """Convert several decks in one soffice run (fast), with a throwaway profile."""
    profile = Path(tempfile.mkdtemp(prefix="lectern-test-lo-"))
    try:
        subprocess.run(
            [
                tools.soffice(),
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                *map(str, pptxs),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return [outdir / f"{p.stem}.pdf" for p in pptxs]


def pages(pdf: Path) -> int:
    """Page count from pdfinfo."""
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", out.stdout, re.M)[1])


def page_pixels(pdf: Path, page: int) -> np.ndarray:
    """One page rasterised at 1920x1080, as an int16 RGB array."""
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "p"
        subprocess.run(
            [
                tools.pdftoppm(),
                "-png",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                "-scale-to-x",
                str(W),
                "-scale-to-y",
                str(H),
                str(pdf),
                str(prefix),
            ],
            check=True,
            capture_output=True,
        )
        return pixels(prefix.with_suffix(".png"))


def pixels(png: Path) -> np.ndarray:
    """A PNG as an int16 RGB array."""
    with Image.open(png) as im:
        return np.asarray(im.convert("RGB"), dtype=np.int16)


def box_px(shape, slide_width: int) -> tuple[int, int, int, int]:
    """A shape's rectangle in frame pixels (x0, y0, x1, y1)."""
    k = W / slide_width
    return (
        round(shape.left * k),
        round(shape.top * k),
        round((shape.left + shape.width) * k),
        round((shape.top + shape.height) * k),
    )


def changed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Mask of pixels that differ visibly between two frames."""
    return np.abs(a - b).max(axis=2) > 40


def ink_outside(a: np.ndarray, b: np.ndarray, box, tol: int = 3) -> int:
    """How many changed pixels fall outside `box` (grown by `tol` pixels)."""
    mask = changed(a, b)
    x0, y0, x1, y1 = box
    mask[max(y0 - tol, 0) : y1 + tol, max(x0 - tol, 0) : x1 + tol] = False
    return int(mask.sum())


def ink_inside(a: np.ndarray, b: np.ndarray, box) -> int:
    """How many changed pixels fall inside `box`."""
    x0, y0, x1, y1 = box
    return int(changed(a, b)[y0:y1, x0:x1].sum())


def shape(slide, name: str):
    """The shape with a given name on a slide."""
    return next(s for s in slide.shapes if s.name == name)


def clear_text(sh) -> None:
    """Remove a shape's text but keep the shape (the 'box cleared' reference frame)."""
    for p in sh.text_frame.paragraphs:
        for r in p.runs:
            r.text = ""

"""The review site: `make preview` writes output/<topic>/preview/, `make serve` shows it."""

from pipeline.preview.server import serve
from pipeline.preview.site import build

__all__ = ["build", "serve"]

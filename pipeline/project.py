"""Where the Lectern project is: the folder holding courses/, assets/ and output/."""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The project folder: LECTERN_ROOT when set, else the current folder."""
    env = os.environ.get("LECTERN_ROOT")
    return Path(env).resolve() if env else Path.cwd().resolve()

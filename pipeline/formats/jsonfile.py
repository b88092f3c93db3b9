"""Reading and writing a stage's JSON file through its model, with errors that name the
file, what is wrong with it, and the command that makes it again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from pipeline.errors import InputError, remake
from pipeline.fsutil import atomic_write_text

M = TypeVar("M", bound=BaseModel)


def read(model: type[M], path: Path, stage: str) -> M:
    """The file at `path`, validated; a missing or damaged one is a located error."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: not found; run {remake(path, stage, force=False)}")
    try:
        return model.model_validate_json(path.read_bytes())
    except ValidationError as e:
        raise InputError(f"{path}: {_problem(e)}; rebuild it with {remake(path, stage)}") from None


def dumps(value: BaseModel, indent: int | None = None) -> str:
    """The model as the JSON text its file holds."""
    data = value.model_dump(mode="json", exclude_none=True)
    return json.dumps(data, indent=indent, ensure_ascii=False) + "\n"


def write(path: Path, value: BaseModel, indent: int | None = None) -> None:
    """Write the model's JSON atomically."""
    atomic_write_text(path, dumps(value, indent))


def _problem(e: ValidationError) -> str:
    err = e.errors()[0]
    if err["type"] == "json_invalid":
        return f"not valid JSON ({err['msg']})"
    where = ".".join(str(p) for p in err["loc"])
    msg = err["msg"].removeprefix("Value error, ")
    return f"{where}: {msg}" if where else msg

"""Load YAML while remembering the line of every key, so errors can point at it."""

from __future__ import annotations

import difflib
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from pipeline.errors import ConfigError

Loc = tuple[str | int, ...]


def load_with_lines(path: Path) -> tuple[object, dict[Loc, int]]:
    """Parse a YAML file; return the data and a map from key path to 1-based line."""
    text = _read(path)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"{mark.line + 1}:{mark.column + 1}" if mark else "?"
        raise ConfigError(f"{path}:{where}: YAML syntax error: {e.problem or e}. "
                          "Check indentation and quoting on that line.") from None
    lines: dict[Loc, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return data, lines


def _read(path: Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None


def _walk(node: yaml.Node, loc: Loc, lines: dict[Loc, int]) -> None:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = (*loc, key.value)
            lines[sub] = key.start_mark.line + 1
            _walk(value, sub, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*loc, i), lines)


def validate(model: type[BaseModel], data: object, path: Path, lines: dict[Loc, int]):
    """Validate data against a model; report every error at once, with lines."""
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as e:
        messages = [_describe(err, model, path, lines) for err in e.errors()]
        raise ConfigError("\n".join(sorted(set(messages), key=_line_of))) from None


def _line_of(message: str) -> int:
    try:
        return int(message.split(":")[1])
    except (IndexError, ValueError):
        return 0


def _describe(err: dict, model: type[BaseModel], path: Path, lines: dict[Loc, int]) -> str:
    loc = tuple(err["loc"])
    line = _nearest_line(loc, lines)
    key = ".".join(str(p) for p in loc) or "(top level)"
    return f"{path}:{line}: {key}: {_explain(err, model, loc)}"


def _nearest_line(loc: Loc, lines: dict[Loc, int]) -> int:
    while loc not in lines and loc:
        loc = loc[:-1]
    return lines.get(loc, 1)


def _explain(err: dict, model: type[BaseModel], loc: Loc) -> str:
    kind, ctx = err["type"], err.get("ctx", {})
    if kind == "extra_forbidden":
        return _unknown_key(model, loc)
    if kind == "missing":
        return "required key is missing; add it"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return _range_message(model, loc) or err["msg"].lower()
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is too long: at most {ctx.get('max_length')} characters"
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    return msg[0].lower() + msg[1:] if msg else msg


def _field_info(model: type[BaseModel], loc: Loc):
    """Walk model fields along loc; return (owning model, FieldInfo) or None."""
    current, info = model, None
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return current, None
        info = fields[part]
        current = _inner_model(info.annotation)
    return current, info


def _inner_model(annotation):
    """The BaseModel inside Optional[...] / list[...] annotations, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _range_message(model: type[BaseModel], loc: Loc) -> str | None:
    _, info = _field_info(model, loc)
    if info is None:
        return None
    lo = hi = None
    for m in info.metadata:
        lo = getattr(m, "ge", None) if getattr(m, "ge", None) is not None else lo
        hi = getattr(m, "le", None) if getattr(m, "le", None) is not None else hi
    if lo is not None and hi is not None:
        return f"must be between {_num(lo)} and {_num(hi)}"
    if lo is not None:
        return f"must be at least {_num(lo)}"
    if hi is not None:
        return f"must be at most {_num(hi)}"
    return None


def _num(x: float) -> str:
    return f"{x:g}"


def _unknown_key(model: type[BaseModel], loc: Loc) -> str:
    owner, _ = _field_info(model, loc[:-1]) if len(loc) > 1 else (model, None)
    owner = owner or model
    allowed = sorted(getattr(owner, "model_fields", {}))
    close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown key{hint}; allowed keys: {', '.join(allowed)}"

"""Load YAML while remembering the line of every key, so errors can point at it.

Every Lectern YAML file (topic.yaml, outline.yaml, quizzes, themes, approvals) is read
here, so each gets the same checks: a key written twice in one mapping is an error
(YAML would keep only the last one, silently dropping the first), aliases may not
expand the file beyond MAX_VALUES, and text may not hold a bidi override.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from pipeline.errors import ConfigError
from pipeline.fsutil import read_text

Loc = tuple[str | int, ...]

# Aliases are capped, not refused: repeating a block with &name / *name is ordinary
# YAML a person may use, but eight levels of nine aliases each expand 300 bytes into 43
# million values (61 s and 8.9 GB before this check). The largest outline Lectern
# accepts (30 sections of 30 lectures, each with a few objectives and terms) has about
# 25,000 values, so 200,000 leaves room and is counted in milliseconds.
MAX_VALUES = 200_000
# Overrides reorder characters against their own direction: the text a reader sees is
# not the text written (file names that end in "gpj.exe" read as "exe.jpg"). Right-to-left
# text displays in its natural order without them; embeddings, isolates and marks,
# which mixed-direction text does use, are kept.
OVERRIDES = {
    "\u202d": "left-to-right override (U+202D)",
    "\u202e": "right-to-left override (U+202E)",
}


def load(path: Path) -> object:
    """Parse a YAML file with the checks above; the data only."""
    return load_with_lines(path)[0]


def load_with_lines(path: Path) -> tuple[object, dict[Loc, int]]:
    """Parse a YAML file; return the data and a map from key path to 1-based line."""
    loader = yaml.SafeLoader(_read(path))
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        _check_size(node, path)
        lines: dict[Loc, int] = {}
        problems: list[tuple[int, str]] = []
        _walk(node, (), lines, problems)
        if problems:
            raise ConfigError(
                "\n".join(f"{path}:{line}: {what}" for line, what in sorted(set(problems)))
            )
        return loader.construct_document(node), lines
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"{mark.line + 1}:{mark.column + 1}" if mark else "?"
        raise ConfigError(
            f"{path}:{where}: YAML syntax error: {e.problem or e}. "
            "Check indentation and quoting on that line."
        ) from None
    except RecursionError:  # the parser recurses once per level of [ or {
        raise ConfigError(
            f"{path}: values are nested hundreds of levels deep ([[[…); "
            "Lectern files need a few, so check the brackets"
        ) from None
    finally:
        loader.dispose()


def _read(path: Path) -> str:
    if not Path(path).is_file():
        raise ConfigError(f"{path}: file not found")
    return read_text(path)


def _check_size(root: yaml.Node, path: Path) -> None:
    """Refuse a file whose aliases expand it beyond MAX_VALUES (or into a loop).

    Composing keeps one node per anchor, so counting each node once (memoised) is as
    fast as the file is short, whatever the expansion."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        if id(node) in sizes:
            if sizes[id(node)] < 0:
                raise ConfigError(
                    f"{path}:{node.start_mark.line + 1}: this value contains "
                    "an alias of itself (an endless loop); remove that alias"
                )
            return sizes[id(node)]
        sizes[id(node)] = -1  # on the stack: meeting it again is a loop
        children = (
            node.value
            if isinstance(node, yaml.SequenceNode)
            else [n for pair in node.value for n in pair]
            if isinstance(node, yaml.MappingNode)
            else []
        )
        total = 1 + sum(size(child) for child in children)
        if total > MAX_VALUES:
            raise ConfigError(
                f"{path}:{node.start_mark.line + 1}: the aliases (*name) from "
                f"here on expand this file to more than {MAX_VALUES:,} values; "
                "write the repeated parts out, or use fewer levels of aliases"
            )
        sizes[id(node)] = total
        return total

    size(root)


def _walk(
    node: yaml.Node, loc: Loc, lines: dict[Loc, int], problems: list[tuple[int, str]]
) -> None:
    """Record the line of every key path; note duplicate keys and bidi overrides."""
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.ScalarNode):
        _check_overrides(node, loc, problems)
    elif isinstance(node, yaml.MappingNode):
        first: dict[tuple[str, str], int] = {}
        for key, value in node.value:
            sub = (*loc, key.value)
            line = key.start_mark.line + 1
            lines[sub] = line
            _duplicate(key, line, first, problems)
            if isinstance(key, yaml.ScalarNode):
                _check_overrides(key, sub, problems)
            _walk(value, sub, lines, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*loc, i), lines, problems)


def _duplicate(key: yaml.Node, line: int, first: dict, problems: list) -> None:
    """A key written twice in one mapping: YAML keeps the last value, losing the first."""
    if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
        return
    if (key.tag, key.value) not in first:
        first[key.tag, key.value] = line
        return
    problems.append(
        (
            line,
            f"key '{key.value}' appears twice in this mapping (first at line "
            f"{first[key.tag, key.value]}); YAML keeps only the last one, so "
            "merge them",
        )
    )


def _check_overrides(node: yaml.ScalarNode, loc: Loc, problems: list) -> None:
    found = next((name for ch, name in OVERRIDES.items() if ch in node.value), None)
    if found:
        key = ".".join(str(p) for p in loc) or "(top level)"
        problems.append(
            (
                node.start_mark.line + 1,
                f"{key}: contains a {found}, which shows "
                "the text in another order than it is written; delete it "
                "(right-to-left text displays correctly without one)",
            )
        )


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
    return located(path, lines, loc, _explain(err, model, loc))


def located(path: Path, lines: dict[Loc, int], loc: Loc, message: str) -> str:
    """`path:line: key.path: message`, the form of every error about a YAML value."""
    key = ".".join(str(p) for p in loc) or "(top level)"
    return f"{path}:{_nearest_line(loc, lines)}: {key}: {message}"


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
        msg = msg[len("Value error, ") :]
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

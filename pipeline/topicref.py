"""The topic.yaml reference in docs/topic.md, generated from the schema in pipeline/config.py.

Each block of topic.yaml gets a table of its settings: the key path, the type with its
allowed values or range (from the pydantic metadata), the default and the field's
description. Nothing here knows a setting by name: a new field appears by itself.
"""

from __future__ import annotations

import inspect
import types
from dataclasses import dataclass
from typing import Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from pipeline.config import Topic

TYPE_NAMES = {str: "text", int: "whole number", float: "number", bool: "`true` or `false`"}


@dataclass(frozen=True)
class Setting:
    """One key of topic.yaml: its path (`llm.base_url`, `outline[].lectures[].title`)."""

    path: str
    info: FieldInfo
    model: type[BaseModel] | None  # the block or list item it holds, None for a leaf
    many: bool  # a list of `model` items (outline, lectures)

    @property
    def leaf(self) -> bool:
        return self.model is None


def settings(model: type[BaseModel] = Topic, prefix: str = "") -> list[Setting]:
    """Every setting under `model`, in declaration order, each block after its key."""
    out = []
    for name, info in _own_first(model):
        inner, many = _model_in(info.annotation)
        out.append(Setting(prefix + name, info, inner, many))
        if inner is not None:
            out += settings(inner, prefix + name + ("[]." if many else "."))
    return out


def _own_first(model: type[BaseModel]) -> list[tuple[str, FieldInfo]]:
    """A block's fields, its own before those it inherits (llm.provider before base_url)."""
    own = model.__dict__.get("__annotations__", {})
    return sorted(model.model_fields.items(), key=lambda item: item[0] not in own)


def _model_in(annotation) -> tuple[type[BaseModel] | None, bool]:
    """The model a field holds (itself, or the items of a list), and whether a list."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    if get_origin(annotation) is list:
        inner, _ = _model_in(get_args(annotation)[0])
        return inner, inner is not None
    for arg in _optional_args(annotation):
        found = _model_in(arg)
        if found[0] is not None:
            return found
    return None, False


def _optional_args(annotation) -> tuple:
    """The types of a union other than None (empty for anything else)."""
    if get_origin(annotation) in (Union, types.UnionType):
        return tuple(a for a in get_args(annotation) if a is not type(None))
    return ()


def reference() -> str:
    """The generated part of docs/topic.md: one section per block of topic.yaml."""
    groups = _groups()
    parts = [_section("Top level", Topic, groups.pop(""), groups)]
    parts += [_section(name, model, rows, groups) for name, (model, rows) in _blocks(groups)]
    return "\n".join(parts)


def _groups() -> dict[str, list[Setting]]:
    """Settings by the top-level block they are in ('' for the top level itself)."""
    groups: dict[str, list[Setting]] = {}
    for s in settings():
        top = s.path.split(".")[0].removesuffix("[]")
        groups.setdefault("" if top == s.path else top, []).append(s)
    return groups


def _blocks(groups: dict[str, list[Setting]]):
    """(block name, (its model, its settings)) in the order topic.yaml declares them,
    lists of blocks (the outline) last."""
    tops = [s for s in settings() if "." not in s.path and s.path in groups]
    for s in sorted(tops, key=lambda s: s.many):
        yield s.path, (s.model, groups[s.path])


def _section(
    title: str, model: type[BaseModel], rows: list[Setting], blocks: dict[str, list[Setting]]
) -> str:
    """A heading, the block's docstring as its intro, and a table of its settings."""
    intro = " ".join(inspect.cleandoc(model.__doc__ or "").split())
    lines = [
        f"## {title}",
        "",
        intro,
        "",
        "| Setting | Type | Default | Description |",
        "|---|---|---|---|",
    ]
    lines += [_row(s, s.path in blocks) for s in rows]
    return "\n".join(lines) + "\n"


def _row(s: Setting, see_below: bool) -> str:
    """One table row; a block's key points to its own section."""
    kind = f"{kind_of(s.info.annotation)}{_bounds(s)}"
    if see_below:
        kind = f"{kind}: see [{s.path}](#{s.path})"
    cells = [f"`{s.path}`", kind, _default(s), s.info.description or ""]
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def kind_of(annotation) -> str:
    """How a type reads in the reference: text, number, one of …, list of …"""
    options = _optional_args(annotation)
    if options:
        return " or ".join(kind_of(a) for a in options)
    args = get_args(annotation)
    if get_origin(annotation) is Literal:
        return "one of " + ", ".join(f"`{a}`" for a in args)
    if get_origin(annotation) is list:
        return f"list of {_items(args[0])}"
    if get_origin(annotation) is dict:
        return f"mapping of {kind_of(args[0])} to {kind_of(args[1])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "block"
    return TYPE_NAMES.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _items(annotation) -> str:
    """What a list holds: `sections` for SectionSpec, `text`, `one of …`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.__name__.removesuffix("Spec").lower() + "s"
    if get_origin(annotation) is Literal:
        return "any of " + ", ".join(f"`{a}`" for a in get_args(annotation))
    return kind_of(annotation)


def _bounds(s: Setting) -> str:
    """The range or length limits pydantic checks, as words (', 0.5 to 2')."""
    limits = {
        k: getattr(m, k)
        for m in s.info.metadata
        for k in ("ge", "le", "gt", "lt", "min_length", "max_length")
        if getattr(m, k, None) is not None
    }
    if "min_length" in limits or "max_length" in limits:
        return _lengths(
            limits.get("min_length"),
            limits.get("max_length"),
            "" if s.many or get_origin(s.info.annotation) is list else " characters",
        )
    lo, hi = limits.get("ge", limits.get("gt")), limits.get("le", limits.get("lt"))
    if lo is not None and hi is not None:
        return f", {_num(lo)} to {_num(hi)}"
    if lo is not None:
        return f", at least {_num(lo)}"
    return f", at most {_num(hi)}" if hi is not None else ""


def _lengths(lo: int | None, hi: int | None, unit: str) -> str:
    if lo and hi:
        return f", {lo} to {hi}{unit}"
    if lo == 1 and unit:
        return ", not empty"
    return f", at least {lo}{unit}" if lo else f", at most {hi}{unit}"


def _num(x: float) -> str:
    return f"{x:,}" if isinstance(x, int) else f"{x:g}"


def _default(s: Setting) -> str:
    """The default as it would be written in topic.yaml."""
    if s.info.is_required():
        return "required"
    if s.model is not None and not s.many:
        return ""  # a block: its settings have the defaults
    value = s.info.get_default(call_default_factory=True)
    return "unset" if value is None else f"`{_yaml(value)}`"


def _yaml(value) -> str:
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value or '""'
    if isinstance(value, list):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_yaml(v)}" for k, v in value.items()) + "}"
    return str(value)

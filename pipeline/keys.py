"""What a stage's output is made from, in named parts, and the key (hash) of all of them.

A stage declares its parts once (pipeline/stages/__init__.py): files it reads, topic.yaml
settings, facts from the outline, and values it derives itself. The key is a hash of every
part's value and the stage's code version, so it changes exactly when an input does. The
parts' digests are kept beside the output, so `make status` and `make why` can say which
input changed ("voice.speed changed", "the slide script changed").
"""

from __future__ import annotations

import glob
import importlib
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.fsutil import hash_json, sha256_if_exists

DIGEST = 16  # hex digits kept per part: enough to tell versions of a file apart


@dataclass(frozen=True)
class Key:
    """A stage output's key: the digest, and each part's digest by name."""

    digest: str
    parts: dict[str, str] = field(default_factory=dict)

    def changes(self, stored: dict[str, str] | None) -> list[str]:
        """The parts that differ from a stored record, in declaration order."""
        if not stored:
            return ["no record of what it was made from"]
        names = list(self.parts) + [n for n in stored if n not in self.parts]
        return [n for n in names if self.parts.get(n) != stored.get(n)]


# --- parts: what a stage reads -------------------------------------------------------------


@dataclass(frozen=True)
class File:
    """A file's bytes. `path` is a template: {C} = courses/T, {O} = output/T, {ID} = the
    lecture id, {SID} = the section id, {SLUG} = the course's slug, {R} = the project."""

    path: str
    label: str

    def value(self, course, item: str | None):
        return sha256_if_exists(resolve(self.path, course, item))

    def files(self) -> tuple[str, ...]:
        return (self.path,)


@dataclass(frozen=True)
class Setting:
    """topic.yaml values at a key path (a block such as `voice`, or one key); each leaf is
    a part of its own, so a change names the key that changed."""

    path: str

    def leaves(self, course) -> dict[str, object]:
        value = course.topic.model_dump()
        for name in self.path.split("."):
            value = value[name]
        return _flatten(self.path, value)

    def files(self) -> tuple[str, ...]:
        return ("{C}/topic.yaml",)


@dataclass(frozen=True)
class Derived:
    """A value the stage works out itself (`module:function(course, item)`), e.g. the
    spans of sound a video plays; `reads` are the files it looks at, for Make."""

    label: str
    func: str
    reads: tuple[str, ...] = ()

    def value(self, course, item: str | None):
        module, name = self.func.split(":")
        return getattr(importlib.import_module(module), name)(course, item)

    def files(self) -> tuple[str, ...]:
        return self.reads


Part = File | Setting | Derived
CODE = "Lectern's code for this stage"  # the part a stage's version sets


def compute(parts: tuple[Part, ...], version: int, course, item: str | None) -> Key:
    """The key of an output made from `parts` by code at `version`."""
    values: dict[str, object] = {CODE: version}
    for part in parts:
        if isinstance(part, Setting):
            values.update(part.leaves(course))
        else:
            values[part.label] = part.value(course, item)
    digests = {name: hash_json(v)[:DIGEST] for name, v in values.items()}
    return Key(hash_json(values), digests)


def resolve(template: str, course, item: str | None) -> Path:
    """A part's path template for a course and an item (lecture or section id)."""
    text = template.format(
        C=course.dir, O=course.out, R=course.root, SLUG=course.slug, ID=item, SID=item
    )
    return Path(text)


def expand(template: str, course, item: str | None, grain: str) -> list[Path]:
    """Every existing file a read template names: {EACH_ID} is each lecture (of the
    section, for a section's stage), {EACH_SID} each section, `*` a glob."""
    if "{EACH_SID}" in template:
        names = [template.replace("{EACH_SID}", s.id) for s in course.outline.sections]
    elif "{EACH_ID}" in template:
        lectures = (
            course.outline.lectures
            if grain != "section"
            else next(s for s in course.outline.sections if s.id == item).lectures
        )
        names = [template.replace("{EACH_ID}", lec.id) for lec in lectures]
    else:
        names = [template]
    found = {Path(p) for n in names for p in glob.glob(str(resolve(n, course, item)))}
    return sorted(p for p in found if p.is_file())


def _flatten(prefix: str, value) -> dict[str, object]:
    if isinstance(value, dict) and value:
        out: dict[str, object] = {}
        for k, v in value.items():
            out.update(_flatten(f"{prefix}.{k}", v))
        return out
    return {prefix: value}

"""Docs made from the code: current, complete, and a hand edit is caught; the scaffold's
keys are real settings, each explained."""

from __future__ import annotations

import re
import shutil
from typing import get_args, get_origin

import pytest
from pydantic import BaseModel

from pipeline import gendocs, scaffold
from pipeline.config import Topic, load_topic
from pipeline.errors import InputError
from tests.conftest import REPO, run_cli

# A key line of YAML, written or commented out: indentation, then `key:` or `- key:`.
KEY_LINE = re.compile(
    r"^(?P<indent>\s*)(?P<hash>#\s?)?"
    r"(?P<body>\s*(?:- )?[a-z_][a-z0-9_]*:(?:\s|$).*)$"
)


def fields(model: type[BaseModel] = Topic, prefix: str = ""):
    """(path, FieldInfo, holds a block) for every field under `model`, as the docs write
    paths (`llm.base_url`, `outline[].lectures[].title`); walked here, not by topicref."""
    for name, info in model.model_fields.items():
        held = list(_held(info.annotation))
        yield prefix + name, info, bool(held)
        for inner, many in held:
            yield from fields(inner, prefix + name + ("[]." if many else "."))


def _held(annotation, many: bool = False):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation, many
        return
    for arg in get_args(annotation):
        yield from _held(arg, many or get_origin(annotation) is list)


def docs_copy(tmp_path):
    """A copy of the repo's docs/ and README.md, for write/check to work on."""
    root = tmp_path / "repo"
    shutil.copytree(REPO / "docs", root / "docs")
    shutil.copy2(REPO / "README.md", root / "README.md")
    return root


def row(text: str, path: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(f"| `{path}` |"))


# --- the generated docs -------------------------------------------------------------------


def test_generated_docs_are_current():
    assert gendocs.check() == [], "run `make docs` and commit the result"


def test_every_field_has_a_description():
    missing = [path for path, info, _ in fields() if len((info.description or "").split()) < 3]
    assert missing == []


def test_every_leaf_setting_is_in_the_reference():
    text = (REPO / "docs" / "topic.md").read_text(encoding="utf-8")
    leaves = [path for path, _, block in fields() if not block]
    assert len(leaves) > 70
    assert [p for p in leaves if f"| `{p}` |" not in text] == []


def test_reference_rows_show_type_range_and_default():
    text = (REPO / "docs" / "topic.md").read_text(encoding="utf-8")
    assert "| text, 1 to 200 characters | required |" in row(text, "title")
    assert "| number, 0.5 to 2 | `1.0` |" in row(text, "voice.speed")
    assert "| one of `sidecar`, `burn` | `sidecar` |" in row(text, "video.captions")
    assert "| number, 0 to 2 | unset |" in row(text, "llm.temperature")
    assert "| list of lectures, at least 1 | required |" in row(text, "outline[].lectures")
    assert "| `[outline, drafts]` |" in row(text, "review")
    for block in ("llm", "voice", "narration", "video", "book", "udemy", "outline"):
        assert f"\n## {block}\n" in text
        assert f"see [{block}](#{block})" in row(text, block)


def test_cli_check_passes_on_the_repo():
    result = run_cli(REPO, "docs", "--check")
    assert result.returncode == 0, result.stderr
    assert "generated docs are current" in result.stdout


def test_hand_edit_is_named_by_check_and_undone_by_write(tmp_path):
    root = docs_copy(tmp_path)
    topic_md = root / "docs" / "topic.md"
    original = topic_md.read_text(encoding="utf-8")
    edited = original.replace("Speaking rate:", "How fast:").replace(
        "# topic.yaml reference", "# topic.yaml reference (my note)"
    )
    topic_md.write_text(edited, encoding="utf-8")
    line = edited[: edited.index("How fast:")].count("\n") + 1
    begin = original.splitlines().index("<!-- generated: topic-reference (make docs) -->") + 1
    assert gendocs.check(root) == [
        f"docs/topic.md:{line}: generated block 'topic-reference' (from line {begin}) is not "
        "what pipeline.topicref:reference makes"
    ]
    assert gendocs.write(root) == "rewrote docs/topic.md"
    assert gendocs.check(root) == []
    # the block is regenerated; what is outside it is the person's and stays
    assert topic_md.read_text(encoding="utf-8") == original.replace(
        "# topic.yaml reference", "# topic.yaml reference (my note)"
    )
    assert gendocs.write(root) == "generated docs are current"


def test_cli_check_exits_1_naming_the_stale_block(tmp_path):
    root = docs_copy(tmp_path)
    shutil.copytree(
        REPO / "pipeline", root / "pipeline", ignore=shutil.ignore_patterns("__pycache__")
    )
    topic_md = root / "docs" / "topic.md"
    topic_md.write_text(topic_md.read_text().replace("| `video.crf` |", "| `video.crf2` |"))
    result = run_cli(root, "docs", "--check", env={"PYTHONPATH": str(root)})
    assert result.returncode == 1
    assert "docs/topic.md:" in result.stderr and "'topic-reference'" in result.stderr
    assert "run `make docs`" in result.stderr
    assert "Traceback" not in result.stderr
    assert run_cli(root, "docs", env={"PYTHONPATH": str(root)}).returncode == 0
    assert "| `video.crf` |" in topic_md.read_text()


@pytest.mark.parametrize(
    "lines, message",
    [
        (
            ["<!-- generated: topic-reference (make docs) -->", "text"],
            "docs/x.md:2: generated block 'topic-reference' has no end line; add "
            "`<!-- end generated: topic-reference -->` after it",
        ),
        (
            ["<!-- generated: nope (make docs) -->", "<!-- end generated: nope -->"],
            "docs/x.md:2: there is no generator 'nope'; known: stages, topic-reference",
        ),
        (
            ["<!-- end generated: topic-reference -->"],
            "docs/x.md:2: `<!-- end generated: topic-reference -->` ends no block",
        ),
        (
            ["<!-- generated: topic-reference (make docs) -->", "<!-- end generated: other -->"],
            "docs/x.md:3: `<!-- end generated: other -->` does not end block 'topic-reference' "
            "(line 2): the names must match",
        ),
        (
            ["<!-- generated: topic-reference -->"],
            "docs/x.md:2: `<!-- generated: topic-reference -->` is not a marker line",
        ),
    ],
)
def test_marker_mistakes_name_file_and_line(tmp_path, lines, message):
    root = docs_copy(tmp_path)
    (root / "docs" / "x.md").write_text("\n".join(["# X", *lines]) + "\n")
    for run in (gendocs.check, gendocs.write):
        with pytest.raises(InputError) as e:
            run(root)
        assert e.value.message.startswith(message)


def test_a_folder_without_docs_is_a_clear_error(tmp_path):
    with pytest.raises(InputError) as e:
        gendocs.check(tmp_path)
    assert e.value.message == (
        f"{tmp_path}: no docs/ folder here; `lectern docs` works in a "
        "checkout of Lectern's source (run `make docs` there)"
    )


def test_a_new_generator_is_one_entry_and_a_pair_of_markers(tmp_path, monkeypatch):
    root = docs_copy(tmp_path)
    monkeypatch.setitem(gendocs.GENERATORS, "extra", "pipeline.topicref:reference")
    assert gendocs.check(root)[-1].startswith(
        "generator 'extra' (pipeline.topicref:reference) has no block in docs/*.md or README.md"
    )
    extra = root / "docs" / "extra.md"
    extra.write_text(
        "# Extra\n\n<!-- generated: extra (make docs) -->\n<!-- end generated: extra -->\nafter\n"
    )
    gendocs.write(root)
    assert gendocs.check(root) == []
    text = extra.read_text()
    assert text.startswith("# Extra\n\n<!-- generated: extra (make docs) -->\n## Top level\n")
    assert text.endswith("\n<!-- end generated: extra -->\nafter\n")


# --- the scaffold -------------------------------------------------------------------------


@pytest.fixture
def scaffolded(tmp_path, monkeypatch):
    """The topic.yaml `make new TOPIC=my-course` writes."""
    monkeypatch.setenv("LECTERN_ROOT", str(tmp_path))
    scaffold.new_topic("my-course")
    return tmp_path / "courses" / "my-course" / "topic.yaml"


def uncommented(text: str) -> str:
    """The scaffold with every commented-out key line (`# base_url: …`) written in."""
    out = []
    for line in text.splitlines():
        m = KEY_LINE.match(line)
        out.append(m["indent"] + m["body"] if m and m["hash"] else line)
    return "\n".join(out) + "\n"


def test_scaffold_keys_are_settings_with_valid_values(scaffolded):
    topic = load_topic(scaffolded)
    assert topic.title == "My Course" and topic.llm.provider == "auto"
    suggested = scaffolded.with_name("all.yaml")
    suggested.write_text(uncommented(scaffolded.read_text()))
    full = load_topic(suggested)  # unknown keys and bad values are errors
    assert full.outline[0].lectures[0].title == "Why this matters"
    assert full.llm.base_url and full.llm.api_key_env and full.llm.context_tokens
    assert full.voice.base_url and full.voice.voice


def test_every_scaffold_key_line_is_explained(scaffolded):
    lines = scaffolded.read_text().splitlines()
    unexplained = []
    for i, line in enumerate(lines):
        m = KEY_LINE.match(line)
        if not m:
            continue
        above = lines[i - 1].strip() if i else ""
        prose_above = above.startswith("#") and not KEY_LINE.match(lines[i - 1])
        if not re.search(r"\s#\s", m["body"]) and not prose_above:
            unexplained.append(f"{i + 1}: {line.strip()}")
    assert len([line for line in lines if KEY_LINE.match(line)]) > 30
    assert unexplained == []

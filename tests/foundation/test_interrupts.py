"""Stopping a run never loses a person's files: Ctrl-C (SIGINT to the process group, as a
terminal sends it) or SIGTERM while drafts are being written by a slow LLM server."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
import yaml

from tests.conftest import make, person_env
from tests.llm.conftest import SLUG, write_topic
from tests.llm.server import FakeOpenAI


def _snapshot(root) -> dict[str, bytes]:
    """Every file under courses/ with its bytes (manifest lock files aside)."""
    base = root / "courses"
    return {
        p.relative_to(base).as_posix(): p.read_bytes()
        for p in sorted(base.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


def _start(root, *args: str, env: dict) -> subprocess.Popen:
    """`make ARGS` in its own process group, like a command typed in a terminal."""
    return subprocess.Popen(
        ["make", "--no-print-directory", *args],
        cwd=root,
        env={**person_env(), "LECTERN_ROOT": str(root), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _wait_for(condition, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError("timed out")
        time.sleep(0.05)


@pytest.fixture
def drafted(mk_project):
    """An LLM course with its six drafts written, one edited by hand, then a lecture
    retitled in the outline so that `make drafts` has one draft to ask for again."""
    server = FakeOpenAI().start()
    env = {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""}
    write_topic(mk_project, server.url)
    for stage in ("outline", "drafts"):
        assert make(mk_project, stage, f"TOPIC={SLUG}", env=env).returncode == 0
    lectures = sorted((mk_project / "courses" / SLUG / "lectures").glob("*.md"))
    assert len(lectures) == 6
    lectures[0].write_text(lectures[0].read_text() + "\nMy own closing words.\n")
    outline = mk_project / "courses" / SLUG / "outline.yaml"
    data = yaml.safe_load(outline.read_text())
    data["sections"][1]["lectures"][0]["title"] = "A reworded title"
    outline.write_text(yaml.safe_dump(data, sort_keys=False))
    yield mk_project, server, env
    server.stop()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_stopped_drafts_run_keeps_every_course_file(drafted, sig):
    root, server, env = drafted
    before, asked = _snapshot(root), len(server.requests)
    server.rule = lambda body: {"sleep": 3}  # the new draft is still being written
    proc = _start(root, "drafts", f"TOPIC={SLUG}", env=env)
    _wait_for(lambda: server.inflight > 0)
    time.sleep(0.3)
    os.killpg(proc.pid, sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode != 0
    assert "Deleting file" not in err and "Traceback" not in err, err
    after = _snapshot(root)
    lost = [rel for rel in before if rel not in after]
    assert lost == [], f"deleted by the interrupt: {lost}\n{err}"
    changed = [rel for rel in before if after[rel] != before[rel]]
    # only the retitled lecture's draft (paid for while the run was stopping) and the
    # manifest that records it may change; the hand edit is untouched
    assert all(rel.endswith(("02-01-topic-2-1.md", "manifest.json")) for rel in changed), changed
    assert after[next(r for r in before if r.endswith("01-01-topic-1-1.md"))].endswith(
        b"My own closing words.\n"
    )
    # the call in flight when the run stopped was saved: going on asks for nothing more
    paid = len(server.requests) - asked
    server.rule = None
    assert make(root, "drafts", f"TOPIC={SLUG}", env=env).returncode == 0
    assert len(server.requests) - asked == paid == 1

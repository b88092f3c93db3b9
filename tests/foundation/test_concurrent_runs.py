"""Two runs at once never pay twice: a second run of a course waits for the first, and
two courses missing the same paid call at once make it once."""

from __future__ import annotations

import shutil
import subprocess
import sys

from pipeline.course import Course
from pipeline.providers.tts import for_course
from pipeline.stages import narration
from tests.conftest import REPO, person_env, run_cli
from tests.llm.conftest import SLUG, write_topic
from tests.llm.server import FakeOpenAI
from tests.narration.fakes import FakeTTS
from tests.narration.helpers import LECTURE, set_topic


def _start(root, *args: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", *args],
        cwd=root,
        env={**person_env(), "LECTERN_ROOT": str(root), "PYTHONPATH": str(REPO), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_runs_of_one_course_draft_each_lecture_once(project):
    server = FakeOpenAI().start()
    env = {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""}
    write_topic(project, server.url)
    assert run_cli(project, "outline", SLUG, env=env).returncode == 0
    server.rule = lambda body: {"sleep": 0.3}
    try:
        runs = [_start(project, "drafts", SLUG, env=env) for _ in range(2)]
        errs = [run.communicate(timeout=300)[1] for run in runs]
    finally:
        server.stop()
    assert [run.returncode for run in runs] == [0, 0], errs
    drafts = [b for b in server.requests if "Lecture title" in b["messages"][1]["content"]]
    assert len(drafts) == 6
    assert any("another Lectern run" in err and "waiting" in err for err in errs)


def test_two_courses_speaking_the_same_sentences_pay_for_each_once(project):
    with FakeTTS() as tts:
        tts.delay = 0.05
        set_topic(
            project, voice={"provider": "openai", "voice": "nova", "base_url": tts.url + "/v1"}
        )
        shutil.copytree(project / "courses" / "example", project / "courses" / "twin")
        env = {"OPENAI_API_KEY": "sk-test"}
        runs = [
            _start(project, "narration", slug, "--lecture", LECTURE, env=env)
            for slug in ("example", "twin")
        ]
        errs = [run.communicate(timeout=300)[1] for run in runs]
        assert [run.returncode for run in runs] == [0, 0], errs
        course = Course.load("example", project)
        plan = narration.plan_lecture(course, LECTURE, for_course(course))
        unique = {line.text for slide in plan for line in slide.lines}
        assert sorted(tts.texts()) == sorted(unique)  # each sentence spoken once, for both

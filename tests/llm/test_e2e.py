"""End to end through the CLI, as `make course` runs it: a new topic, an OpenAI-compatible
server on 127.0.0.1, outline → drafts → scripts → quizzes, then a rerun with no request."""

from __future__ import annotations

from pipeline import slides
from pipeline.course import Course
from pipeline.models import load_quiz
from tests.conftest import run_cli
from tests.llm.conftest import SLUG, write_topic

STAGES = ("outline", "drafts", "scripts", "quizzes")


def test_new_topic_through_the_cli_then_a_rerun_makes_no_request(project, server):
    write_topic(project, server.url)
    topic = project / "courses" / SLUG / "topic.yaml"
    topic.write_text(topic.read_text().replace("review: []", "review: [outline, drafts]"))
    env = {"AUTO_APPROVE": "1", "OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""}
    for stage in STAGES:
        proc = run_cli(project, stage, SLUG, env=env)
        assert proc.returncode == 0, proc.stderr
    assert len(server.requests) == 15
    course = Course.load(SLUG, project)
    assert len(course.outline.lectures) == 6
    for lec in course.outline.lectures:
        assert len(slides.parse_file(course.slides_path(lec.id), course.image_dirs)) >= 3
    assert all(load_quiz(course.quiz_path(s.id)).questions for s in course.outline.sections)
    for stage in STAGES:
        assert run_cli(project, stage, SLUG, env=env).returncode == 0
    assert len(server.requests) == 15
    costs = run_cli(project, "costs", SLUG, env=env).stdout
    assert "total            15       0       0" in costs


def test_without_approval_drafts_stop_at_the_outline_checkpoint(project, server):
    write_topic(project, server.url)
    topic = project / "courses" / SLUG / "topic.yaml"
    topic.write_text(topic.read_text().replace("review: []", "review: [outline, drafts]"))
    env = {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""}
    assert run_cli(project, "outline", SLUG, env=env).returncode == 0
    proc = run_cli(project, "drafts", SLUG, env=env)
    assert proc.returncode == 75 and "make approve" in proc.stderr
    assert len(server.requests) == 1

"""Review checkpoints and approvals."""

from __future__ import annotations

import pytest
import yaml

from pipeline import review
from pipeline.course import Course
from pipeline.errors import CheckpointPending, InputError


def test_example_course_is_approved(project):
    course = Course.load("example")
    assert review.pending(course, "outline") == []
    assert review.pending(course, "drafts") == []


def test_editing_a_draft_reopens_the_checkpoint(project):
    course = Course.load("example")
    lec = course.outline.lectures[2]
    path = course.lecture_path(lec.id)
    path.write_text(path.read_text() + "\nOne more sentence.\n")
    assert review.pending(course, "drafts") == [f"lectures/{lec.id}.md"]
    with pytest.raises(CheckpointPending) as e:
        review.checkpoint(course, "drafts")
    assert e.value.exit_code == 75
    assert "make approve TOPIC=example STAGE=drafts" in e.value.message
    assert f"courses/example/lectures/{lec.id}.md" in e.value.message


def test_approve_records_who_when_and_hashes(project, monkeypatch):
    monkeypatch.setenv("LECTERN_USER", "Grace")
    course = Course.load("example")
    course.outline_path.write_text(course.outline_path.read_text() + "# reviewed\n")
    assert review.pending(course, "outline") == ["outline.yaml"]
    review.approve(course, "outline")
    record = yaml.safe_load(course.approvals_path.read_text())["outline"]
    assert record["approved_by"] == "Grace" and record["approved_at"]
    assert set(record["files"]) == {"outline.yaml"}
    assert review.pending(course, "outline") == []


def test_approving_a_stage_with_no_output_is_refused(project):
    course = Course.load("example")
    course.outline_path.unlink()
    with pytest.raises(InputError) as e:
        review.approve(course, "outline")
    assert "nothing to approve" in e.value.message
    assert "make outline TOPIC=example" in e.value.message


def test_auto_approve_and_empty_review_list_skip_checkpoints(project, monkeypatch):
    course = Course.load("example")
    course.outline_path.write_text(course.outline_path.read_text() + "# changed\n")
    monkeypatch.setenv("AUTO_APPROVE", "1")
    review.checkpoint(course, "outline")
    monkeypatch.delenv("AUTO_APPROVE")
    topic = course.topic_path
    topic.write_text(topic.read_text().replace("review: [outline, drafts]", "review: []"))
    review.checkpoint(Course.load("example"), "outline")

"""Edit protection: a person's edits are never overwritten."""

from __future__ import annotations

import json

from pipeline import protect
from pipeline.course import Course
from pipeline.keys import CODE, Key
from pipeline.stages import scripts


def test_hand_edit_survives_regeneration_with_proposal_beside(tmp_path):
    course_dir = tmp_path / "c"
    path = course_dir / "slides" / "a.md"
    assert protect.write(course_dir, path, "v1\n", Key("k1")) == protect.WRITTEN
    path.write_text("my careful edit\n")
    assert protect.write(course_dir, path, "v2\n", Key("k2")) == protect.PROPOSED
    assert path.read_text() == "my careful edit\n"
    assert protect.proposed_path(path).read_text() == "v2\n"
    assert protect.state(course_dir, path) == "edited"


def test_untouched_file_is_regenerated(tmp_path):
    path = tmp_path / "c" / "x.md"
    protect.write(tmp_path / "c", path, "v1\n", Key("k1"))
    assert protect.write(tmp_path / "c", path, "v2\n", Key("k2")) == protect.WRITTEN
    assert path.read_text() == "v2\n"
    assert not protect.proposed_path(path).exists()


def test_force_overwrites_after_backup(tmp_path):
    course_dir, path = tmp_path / "c", tmp_path / "c" / "x.md"
    protect.write(course_dir, path, "v1\n", Key("k1"))
    path.write_text("mine\n")
    assert protect.write(course_dir, path, "v2\n", Key("k2"), force=True) == protect.WRITTEN
    backups = list((course_dir / ".lectern" / "backup").glob("x.md.*"))
    assert [b.read_text() for b in backups] == ["mine\n"]
    assert path.read_text() == "v2\n"


def test_deleted_generated_file_is_not_recreated(tmp_path):
    course_dir, path = tmp_path / "c", tmp_path / "c" / "x.md"
    protect.write(course_dir, path, "v1\n", Key("k1"))
    path.unlink()
    assert protect.write(course_dir, path, "v2\n", Key("k2")) == protect.DELETED
    assert not path.exists()
    assert protect.state(course_dir, path) == "deleted"


def test_hand_written_file_is_adopted(tmp_path):
    course_dir, path = tmp_path / "c", tmp_path / "c" / "x.md"
    path.parent.mkdir(parents=True)
    path.write_text("written by a person\n")
    assert protect.is_current(course_dir, path, Key("k1"))
    assert protect.state(course_dir, path) == "authored"
    assert not protect.is_current(course_dir, path, Key("k2"))


def test_resolve_take_and_keep(tmp_path):
    course_dir, path = tmp_path / "c", tmp_path / "c" / "x.md"
    protect.write(course_dir, path, "v1\n", Key("k1"))
    path.write_text("mine\n")
    protect.write(course_dir, path, "v2\n", Key("k2"))
    protect.resolve(course_dir, path, take_proposed=False)
    assert path.read_text() == "mine\n" and protect.is_current(course_dir, path, Key("k2"))
    protect.write(course_dir, path, "v3\n", Key("k3"))
    protect.resolve(course_dir, path, take_proposed=True)
    assert path.read_text() == "v3\n" and protect.state(course_dir, path) == "generated"


def test_no_temp_files_left_behind(tmp_path):
    course_dir = tmp_path / "c"
    for i in range(5):
        protect.write(course_dir, course_dir / "x.md", f"v{i}\n", Key(f"k{i}"))
    leftovers = [p.name for p in course_dir.rglob("*.tmp")]
    assert leftovers == []
    assert json.loads((course_dir / ".lectern" / "manifest.json").read_text())["x.md"]


def test_edited_script_survives_lecture_change(project, monkeypatch):
    """The scenario a user cares about, end to end through the script stage."""
    monkeypatch.setenv("AUTO_APPROVE", "1")
    course = Course.load("example")
    lec = course.outline.lectures[0].id
    slides, lecture = course.slides_path(lec), course.lecture_path(lec)
    scripts.run(course, [lec])  # adopts the hand-written script
    original = slides.read_text()
    lecture.write_text(lecture.read_text() + "\n## One more idea\n\nA new closing paragraph.\n")
    scripts.run(Course.load("example"), [lec])
    assert slides.read_text() == original
    proposed = protect.proposed_path(slides).read_text()
    assert "## [bullets] One more idea" in proposed


def test_a_new_lectern_version_alone_proposes_nothing_for_a_persons_file(tmp_path):
    course_dir = tmp_path / "c"
    mine, made = course_dir / "slides" / "a.md", course_dir / "slides" / "b.md"
    old = Key("k1", {CODE: "v1", "the lecture": "l1"})
    protect.write(course_dir, mine, "v1\n", old)
    protect.write(course_dir, made, "v1\n", old)
    mine.write_text("my careful edit\n")
    newer = Key("k2", {CODE: "v2", "the lecture": "l1"})
    assert protect.is_current(course_dir, mine, newer)  # kept, and now recorded as current
    assert not protect.is_current(course_dir, made, newer)  # ours: made again by the new code
    lecture_changed = Key("k3", {CODE: "v2", "the lecture": "l2"})
    assert not protect.is_current(course_dir, mine, lecture_changed)

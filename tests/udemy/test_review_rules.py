"""The review rules Udemy applies to a TTS course: an introduction, visuals that change
(measured from the MP4s), and lectures as long as the outline planned (a warning)."""

from __future__ import annotations

from pipeline.checks import udemy as checks
from pipeline.course import Course
from pipeline.stages import udemy


def _rule(course: Course, name: str) -> checks.Rule:
    fresh = Course.load(course.slug, course.root)
    return next(r for r in checks.check(fresh) if r.name.startswith(name))


def test_course_without_introduction_fails(built):
    assert _rule(built, "introduction lecture").ok  # marked `intro: true`, names both
    outline = built.outline_path
    outline.write_text(outline.read_text().replace("        intro: true\n", ""))
    rule = _rule(built, "introduction lecture")
    assert not rule.ok and rule.detail == "no lecture introduces the course"
    assert "outline.yaml" in rule.fix and "intro: true" in rule.fix


def test_introduction_must_walk_through_every_section(built):
    draft = built.lecture_path("01-01-first-page")
    draft.write_text("# Your first page?\n\nWelcome. We start with HTML tags.\n")
    rule = _rule(built, "introduction lecture")
    assert not rule.ok and "'CSS / styling'" in rule.detail
    assert "'HTML: the structure'" not in rule.detail  # "tags" names a lecture of it


def test_thirty_second_still_fails_then_changing_picture_passes(built, media):
    rule = _rule(built, "visuals change")
    assert rule.ok and "median 1.0 s between changes" in rule.detail
    media.place(built, "02-01-selectors", 30, still=True)
    rule = _rule(built, "visuals change")
    assert not rule.ok
    assert (
        rule.detail
        == "02-01-selectors: still 30.0 s from 0:00; 02-01-selectors: median 30.0 s between changes"
    )
    assert "build steps" in rule.fix
    media.place(built, "02-01-selectors", 30)
    assert _rule(built, "visuals change").ok


def test_thresholds_come_from_topic_yaml(built, media):
    media.place(built, "02-01-selectors", 12, still=True)
    assert not _rule(built, "visuals change").ok  # one picture: median 12 s > 8 s
    topic = built.topic_path
    text = topic.read_text()
    topic.write_text(text.replace("udemy:\n", "udemy:\n  median_still_seconds: 15\n", 1))
    assert _rule(built, "visuals change").ok


def test_lecture_far_from_its_minutes_is_a_warning_not_a_failure(built, media):
    rule = _rule(built, "lectures as long as planned")  # 2-s videos for 6-min lectures
    assert not rule.ok and rule.warning
    assert "01-01-first-page 0:02 of 6:00 planned (-99%)" in rule.detail
    for lec in built.outline.lectures:
        media.place(built, lec.id, 408)
    assert _rule(built, "lectures as long as planned").ok
    report = checks.report(Course.load(built.slug, built.root))
    assert "READY for Udemy: all 17 rules pass." in report


def test_stage_writes_check_md(built, media):
    for lec in built.outline.lectures:
        media.place(built, lec.id, 408)
    udemy.run(Course.load(built.slug, built.root))
    text = (built.out / "udemy" / "CHECK.md").read_text()
    assert text.startswith("# Udemy check: ")
    assert "**READY for Udemy: all 17 rules pass.**" in text
    assert "| PASS | visuals change" in text

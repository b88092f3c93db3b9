"""check-udemy: each rule fails on a course that breaks it and passes once fixed."""

from __future__ import annotations

from pipeline.checks import udemy as checks
from pipeline.course import Course
from pipeline.stages import udemy
from tests.conftest import run_cli

SHORT, LONG = 348, 408  # 5 x 348 s = 29:00; 4 x 348 s + 408 s = 30:00


def _rule(course: Course, name: str) -> checks.Rule:
    return next(
        r for r in checks.check(Course.load(course.slug, course.root)) if r.name.startswith(name)
    )


def test_four_lectures_fail_five_pass(mini):
    outline = mini.outline_path
    full = outline.read_text()
    cut = full[: full.index("      - id: 02-02-flexbox")]
    outline.write_text(cut)
    rule = _rule(mini, "at least 5 lectures")
    assert not rule.ok and rule.detail == "4 lectures" and "outline.yaml" in rule.fix
    outline.write_text(full)
    assert _rule(mini, "at least 5 lectures").ok


def test_29_minutes_fail_30_pass(mini, media):
    ids = [x.id for x in mini.outline.lectures]
    for lecture_id in ids:
        media.place(mini, lecture_id, SHORT)
    rule = _rule(mini, "at least 30 minutes")
    assert not rule.ok and rule.detail == "29:00 in 5 videos"
    media.place(mini, ids[-1], LONG)
    rule = _rule(mini, "at least 30 minutes")
    assert rule.ok and rule.detail == "30:00 in 5 videos"


def test_title_of_61_characters_fails(mini):
    topic = mini.topic_path
    text = topic.read_text()
    topic.write_text(text.replace('"Tiny HTML & CSS"', '"' + "x" * 61 + '"'))
    rule = _rule(mini, "title at most 60")
    assert not rule.ok and rule.detail == "61 characters"
    topic.write_text(text.replace('"Tiny HTML & CSS"', '"' + "x" * 60 + '"'))
    assert _rule(mini, "title at most 60").ok


def test_video_format_and_captions(built, media):
    assert _rule(built, "videos are 720p+").ok and _rule(built, "captions").ok
    media.place(built, "01-03-forms", 2, size="640x360", layout="mono")
    rule = _rule(built, "videos are 720p+")
    assert not rule.ok and "640x360" in rule.detail and "1 channel" in rule.detail
    media.place(built, "01-03-forms", 2)
    vtt = built.video_path("01-03-forms").with_suffix(".vtt")
    vtt.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:00.500\nBackwards.\n")
    rule = _rule(built, "captions")
    assert not rule.ok and "01-03-forms.vtt:3" in rule.detail
    vtt.write_text("1\n00:00:00,000 --> 00:00:01,000\nThis is SRT.\n")
    assert "WEBVTT" in _rule(built, "captions").detail
    vtt.unlink()
    assert "01-03-forms: no captions" in _rule(built, "captions").detail


def test_landing_rules_fail_then_pass(mini):
    topic = mini.topic_path
    good = topic.read_text()
    bad = good.replace("A five-lecture", "A" + " very" * 30 + " five-lecture")
    bad = bad.replace("  - Lay out a page with flexbox\n", "").replace(
        'audience: "People who have never written a web page."', ""
    )
    bad = bad[: bad.index("book:")]  # without book.description: under 200 words
    topic.write_text(bad)
    (mini.outline_path).write_text(
        mini.outline_path.read_text().replace(
            "objectives: [Write the skeleton of an HTML page]", "objectives: []"
        )
    )
    names = {r.name: r.ok for r in checks.check(Course.load("mini", mini.root))}
    assert not names["subtitle 1 to 120 characters"]
    assert not names["requirements and intended learners"]
    assert not names["description at least 200 words"]
    assert names["at least 4 learning objectives"]  # topped up from lecture objectives
    topic.write_text(good)
    names = {r.name: r.ok for r in checks.check(Course.load("mini", mini.root))}
    assert names["subtitle 1 to 120 characters"] and names["requirements and intended learners"]
    assert names["description at least 200 words"]


def test_full_course_is_ready_and_cli_reports(built, media):
    ids = [x.id for x in built.outline.lectures]
    for lecture_id in ids[:-1]:
        media.place(built, lecture_id, SHORT)
    media.place(built, ids[-1], LONG)
    proc = run_cli(built.root, "udemy", "mini")
    assert proc.returncode == 0, proc.stderr
    assert "READY for Udemy: all 17 rules pass." in proc.stdout
    assert "FAIL" not in proc.stdout and udemy.STAGE.target(built).exists()
    built.video_path(ids[0]).unlink()  # a draft: one video not rendered yet
    proc = run_cli(built.root, "check-udemy", "mini")
    assert proc.returncode == 0
    assert "NOT READY for Udemy: 2 of 17 rules fail" in proc.stdout
    assert "FAIL  every lecture has a video: missing: 01-01-first-page" in proc.stdout
    assert "FAIL  at least 30 minutes of video: 24:12 in 4 videos" in proc.stdout

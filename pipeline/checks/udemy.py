"""`lectern check-udemy TOPIC`: every Udemy rule the course must meet, with the fix.

Sources are checked as they are now (lecture count, landing page); files Udemy receives
(videos, captions, the image, the practice-test CSV) are measured as built.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from pipeline.checks import dynamics, lectures
from pipeline.checks.captions import captions_readable_rule
from pipeline.checks.pronunciation import pronunciation_rule
from pipeline.checks.rule import Rule
from pipeline.course import Course
from pipeline.udemy import image, landing, layout, probe, quizzes, vtt

MIN_LECTURES, MIN_MINUTES = 5, 30
MAX_TITLE, MAX_SUBTITLE, MIN_WORDS, MIN_OBJECTIVES = 60, 120, 200, 4
MIN_IMAGE = (750, 422)


def check(course: Course) -> list[Rule]:
    """Every rule, in the order Udemy's review looks at them."""
    videos = _videos(course)
    page = landing.build(course)
    return [
        lectures_rule(course),
        lectures.intro_rule(course),
        videos_present_rule(course, videos),
        duration_rule(course, videos),
        lectures.length_rule(course, videos),
        dynamics.dynamics_rule(course, videos),
        format_rule(course, videos),
        captions_rule(course, videos),
        captions_readable_rule(course, videos),
        pronunciation_rule(course),
        title_rule(page),
        subtitle_rule(page),
        description_rule(page),
        disclosure_rule(course, page),
        objectives_rule(page),
        learners_rule(course, page),
        image_rule(course),
        csv_rule(course),
    ]


def _videos(course: Course) -> dict[str, probe.MediaInfo | None]:
    """Each lecture's video facts, or None when the video is not rendered yet."""
    return {
        lec.id: probe.probe(p) if (p := course.video_path(lec.id)).exists() else None
        for lec in course.outline.lectures
    }


def lectures_rule(course: Course) -> Rule:
    """Udemy publishes courses of 5 or more lectures."""
    n = len(course.outline.lectures)
    return Rule(
        f"at least {MIN_LECTURES} lectures",
        n >= MIN_LECTURES,
        f"{n} lectures",
        f"add {MIN_LECTURES - n} more lecture(s) to courses/{course.slug}/outline.yaml",
    )


def videos_present_rule(course: Course, videos: dict) -> Rule:
    """Every lecture needs its video."""
    missing = [i for i, v in videos.items() if v is None]
    return Rule(
        "every lecture has a video",
        not missing,
        f"missing: {', '.join(missing)}" if missing else f"{len(videos)} videos",
        f"run `make video TOPIC={course.slug}`",
    )


def duration_rule(course: Course, videos: dict) -> Rule:
    """Udemy's minimum of 30 minutes of video in total."""
    total = sum(v.duration for v in videos.values() if v)
    short = MIN_MINUTES * 60 - total
    return Rule(
        f"at least {MIN_MINUTES} minutes of video",
        short <= 0,
        f"{probe.clock(total)} in {sum(1 for v in videos.values() if v)} videos",
        f"add about {probe.clock(max(short, 0))} of video: more lectures or longer "
        f"ones in courses/{course.slug}/outline.yaml and the slide scripts",
    )


def format_rule(course: Course, videos: dict) -> Rule:
    """HD (720p or more), H.264 video with AAC stereo audio."""
    bad = [f"{i} ({why})" for i, v in videos.items() if v and (why := _format_problem(v))]
    seen = [v for v in videos.values() if v]
    return Rule(
        "videos are 720p+, H.264/AAC, stereo",
        bool(seen) and not bad,
        "; ".join(bad) if bad else f"{len(seen)} videos checked",
        f"re-render them: `make video TOPIC={course.slug} FORCE=1` "
        "(video.resolution: 720 or 1080 in topic.yaml)",
    )


def _format_problem(v: probe.MediaInfo) -> str:
    issues = [
        f"{v.width}x{v.height}" if v.height < 720 else "",
        f"video {v.vcodec}" if v.vcodec != "h264" else "",
        f"audio {v.acodec}" if v.acodec != "aac" else "",
        f"{v.channels} channel(s)" if v.channels != 2 else "",
    ]
    return ", ".join(x for x in issues if x)


def captions_rule(course: Course, videos: dict) -> Rule:
    """A valid WebVTT caption beside every video."""
    errs = []
    for lecture_id, info in videos.items():
        path = course.video_path(lecture_id).with_suffix(".vtt")
        if not path.exists():
            errs.append(f"{lecture_id}: no captions")
        else:
            errs += vtt.problems(path, info.duration if info else None)
    return Rule(
        "captions present and valid WebVTT",
        not errs,
        "; ".join(errs[:5]) if errs else f"{len(videos)} caption files",
        f"re-render the listed lectures: `make video TOPIC={course.slug}`",
    )


def title_rule(page: landing.Landing) -> Rule:
    """Udemy's title field holds at most 60 characters."""
    n = len(page.title)
    return Rule(
        f"title at most {MAX_TITLE} characters",
        0 < n <= MAX_TITLE,
        f"{n} characters",
        f"shorten `title:` in topic.yaml by {n - MAX_TITLE}",
    )


def subtitle_rule(page: landing.Landing) -> Rule:
    """Udemy's subtitle field holds 1 to 120 characters."""
    n = len(page.subtitle)
    return Rule(
        f"subtitle 1 to {MAX_SUBTITLE} characters",
        0 < n <= MAX_SUBTITLE,
        f"{n} characters",
        "write `subtitle:` in topic.yaml, at most 120 characters",
    )


def description_rule(page: landing.Landing) -> Rule:
    """Udemy asks for a description of at least 200 words."""
    n = landing.words(page.description)
    return Rule(
        f"description at least {MIN_WORDS} words",
        n >= MIN_WORDS,
        f"{n} words",
        "add objectives and key points to outline.yaml, or `book.description` and "
        "`goals` to topic.yaml",
    )


def disclosure_rule(course: Course, page: landing.Landing) -> Rule:
    """AI-written content must be disclosed in the description's first sentence."""
    if not course.topic.uses_llm:
        return Rule("AI use disclosed", True, "no LLM wrote content (llm.provider: none)")
    ok = page.description.startswith(landing.DISCLOSURE)
    return Rule(
        "AI use disclosed",
        ok,
        "description begins with the disclosure"
        if ok
        else "description does not begin with the disclosure",
        f'begin the description with "{landing.DISCLOSURE}"',
    )


def objectives_rule(page: landing.Landing) -> Rule:
    """At least 4 learning objectives, each within Udemy's 160 characters."""
    long = [o for o in page.objectives if len(o) > 160]
    n = len(page.objectives)
    return Rule(
        f"at least {MIN_OBJECTIVES} learning objectives",
        n >= MIN_OBJECTIVES and not long,
        f"{n} objectives" + (f", {len(long)} over 160 characters" if long else ""),
        "add `goals:` to topic.yaml (4 or more, each under 160 characters)",
    )


def learners_rule(course: Course, page: landing.Landing) -> Rule:
    """The intended-learners page needs requirements and who the course is for."""
    gaps = [
        k
        for k, v in (("udemy.requirements", page.requirements), ("audience", page.learners))
        if not v
    ]
    return Rule(
        "requirements and intended learners",
        not gaps,
        "missing " + ", ".join(gaps) if gaps else "both filled in",
        f"fill in {' and '.join(gaps)} in courses/{course.slug}/topic.yaml",
    )


def image_rule(course: Course) -> Rule:
    """A course image of at least 750x422 at 16:9 (text-free by construction)."""
    path = bundle_path(course) / "course-image.jpg"
    data = path.read_bytes() if path.exists() else image.render(course.theme, course.slug)
    with Image.open(io.BytesIO(data)) as img:
        (w, h), fmt = img.size, img.format
    ok = fmt == "JPEG" and w >= MIN_IMAGE[0] and h >= MIN_IMAGE[1] and abs(w / h - 16 / 9) < 0.01
    return Rule(
        "course image 750x422 or larger, 16:9",
        ok,
        f"{w}x{h} {fmt}",
        f"run `make udemy TOPIC={course.slug} FORCE=1` to redraw it",
    )


def csv_rule(course: Course) -> Rule:
    """The practice-test CSV has Udemy's exact shape."""
    plan = layout.plan(course)
    pairs = [(sf.section.title, sf.quiz) for sf in plan if sf.quiz]
    if not pairs:
        return Rule("practice-test CSV shape", True, "no quizzes, so no practice test")
    path = bundle_path(course) / "quizzes" / "practice-test.csv"
    data = path.read_bytes() if path.exists() else quizzes.practice_test_csv(pairs)
    errs = quizzes.csv_problems(data)
    n = sum(len(q.questions) for _, q in pairs)
    detail = "; ".join(errs[:3]) if errs else f"17 columns, UTF-8 without BOM, {n} questions"
    return Rule(
        "practice-test CSV shape",
        not errs,
        detail,
        f"fix the quizzes in courses/{course.slug}/quizzes/ and run "
        f"`make udemy TOPIC={course.slug}`",
    )


def report(course: Course, rules: list[Rule] | None = None) -> str:
    """The rules as text, ending with READY or a clear NOT READY."""
    rules = check(course) if rules is None else rules
    lines = [f"Udemy check: {course.topic.title} ({course.slug})", ""]
    for r in rules:
        lines.append(f"  {verdict(r)}  {r.name}: {r.detail}")
        if not r.ok and r.fix:
            lines.append(f"        fix: {r.fix}")
    return "\n".join([*lines, "", summary(rules)])


def markdown(course: Course, rules: list[Rule]) -> str:
    """The same report as output/T/udemy/CHECK.md: a table, then each fix."""
    rows = [f"| {verdict(r)} | {_cell(r.name)} | {_cell(r.detail)} |" for r in rules]
    fixes = [f"- **{_cell(r.name)}**: {r.fix}" for r in rules if not r.ok and r.fix]
    return "\n".join(
        [
            f"# Udemy check: {course.topic.title}",
            "",
            f"**{summary(rules)}**",
            "",
            "| Verdict | Rule | Measured |",
            "|---|---|---|",
            *rows,
            *(["", "## How to fix", "", *fixes] if fixes else []),
            "",
        ]
    )


def _cell(text: str) -> str:
    """Text that stays inside one Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def verdict(r: Rule) -> str:
    """PASS, FAIL, or WARN for advice that does not hold the course back."""
    return "PASS" if r.ok else ("WARN" if r.warning else "FAIL")


def summary(rules: list[Rule]) -> str:
    """READY, or NOT READY with how many rules fail (warnings are not rules to pass)."""
    binding = [r for r in rules if not r.warning]
    failed = sum(not r.ok for r in binding)
    if not failed:
        return f"READY for Udemy: all {len(binding)} rules pass."
    return (
        f"NOT READY for Udemy: {failed} of {len(binding)} rules fail (the bundle is built "
        "anyway, as a draft)."
    )


def bundle_path(course: Course) -> Path:
    """Where the built bundle lives (the checker reads its image and CSV)."""
    return course.out / "udemy"

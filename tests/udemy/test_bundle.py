"""The bundle: curriculum order, safe zip, landing page, image, reruns (secrets: test_secrets)."""

from __future__ import annotations

import csv
import zipfile
from pathlib import PurePosixPath

import markdown
from PIL import Image

from pipeline.course import Course
from pipeline.stages import udemy
from pipeline.udemy import landing
from tests.themes import write_theme


def _reload(course: Course) -> Course:
    return Course.load(course.slug, course.root)


def test_bundle_order_matches_outline(built):
    udemy.run(built)
    bundle = udemy.bundle_dir(built)
    rows = list(csv.DictReader((bundle / "curriculum.csv").open(encoding="utf-8")))
    outline = [x.id for s in built.outline.sections for x in s.lectures]
    assert [r["ID"] for r in rows if r["Type"] == "lecture"] == outline
    assert [r["Type"] for r in rows].count("quiz") == 2
    assert rows[3]["Type"] == "quiz" and rows[3]["ID"] == "01-html"  # after its section
    folders = sorted(p.name for p in (bundle / "curriculum").iterdir())
    assert folders == ["01 - HTML the structure", "02 - CSS styling"]
    with zipfile.ZipFile(udemy.STAGE.target(built)) as zf:
        videos = [n for n in zf.namelist() if n.endswith(".mp4")]
    assert [PurePosixPath(v).name for v in videos] == [
        "01 - Your first page.mp4",
        "02 - Tags and attributes.mp4",
        "03 - Forms.mp4",
        "01 - Selectors.mp4",
        "02 - Flexbox.mp4",
    ]
    lecture_files = sorted((bundle / "curriculum" / folders[0]).iterdir())
    assert len(lecture_files) == 3 * 4  # mp4, vtt, pptx and pdf per lecture


def test_zip_has_no_path_outside_the_bundle(built, monkeypatch):
    secret = "sk-test-0123456789abcdef"
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    (built.root / ".env").write_text(f"OPENAI_API_KEY={secret}\n")
    (built.cache_dir).mkdir(parents=True, exist_ok=True)
    (built.cache_dir / "call.json").write_text("{}")
    (built.out / "ledger.jsonl").write_text("{}\n")
    udemy.run(built)
    with zipfile.ZipFile(udemy.STAGE.target(built)) as zf:
        names = zf.namelist()
        blobs = [zf.read(n) for n in names]
        assert zf.testzip() is None
    assert names and all(n.startswith("mini-udemy/") for n in names)
    for name in names:
        p = PurePosixPath(name)
        assert not p.is_absolute() and ".." not in p.parts and "\\" not in name
    assert not any(x in n for n in names for x in (".env", ".cache", "ledger", ".stamps"))
    assert not any(secret.encode() in b for b in blobs)
    assert len(names) == len(set(names)) == 5 * 4 + 4 + 3  # lecture files, texts, quizzes


def test_rerun_skips_and_changes_rebuild(built):
    udemy.run(built)
    zip_path = udemy.STAGE.target(built)
    first = zip_path.stat().st_ino
    udemy.run(_reload(built))
    assert zip_path.stat().st_ino == first  # fresh: not rewritten
    built.video_path("02-02-flexbox").with_suffix(".vtt").write_text(
        "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nChanged.\n"
    )
    udemy.run(_reload(built))
    assert zip_path.stat().st_ino != first
    with zipfile.ZipFile(zip_path) as zf:
        assert b"Changed." in zf.read("mini-udemy/curriculum/02 - CSS styling/02 - Flexbox.vtt")


def test_landing_page_and_disclosure(built):
    udemy.run(built)
    text = (udemy.bundle_dir(built) / "landing-page.md").read_text(encoding="utf-8")
    assert "## Course title\n\nTiny HTML & CSS\n" in text
    assert "- A text editor and a web browser" in text and "Beginner Level" in text
    page = landing.build(built)
    assert landing.words(page.description) >= 200 and len(page.objectives) >= 4
    assert not page.description.startswith(landing.DISCLOSURE)
    topic = built.topic_path
    # with an LLM (the offline `fake` provider) it drafts the page, and it is disclosed
    topic.write_text(topic.read_text().replace("provider: none", "provider: fake"))
    ai = landing.build(_reload(built))
    assert ai.description.startswith(landing.DISCLOSURE + "\n\n")


def test_course_image_uses_theme_and_size(built):
    write_theme(
        built.root / "assets" / "themes" / "default" / "theme.yaml",
        title_background="102030",
        text="203040",
        accent="FF8800",
    )
    udemy.run(_reload(built))
    with Image.open(udemy.bundle_dir(built) / "course-image.jpg") as img:
        assert img.format == "JPEG" and img.size == (2048, 1152)
        corner = img.convert("RGB").getpixel((4, 4))
    assert all(abs(a - b) <= 24 for a, b in zip(corner, (0x10, 0x20, 0x30), strict=True))


def test_quiz_document_shows_tags_when_rendered(built):
    udemy.run(built)
    doc = (udemy.bundle_dir(built) / "quizzes" / "01 - HTML the structure.md").read_text()
    assert 'after the lecture "Forms". 2 questions.' in doc
    assert "1. A generic block container, with no meaning of its own — **correct**" in doc
    rendered = markdown.markdown(doc)
    assert "written <code>&lt;div&gt;</code>, and why?" in rendered
    assert "<div>" not in rendered

"""Hostile or broken slide scripts: each is a located error (or warning) with the fix, and
the deck already built stays as it was."""

from __future__ import annotations

import pytest
from PIL import Image

from pipeline.errors import InputError
from pipeline.slides import parse_file
from tests.conftest import run_cli

LECTURE = "01-01-why-comprehensions"
SCRIPT = f"courses/example/slides/{LECTURE}.md"
DECK = f"output/example/decks/{LECTURE}.pptx"


def _image_slide(value: str) -> str:
    return f"## [image] A chart\n@image: {value}\n\nNote:\nLook at this chart.\n"


@pytest.fixture
def built(project):
    """The example project with the lecture's deck already made."""
    assert run_cli(project, "decks", "example", "--lecture", LECTURE).returncode == 0
    return project


def _deck_fails(root, script: str) -> str:
    """Write the script, run the deck stage; the old deck must survive. The error line."""
    before = (root / DECK).read_bytes()
    (root / SCRIPT).write_text(script, encoding="utf-8")
    proc = run_cli(root, "decks", "example", "--lecture", LECTURE)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert (root / DECK).read_bytes() == before
    return proc.stderr.strip()


def test_images_outside_the_course_are_refused(built, tmp_path):
    secret = tmp_path / "private.png"
    Image.new("RGB", (64, 64), "red").save(secret)
    images = built / "courses/example/images"
    images.mkdir()
    (images / "link.png").symlink_to(secret)
    (built / ".env.png").write_bytes(secret.read_bytes())
    (built / "output/example/shot.png").write_bytes(secret.read_bytes())
    script = built / SCRIPT
    tail = (
        f"; copy the file into {built}/courses/example/ or {built}/assets/ and name it from there"
    )
    for value, target in [
        (str(secret), secret),
        ("../../../private.png", secret),
        ("images/link.png", secret),
        ("../../output/example/shot.png", built / "output/example/shot.png"),
    ]:
        assert _deck_fails(built, _image_slide(value)) == (
            f"error: {script}:2: image '{value}' is outside the course (it is {target}, "
            f"symlinks followed){tail}"
        )
    assert _deck_fails(built, _image_slide("../../.env.png")) == (
        f"error: {script}:2: image '../../.env.png' is outside the course (it is "
        f"{built}/.env.png, symlinks followed){tail}"
    )
    (built / "assets/.private.png").write_bytes(secret.read_bytes())
    assert _deck_fails(built, _image_slide("assets/.private.png")) == (
        f"error: {script}:2: image 'assets/.private.png' is in a hidden file or folder "
        f"(.private.png){tail}"
    )


def test_a_png_that_is_not_an_image_is_a_located_error(built):
    images = built / "courses/example/images"
    images.mkdir()
    (images / "chart.png").write_text("not really a picture")
    msg = _deck_fails(
        built, "## [title] Hi\n\nNote:\nHello.\n\n---\n\n" + _image_slide("images/chart.png")
    )
    assert msg == (
        f"error: {built / SCRIPT}:9: 'images/chart.png' is not an image Pillow can "
        "read (its content is not in any image format); save it as PNG or JPEG"
    )


@pytest.mark.parametrize("value", ["inf", "1e9", "nan", "-1", "60.5"])
def test_pause_outside_0_to_60_seconds_is_a_located_error(tmp_path, value):
    path = tmp_path / "s.md"
    path.write_text(f"## [bullets] P\n- one\n\nNote:\nSay this.\n@pause: {value}\n")
    with pytest.raises(InputError) as e:
        parse_file(path)
    assert e.value.message == f"{path}:6: @pause: must be between 0 and 60 seconds, not '{value}'"
    path.write_text("## [bullets] P\n- one\n\nNote:\nSay this.\n@pause: 60\n")
    assert parse_file(path)[0].pause == 60


def test_a_script_that_is_not_utf8_names_the_line_and_byte(built):
    good = (built / SCRIPT).read_bytes()
    bad = good.replace(b"Let's begin.", b"Let's begin at the caf\xe9.", 1)
    offset = bad.index(b"\xe9")
    before = (built / DECK).read_bytes()
    (built / SCRIPT).write_bytes(bad)
    proc = run_cli(built, "decks", "example", "--lecture", LECTURE)
    assert proc.returncode == 1 and (built / DECK).read_bytes() == before
    assert proc.stderr.strip() == (
        f"error: {built / SCRIPT}:5: not UTF-8 text (byte 0xe9 at byte {offset} of the file); "
        "save it as UTF-8 (in most editors: Save with Encoding > UTF-8)"
    )


def test_a_slide_split_into_too_many_parts_for_its_note_warns(project):
    # builds off: 120 bullets would make 120 build states, which this test is not about
    bullets = "\n".join(f"- Point number {n} about comprehensions" for n in range(120))
    (project / SCRIPT).write_text(
        f"## [title] Hi\n\nNote:\nHello.\n\n---\n\n"
        f"## [bullets] Everything\n@build: off\n{bullets}\n\nNote:\n"
        "Here is everything at once, all in one slide.\n"
    )
    proc = run_cli(project, "decks", "example", "--lecture", LECTURE)
    assert proc.returncode == 0, proc.stderr
    warning = next(x for x in proc.stderr.splitlines() if x.startswith("warning:"))
    parts = int(warning.split("continues on ")[1].split()[0])
    assert parts > 3
    assert warning == (
        f"warning: {SCRIPT}:8: slide 'Everything' is too long to fit: it continues on {parts} "
        f"deck slides, but its note (about 4 s spoken) keeps each on screen for about "
        f"{3.6 / parts:.1f} s, less than video.min_slide_seconds (2 s). Split it into several "
        "slides, or lengthen its note"
    )
    # A note long enough to carry every part: no warning.
    words = " ".join(["word"] * (parts * 6))
    (project / SCRIPT).write_text(
        f"## [bullets] Everything\n@build: off\n{bullets}\n\nNote:\n{words}.\n"
    )
    proc = run_cli(project, "decks", "example", "--lecture", LECTURE)
    assert proc.returncode == 0 and "warning:" not in proc.stderr, proc.stderr


def test_a_theme_outside_the_course_is_refused(project, tmp_path):
    from pipeline.course import Course
    from pipeline.errors import ConfigError
    from pipeline.theme.load import load

    theme = project / "assets/themes/default/theme.yaml"
    (tmp_path / "brand.yaml").write_bytes(theme.read_bytes())
    (tmp_path / "evil").mkdir()
    (tmp_path / "evil/theme.yaml").write_bytes(theme.read_bytes())
    topic = project / "courses/example/topic.yaml"
    for value, message in [
        (
            "../../../brand.yaml",
            f"{topic}: theme: file '../../../brand.yaml' is outside the "
            f"course (it is {tmp_path}/brand.yaml, symlinks followed); copy the file into "
            f"{project}/courses/example/ or {project}/assets/ and name it from there",
        ),
        (
            "../../../evil",
            f"{topic}: theme: '../../../evil' is not a theme. Use one of: "
            "dark, default; or a path to your own .pptx template or theme.yaml",
        ),
    ]:
        topic.write_text(topic.read_text().replace("theme: default", f"theme: {value}"))
        with pytest.raises(ConfigError) as e:
            load(Course.load("example", project))
        assert e.value.message == message
        topic.write_text(topic.read_text().replace(f"theme: {value}", "theme: default"))

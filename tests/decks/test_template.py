"""`theme: brand.pptx`: the person's masters and layouts are used, not copied over."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu

from pipeline.course import Course
from pipeline.errors import ConfigError
from pipeline.stages import decks
from tests.decks import lo

LEC = "01-01-why-comprehensions"
BRAND = (0xFF, 0xF4, 0xE0)  # the template master's background


def make_template(path, wide: bool = True) -> None:
    """A small template: a coloured master background and one sample slide to discard."""
    prs = Presentation()
    if wide:
        prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)
    fill = prs.slide_master.background.fill
    fill.solid()
    fill.fore_color.rgb = RGBColor(*BRAND)
    prs.slides.add_slide(prs.slide_layouts[0]).shapes.title.text = "Sample slide to remove"
    prs.save(str(path))


def use_template(project, name: str = "brand.pptx") -> Course:
    topic = project / "courses" / "example" / "topic.yaml"
    topic.write_text(topic.read_text().replace("theme: default", f"theme: {name}"))
    return Course.load("example", project)


def test_template_masters_and_layouts_are_used(project, tmp_path):
    make_template(project / "courses" / "example" / "brand.pptx")
    course = use_template(project)
    theme = course.theme
    assert theme.color("accent") == "4F81BD"  # accent1 of the template's colour scheme
    decks.run(course, [LEC])
    prs = Presentation(str(decks.STAGE.target(course, LEC)))
    texts = [sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame]
    assert not any("Sample slide to remove" in t for t in texts)
    assert len(prs.slides) == 8 and len(prs.slide_masters) == 1
    layouts = [s.slide_layout.name for s in prs.slides]
    assert layouts == ["Title Slide"] + ["Title Only"] * 7
    assert prs.slide_master.background.fill.fore_color.rgb == RGBColor(*BRAND)
    assert prs.slides[0].shapes.title.text == "Why comprehensions?"
    assert prs.slides[1].shapes.title.text == "What you will learn"
    assert all(s.has_notes_slide and s.notes_slide.notes_text_frame.text for s in prs.slides)
    pdf = lo.to_pdfs([decks.STAGE.target(course, LEC)], tmp_path)[0]
    assert lo.pages(pdf) == 8
    frame = lo.page_pixels(pdf, 2)
    assert np.abs(frame[540, 1900] - np.array(BRAND)).max() <= 3  # master background shows
    assert lo.changed(frame, np.full_like(frame, BRAND)).sum() > 20000  # and the content


def test_template_that_is_not_widescreen_is_refused(project):
    make_template(project / "courses" / "example" / "old.pptx", wide=False)
    course = use_template(project, "old.pptx")
    with pytest.raises(ConfigError, match=r"old\.pptx.*not 16:9.*Widescreen"):
        decks.run(course, [LEC])


def test_unknown_theme_lists_the_choices(project):
    course = use_template(project, "sparkly")
    with pytest.raises(ConfigError, match=r"topic\.yaml: theme: 'sparkly'.*dark, default"):
        decks.run(course, [LEC])


def test_template_colours_reach_the_cover_course_image_and_cards(project):
    from pipeline.book import cover
    from pipeline.udemy import image
    from pipeline.video import pictures

    make_template(project / "courses" / "example" / "brand.pptx")
    course = use_template(project)
    t = course.topic
    # python-pptx's default scheme: dk1 000000, dk2 1F497D, lt1 FFFFFF, lt2 EEECE1, accent1 4F81BD
    jpeg = Image.open(io.BytesIO(cover.generate(t.title, t.subtitle, t.author, course.theme)))
    assert _near(jpeg.convert("RGB").getpixel((4, 4)), (0x1F, 0x49, 0x7D))
    colours, fonts = pictures.card_style(course.theme)
    card = pictures.card((1920, 1080), "Intro", t.title, colours, fonts)
    assert card.getpixel((20, 20)) == (0x1F, 0x49, 0x7D)
    assert colours["accent"] == cover.palette(course.theme)["accent"][1:] == "4F81BD"
    picture = Image.open(io.BytesIO(image.render(course.theme, course.slug))).convert("RGB")
    assert _near(picture.getpixel((4, 4)), (0, 0, 0), 24)  # the scheme's darkest, dk1


def _near(a: tuple, b: tuple, tolerance: int = 6) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))

"""A zh-CN course: every character has a real glyph in the font the deck names, and
LibreOffice draws real glyphs (not missing-glyph boxes), inside the text box."""

from __future__ import annotations

import subprocess

from pptx import Presentation
from pptx.oxml.ns import qn

from pipeline.course import Course
from pipeline.stages import decks
from pipeline.theme.fonts import Measurer, resolve
from tests.decks import lo

LEC = "01-01-why-comprehensions"
SCRIPT = """## [title] 列表推导式入门
@subtitle: 第一节 · 第一课

Note:
欢迎来到本课程。我们从一个熟悉的循环开始。

---

## [bullets] 你将学到什么
- 识别在循环中逐项构建列表的模式，这是最常见的写法之一
- 用一个表达式改写累加循环
  - 表达式、for 子句、过滤条件
- 知道何时普通循环更清晰

Note:
学完本课，你将能够读懂任何推导式，也知道什么时候应该保留普通循环。
"""


def test_zh_cn_slides_render_without_tofu(project, tmp_path):
    topic = project / "courses" / "example" / "topic.yaml"
    topic.write_text(topic.read_text().replace("language: en", "language: zh-CN"))
    course = Course.load("example", project)
    course.slides_path(LEC).write_text(SCRIPT, encoding="utf-8")
    decks.run(course, [LEC])
    prs = Presentation(str(decks.STAGE.target(course, LEC)))
    check_coverage(prs)
    body = lo.box_px(lo.shape(prs.slides[1], "Body"), prs.slide_width)
    pdfs = render_variants(prs, tmp_path)
    frame, tofu, empty = (lo.page_pixels(pdf, 2) for pdf in pdfs)
    assert lo.ink_inside(frame, tofu, body) > 5000  # real glyphs, not boxes
    assert lo.ink_outside(frame, empty, body) == 0  # and they fit the measured box
    fonts = subprocess.run(["pdffonts", str(pdfs[0])], capture_output=True, text=True).stdout
    assert "NotoSansCJK" in fonts.replace(" ", "")


def check_coverage(prs) -> None:
    """Each run names the SC face of Noto Sans CJK, and that face has every character."""
    chars, families = set(), set()
    for slide in prs.slides:
        for shape in (s for s in slide.shapes if s.has_text_frame):
            for r in (r for p in shape.text_frame.paragraphs for r in p.runs):
                rpr = r._r.get_or_add_rPr()
                families |= {rpr.find(qn(f"a:{t}")).get("typeface") for t in ("latin", "ea")}
                assert rpr.get("lang") == "zh-CN"
                chars |= set(r.text)
    assert families == {"Noto Sans CJK SC"}
    cjk = Measurer(resolve("Noto Sans CJK SC"))
    missing = sorted(c for c in chars if not cjk.covers(c))
    assert not missing, f"no glyph for {missing}"
    latin_only = Measurer(resolve("Liberation Sans"))  # the check can fail
    assert not latin_only.covers("推") and latin_only.covers("A")


def render_variants(prs, tmp_path):
    """The deck as built; its bullets as private-use code points (tofu); bullets cleared."""
    prs.save(tmp_path / "zh.pptx")
    body = lo.shape(prs.slides[1], "Body")
    for r in (r for p in body.text_frame.paragraphs for r in p.runs):
        r.text = "\ue000" * len(r.text)
    prs.save(tmp_path / "tofu.pptx")
    lo.clear_text(body)
    prs.save(tmp_path / "empty.pptx")
    return lo.to_pdfs([tmp_path / n for n in ("zh.pptx", "tofu.pptx", "empty.pptx")], tmp_path)

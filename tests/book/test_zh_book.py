"""A tiny zh-CN course becomes a valid Chinese book: lang tags, labels, CJK cover font."""

from __future__ import annotations

from pipeline.book import cover
from pipeline.stages import book
from tests.book.helpers import NS, Epub, html_toc, load, nav_toc, ncx_toc
from tests.conftest import make_project

TOPIC = """\
title: "Python 生成器入门：写出节省内存的代码"
subtitle: "从列表推导式到 yield"
author: "张伟"
language: zh-CN
llm: {provider: openai, model: gpt-4o-mini}
book: {publisher: "讲台出版社"}
"""
OUTLINE = """\
sections:
  - id: 01-basics
    title: 基础
    lectures:
      - id: 01-01-generators
        title: 生成器是什么
        key_terms: [生成器, yield]
"""
LECTURE = """\
# 生成器是什么

生成器按需产生数据，*一次只保存一个元素*。这一行很长很长很长很长很长很长很长很长很长很长很长很长很长很长。

```python
def count(n):
    for i in range(n):
        yield i  # 注释：逐个产生
```

| 名称 | 说明 |
|---|---|
| yield | 暂停函数并返回一个值[^1] |

[^1]: 脚注内容。
"""
QUIZ = """\
section: 01-basics
questions:
  - question: 哪个关键字让函数变成生成器？
    options:
      - {text: "yield", correct: true, explanation: "包含 yield 的函数调用后返回生成器。"}
      - {text: "return", explanation: "return 结束函数。"}
"""


def _zh_project(tmp_path):
    root = make_project(tmp_path / "proj", courses=())
    course = root / "courses" / "zh"
    for rel, text in {
        "topic.yaml": TOPIC,
        "outline.yaml": OUTLINE,
        "quizzes/01-basics.yaml": QUIZ,
        "lectures/01-01-generators.md": LECTURE,
    }.items():
        (course / rel).parent.mkdir(parents=True, exist_ok=True)
        (course / rel).write_text(text, encoding="utf-8")
    return root


def test_zh_cn_book_is_epubcheck_clean_and_tagged_chinese(tmp_path):
    course = load(_zh_project(tmp_path), "zh")
    book.run(course)
    assert "0 errors, 0 warnings" in book.report_path(course).read_text().splitlines()[0]
    epub = Epub(course.epub_path)
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    for page in epub.pages():
        root = epub.xml(page)
        assert root.get("lang") == root.get(lang) == "zh-CN", page
    assert epub.opf().find(".//dc:language", NS).text == "zh-CN"
    assert nav_toc(epub) == ncx_toc(epub) == html_toc(epub)
    assert [t for t, _, _ in nav_toc(epub)] == ["第1章 基础", "答案", "索引"]
    copyright_text = "".join(epub.xml("copyright.xhtml").itertext())
    assert "人工智能" in copyright_text and "gpt-4o-mini" in copyright_text
    index = "".join(epub.xml("index.xhtml").itertext())
    assert "生成器: 生成器是什么" in index
    css = epub.zip.read("EPUB/style/book.css").decode()
    assert ":lang(zh) em" in css and "font-style: normal" in css


def test_chinese_titles_use_the_cjk_font_and_wrap_by_character(tmp_path):
    title = "Python 生成器入门：写出节省内存的代码，并且把每一个概念都讲清楚"
    theme = load(_zh_project(tmp_path), "zh").theme
    font, lines = cover.fit_title(title, cover.SIZE[0] - 2 * cover.MARGIN, 1500, theme)
    assert font.path.endswith("NotoSansCJK-Bold.ttc")
    assert font.getname() == ("Noto Sans CJK SC", "Bold")  # Simplified Chinese glyph forms
    assert len(lines) >= 2 and "".join(lines).replace(" ", "") == title.replace(" ", "")
    assert not any(line.startswith(("，", "。", "：")) for line in lines)

"""Accessibility metadata (schema.org, as EPUB Accessibility asks) read from the built pages."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from pipeline.book.sanitize import EPUB_NS, XHTML

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SUMMARY = {
    "en": {
        "base": "This reflowable book has a table of contents and a reading order that follows "
        "the text.",
        "headed": " Every page has a heading.",
        "none": " It has no images.",
        "all": " Every image has a text description.",
        "some": " {missing} of {total} images have no text description.",
        "index": " An index links key terms to the lectures that use them.",
    },
    "zh": {
        "base": "本书为可重排版式，有目录，阅读顺序与正文一致。",
        "headed": "每页都有标题。",
        "none": "书中没有图片。",
        "all": "每张图片都有文字说明。",
        "some": "{total} 张图片中有 {missing} 张没有文字说明。",
        "index": "索引将关键术语链接到使用它们的课程。",
    },
}


@dataclass
class Facts:
    """What the pages contain that the accessibility metadata describes."""

    images: int = 0
    described: int = 0
    headed: bool = True
    index: bool = False
    ruby: bool = False


def facts(pages: list[bytes]) -> Facts:
    """Count images and their alt texts, and find headings, an index and ruby."""
    f = Facts()
    for content in pages:
        root = etree.fromstring(content)
        imgs = list(root.iter(f"{{{XHTML}}}img"))
        f.images += len(imgs)
        f.described += sum(1 for i in imgs if (i.get("alt") or "").strip())
        f.headed &= next(root.iter(f"{{{XHTML}}}h1", f"{{{XHTML}}}h2"), None) is not None
        f.index |= any("index" in (e.get(f"{{{EPUB_NS}}}type") or "").split() for e in root.iter())
        f.ruby |= next(root.iter(f"{{{XHTML}}}ruby"), None) is not None
    return f


def metadata(f: Facts, lang: str) -> list[tuple[str, str, dict[str, str]]]:
    """(property, value, extra attributes) for every schema: meta of the OPF."""
    all_described = f.described == f.images
    modes = ["textual"] + (["visual"] if f.images else [])
    out: list[tuple[str, str, dict[str, str]]] = [("schema:accessMode", m, {}) for m in modes]
    # Text alone carries the book only when every image has a text alternative.
    sufficient = "textual" if all_described else "textual,visual"
    out.append(("schema:accessModeSufficient", sufficient, {}))
    out += [("schema:accessibilityFeature", v, {}) for v in features(f)]
    # Still images and text only: the sanitiser drops audio, video, scripts and animation.
    out.append(("schema:accessibilityHazard", "none", {}))
    key = lang.split("-")[0].lower() if lang.split("-")[0].lower() in SUMMARY else "en"
    out.append(("schema:accessibilitySummary", summary(f, key), {XML_LANG: key}))
    return out


def features(f: Facts) -> list[str]:
    """The accessibilityFeature values that are true of these pages."""
    found = ["tableOfContents", "readingOrder"]
    if f.headed:
        found.insert(0, "structuralNavigation")
    if f.images and f.described == f.images:
        found.append("alternativeText")
    if f.index:
        found.append("index")
    if f.ruby:
        found.append("rubyAnnotations")
    return found


def summary(f: Facts, key: str) -> str:
    """One or two sentences a reader can check against the book."""
    s = SUMMARY[key]
    text = s["base"] + (s["headed"] if f.headed else "")
    if not f.images:
        text += s["none"]
    elif f.described == f.images:
        text += s["all"]
    else:
        text += s["some"].format(missing=f.images - f.described, total=f.images)
    return text + (s["index"] if f.index else "")

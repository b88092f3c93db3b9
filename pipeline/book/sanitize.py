"""Turn any HTML (markdown output plus a person's raw HTML) into valid EPUB 3 XHTML.

The HTML is parsed forgivingly by libxml2 (unclosed tags, bare `<br>`, `&nbsp;`,
upper-case tags), then rebuilt element by element in the XHTML namespace from an
allowlist: dangerous elements go with their content, unknown ones are unwrapped so
their text survives, attributes are filtered, and block elements inside phrasing-only
parents are repaired so EPUBCheck's content model checks pass. `to_html` writes the
same elements as HTML for the review preview, so book and preview share one allowlist.
"""

from __future__ import annotations

import html
import re

from lxml import etree
from lxml import html as lhtml

XHTML = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

ALLOWED = set(
    "p div span a em strong b i u s sub sup small mark abbr cite q dfn code kbd samp var "
    "pre blockquote ul ol li dl dt dd table thead tbody tfoot tr th td caption colgroup col "
    "h1 h2 h3 h4 h5 h6 hr br img figure figcaption section aside del ins time ruby rt rp "
    "wbr bdi bdo".split()
)
# Removed together with everything inside them: active content and page furniture.
DROPPED = set(
    "script style iframe object embed form input button select textarea noscript canvas "
    "audio video svg math link meta head title base frame frameset applet param".split()
)
RENAMED = {
    "tt": "code",
    "strike": "s",
    "big": "span",
    "acronym": "abbr",
    "center": "div",
    "font": "span",
    "blink": "span",
    "marquee": "div",
    "listing": "pre",
    "xmp": "pre",
    "plaintext": "pre",
    "nobr": "span",
    "article": "section",
    "nav": "div",
    "header": "div",
    "footer": "div",
    "main": "div",
}
VOID = {"br", "hr", "img", "col", "wbr"}
BLOCK = set(
    "p div ul ol dl table pre blockquote section aside figure hr h1 h2 h3 h4 h5 h6 "
    "figcaption".split()
)
# Elements whose content model is phrasing only: a block child makes them invalid.
PHRASING_ONLY = set(
    "p span em strong b i u s sub sup small mark abbr cite q dfn code kbd "
    "samp var h1 h2 h3 h4 h5 h6 dt pre caption del ins time bdi bdo".split()
)
# Elements only valid inside certain parents: outside them they become a div or unwrap.
NEEDS_PARENT = {
    "li": ("ul", "ol"),
    "dt": ("dl",),
    "dd": ("dl",),
    "figcaption": ("figure",),
    "td": ("tr",),
    "th": ("tr",),
    "caption": ("table",),
    "tr": ("table", "thead", "tbody", "tfoot"),
    "thead": ("table",),
    "tbody": ("table",),
    "tfoot": ("table",),
    "colgroup": ("table",),
    "col": ("colgroup", "table"),
    "rt": ("ruby",),
    "rp": ("ruby",),
}
AS_DIV = {"li", "dt", "dd", "figcaption", "td", "th", "caption"}
GLOBAL_ATTRS = {"id", "class", "title", "lang", "dir"}
# img width/height are dropped: the embedded copy is resized, CSS scales it to the page.
TAG_ATTRS = {
    "a": {"href"},
    "img": {"src", "alt"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start", "reversed"},
    "abbr": {"title"},
    "time": {"datetime"},
    "col": {"span"},
    "colgroup": {"span"},
}
NUMERIC = {"colspan", "rowspan", "start", "span"}
SAFE_HREF = re.compile(r"^(#|https?:|mailto:|[\w./-]+\.x?html(#.*)?$)", re.I)
# An image src is a relative path or a web address; browsers ignore whitespace and control
# characters inside a scheme ("java\tscript:"), so they are removed before this check.
SAFE_SRC = re.compile(r"^(https?:|(?![a-z][a-z0-9+.-]*:).)", re.I)
URL_IGNORED = re.compile(r"[\x00-\x20\x7f]")
ALIGN = re.compile(r"text-align:\s*(left|right|center)", re.I)


def x(tag: str) -> str:
    """The XHTML-namespaced name of a tag."""
    return f"{{{XHTML}}}{tag}"


def fragment(html_text: str) -> list[etree._Element]:
    """Sanitised XHTML elements (and leading text in a span) from an HTML fragment."""
    holder = lhtml.fragment_fromstring(html_text or "", create_parent="div")
    out = etree.Element(x("div"), nsmap={None: XHTML})
    _copy_children(holder, out)
    _repair(out)
    _drop_empty_spans(out)
    nodes = list(out)
    if out.text and out.text.strip():
        lead = etree.Element(x("p"))
        lead.text = out.text
        nodes.insert(0, lead)
    return nodes


def _copy_children(src: etree._Element, dest: etree._Element) -> None:
    """Rebuild src's children under dest, keeping text and tails."""
    dest.text = (dest.text or "") + (src.text or "") if src.text else dest.text
    for child in src:
        _copy_node(child, dest)


def _append_text(dest: etree._Element, text: str | None) -> None:
    """Append text after dest's last child (or into dest when it has none)."""
    if not text:
        return
    if len(dest):
        dest[-1].tail = (dest[-1].tail or "") + text
    else:
        dest.text = (dest.text or "") + text


def _copy_node(node, dest: etree._Element) -> None:
    """Copy one parsed node into dest following the allowlist."""
    tag = node.tag.lower() if isinstance(node.tag, str) else None
    tag = RENAMED.get(tag, tag)
    if tag is None or tag in DROPPED:
        _append_text(dest, node.tail)  # comments, PIs and dropped elements keep only their tail
        return
    if tag not in ALLOWED:
        _append_text(dest, node.text)
        for child in node:
            _copy_node(child, dest)
        _append_text(dest, node.tail)
        return
    el = etree.SubElement(dest, x(tag))
    _copy_attrs(node, el, tag)
    if tag not in VOID:
        el.text = node.text
        for child in node:
            _copy_node(child, el)
    el.tail = node.tail


def _copy_attrs(node, el: etree._Element, tag: str) -> None:
    """Copy only safe, valid attributes; map inline alignment to a class."""
    allowed = GLOBAL_ATTRS | TAG_ATTRS.get(tag, set())
    for name, value in node.attrib.items():
        name = name.lower()
        if name not in allowed or (name in NUMERIC and not value.strip().isdigit()):
            continue
        if name == "href" and not SAFE_HREF.match(value.strip()):
            continue
        if name == "src" and not SAFE_SRC.match(URL_IGNORED.sub("", value)):
            continue
        if name == "id":
            value = _clean_id(value) or None
        if name == "href" and value.startswith("#"):
            value = "#" + _clean_id(value[1:])  # still points at the id cleaned above
        if value is not None:
            el.set(name, value.strip() if name in NUMERIC else value)
    if el.get("lang"):
        el.set(XML_LANG, el.get("lang"))
    align = ALIGN.search(node.get("style", "")) or (
        node.get("align") and ALIGN.search(f"text-align:{node.get('align')}")
    )
    if align:
        el.set("class", f"{el.get('class', '')} align-{align.group(1).lower()}".strip())
    if tag == "img" and el.get("alt") is None:
        el.set("alt", "")


def _clean_id(value: str) -> str:
    """An id as a valid XML name part: no whitespace, no colons (markdown writes fn:1)."""
    return re.sub(r"\s+", "-", value.strip()).replace(":", "-")


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _repair(root: etree._Element) -> None:
    """Fix content-model errors until none are left (renames bubble upwards)."""
    changed = True
    while changed:
        changed = False
        for el in list(root.iter()):
            changed |= _repair_one(el)


def _repair_one(el: etree._Element) -> bool:
    """Fix one element: blocks in phrasing parents, links in links, lists without items."""
    tag = _local(el)
    blocks = [c for c in el if _local(c) in BLOCK]
    parent = el.getparent()
    if tag in NEEDS_PARENT and parent is not None and _local(parent) not in NEEDS_PARENT[tag]:
        if tag in AS_DIV:
            el.tag = x("div")
        else:
            _unwrap(el)
        return True
    if tag in ("ul", "ol"):
        return _wrap_stray_list_children(el)
    if tag == "a" and (blocks or any(_local(d) == "a" for d in el.iterdescendants())):
        for d in [d for d in el.iterdescendants() if _local(d) == "a" or _local(d) in BLOCK]:
            _unwrap(d)
        return True
    if not blocks or tag not in PHRASING_ONLY:
        return False
    if tag.startswith("h") or tag in ("pre", "dt", "caption"):
        for b in blocks:
            _unwrap(b)
    else:
        el.tag = x("div")
    return True


def _wrap_stray_list_children(el: etree._Element) -> bool:
    """A list may only hold li elements: wrap anything else (and loose text) in one."""
    stray = [c for c in el if _local(c) != "li"]
    loose = bool((el.text or "").strip()) or any((c.tail or "").strip() for c in el)
    for c in stray:
        li = etree.Element(x("li"))
        c.addprevious(li)
        li.append(c)
    if loose:
        for c in el:
            if (c.tail or "").strip():
                c.append(etree.Element(x("span")))
                c[-1].text, c.tail = c.tail, None
        if (el.text or "").strip():
            li = etree.Element(x("li"))
            li.text, el.text = el.text, None
            el.insert(0, li)
    return bool(stray) or loose


def _unwrap(el: etree._Element) -> None:
    """Replace an element by its content (text, children and tail)."""
    parent = el.getparent()
    if parent is None:
        return
    idx = parent.index(el)
    prev = parent[idx - 1] if idx else None
    text = el.text or ""
    if prev is not None:
        prev.tail = (prev.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    for offset, child in enumerate(list(el)):
        parent.insert(idx + offset, child)
    last = parent[idx + len(el) - 1] if len(el) else None
    tail = el.tail or ""
    parent.remove(el)
    if last is not None and last is not el:
        last.tail = (last.tail or "") + tail
    elif idx:
        parent[idx - 1].tail = (parent[idx - 1].tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail


def _drop_empty_spans(root: etree._Element) -> None:
    """Remove spans with no content and no attributes (codehilite leaves one per block)."""
    for el in list(root.iter(x("span"))):
        if not len(el) and not el.text and not el.attrib:
            _unwrap(el)


def to_html(nodes: list[etree._Element]) -> str:
    """Sanitised elements (from `fragment`) as HTML text to embed in an HTML page."""
    return "".join(_html(node) for node in nodes)


def _html(el: etree._Element) -> str:
    """One element as HTML: its tag without namespace, every text and value escaped."""
    tag = _local(el)
    attrs = "".join(
        f' {name}="{html.escape(value)}"'
        for name, value in el.attrib.items()
        if not name.startswith("{")
    )  # xml:lang: the lang attribute says it
    tail = html.escape(el.tail or "", quote=False)
    if tag in VOID:
        return f"<{tag}{attrs}>{tail}"
    inner = html.escape(el.text or "", quote=False) + "".join(_html(child) for child in el)
    return f"<{tag}{attrs}>{inner}</{tag}>{tail}"

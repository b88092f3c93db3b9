"""Raw HTML in lectures becomes valid XHTML: kept text, dropped active content."""

from __future__ import annotations

import pytest
from lxml import etree

from pipeline.book.sanitize import XHTML, fragment, to_html, x


def _xhtml(html: str) -> str:
    body = etree.Element(x("body"), nsmap={None: XHTML})
    for node in fragment(html):
        body.append(node)
    text = etree.tostring(body, encoding="unicode")
    etree.fromstring(text)  # well-formed XML, or this raises
    return text


@pytest.mark.parametrize(
    "html, kept, gone",
    [
        ("<P>Unclosed <B>bold<br>line", ["<p>Unclosed <b>bold<br/>line</b></p>"], ["<B>"]),
        ("<script>steal()</script><p>ok</p>", ["<p>ok</p>"], ["script", "steal"]),
        (
            "<a href='javascript:evil()' onclick='x()'>link</a>",
            ["<a>link</a>"],
            ["javascript", "onclick"],
        ),
        (
            "<center><font color=red>old</font></center>",
            ["<div><span>old</span></div>"],
            ["font", "color"],
        ),
        ("<p>a &nbsp;&copy; b</p>", ["<p>a \xa0\xa9 b</p>"], ["&nbsp;"]),
        (
            "<span><div>block in span</div></span>",
            ["<div><div>block in span</div></div>"],
            ["<span>"],
        ),
        ("<ul>loose<li>item</li></ul>", ["<ul><li>loose</li><li>item</li></ul>"], []),
        ("<h2><p>para</p> in heading</h2>", ["<p>para</p> in heading"], []),
        ("<h3>a <div>b</div></h3>", ["<h3>a b</h3>"], ["<div>"]),
        ("<a href='#x'>out <a href='#y'>in</a></a>", ["in</a>"], ['<a href="#x">out <a']),
        (
            "<marquee>hi</marquee><blink>!</blink><custom-tag>kept</custom-tag>",
            ["<div>hi</div><span>!</span>kept"],
            ["marquee", "custom"],
        ),
        ("<img src=a.png width=3000>", ['<img src="a.png" alt=""/>'], ["3000"]),
        (
            "<td>cell</td><li>item</li><tr><td>r</td></tr>",
            ["<div>item</div>"],
            ["<td", "<li", "<tr"],
        ),
        (
            "<p style='text-align: center; color: red'>c</p>",
            ['<p class="align-center">c</p>'],
            ["red"],
        ),
        ("<p id='fn:1' lang=fr>x</p>", ['id="fn-1"', 'lang="fr" xml:lang="fr"'], ["fn:1"]),
        (
            "<iframe src=http://x></iframe><object>o</object><p>after</p>",
            ["<p>after</p>"],
            ["iframe", "object"],
        ),
        (
            "<img src='javascript:alert(1)'><img src=' JAVA\tSCRIPT:x'>"
            "<img src='data:text/html,x'>",
            ['<img alt=""/><img alt=""/><img alt=""/>'],
            ["src", "SCRIPT", "data:"],
        ),
        (
            "<img src='images/a.png'><img src='https://example.com/b.png'>",
            ['src="images/a.png"', 'src="https://example.com/b.png"'],
            [],
        ),
        (
            "<sup><a href='#fn:1'>1</a></sup><p id='fn:1'>note</p>",
            ['href="#fn-1"', 'id="fn-1"'],
            ["fn:1"],
        ),
    ],
)
def test_fragment_is_valid_xhtml(html, kept, gone):
    out = _xhtml(html)
    for piece in kept:
        assert piece in out, out
    for piece in gone:
        assert piece not in out, out


def test_to_html_is_html_with_every_text_and_value_escaped():
    html = (
        "<p lang=fr title='say \"hi\"'>a &lt;b&gt; &amp; c<br><img src=a.png></p>"
        "<div class=codehilite><pre><span></span><code><span class=k>for</span> x\n"
        "</code></pre></div>"
    )
    assert to_html(fragment(html)) == (
        '<p lang="fr" title="say &quot;hi&quot;">a &lt;b&gt; &amp; c<br><img src="a.png" '
        'alt=""></p><div class="codehilite"><pre><code><span class="k">for</span> x\n'
        "</code></pre></div>"
    )

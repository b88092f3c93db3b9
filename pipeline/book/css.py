"""The book's stylesheet: readable on e-ink, in dark mode, and for CJK text."""

from __future__ import annotations

import re

from pygments.formatters import HtmlFormatter

# No body colours or fonts: the reader's own settings (size, night mode, CJK font) win.
BASE = """\
html, body { margin: 0; padding: 0; }
body { line-height: 1.5; orphans: 2; widows: 2; }
h1, h2, h3, h4, h5, h6 { line-height: 1.25; page-break-after: avoid; break-after: avoid; }
h1 { font-size: 1.6em; margin: 0 0 1em 0; }
h2 { font-size: 1.3em; margin: 1.5em 0 0.6em 0; }
h3 { font-size: 1.12em; margin: 1.2em 0 0.5em 0; }
h4, h5, h6 { font-size: 1em; margin: 1em 0 0.4em 0; }
p { margin: 0 0 0.8em 0; }
section.lecture + section.lecture { page-break-before: always; break-before: page; }
img { max-width: 100%; height: auto; }
figure { margin: 1em 0; text-align: center; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #888; padding: 0.25em 0.5em; vertical-align: top; }
.align-left { text-align: left; } .align-right { text-align: right; }
.align-center { text-align: center; }
blockquote { margin: 1em 1.5em; font-style: italic; }
code, kbd, samp, pre { font-family: "DejaVu Sans Mono", "Courier New", monospace; }
/* Long code lines wrap instead of being cut off at the page edge. */
pre { white-space: pre-wrap; word-wrap: break-word; overflow-wrap: break-word;
      font-size: 0.82em; line-height: 1.35; margin: 0.8em 0; padding: 0.4em 0 0.4em 0.7em;
      border-left: 3px solid #888; page-break-inside: auto; }
p code, li code, td code { font-size: 0.9em; }
aside.footnote { font-size: 0.9em; border-top: 1px solid #888; margin-top: 2em; }
.titlepage { text-align: center; margin-top: 20%; }
.titlepage .title { font-size: 2em; font-weight: bold; margin-bottom: 0.5em; }
.titlepage .subtitle { font-size: 1.2em; margin-bottom: 2em; }
.titlepage .author { font-size: 1.1em; }
.titlepage .publisher { margin-top: 3em; font-size: 0.9em; }
.copyright p { font-size: 0.85em; }
nav ol, .contents ol { list-style-type: none; padding-left: 0; }
.contents ol ol { padding-left: 1.5em; }
.review ol.questions > li { margin-bottom: 1em; }
ol.options { list-style-type: lower-alpha; }
.answer-link, .back-link { font-size: 0.85em; }
.index ul { list-style-type: none; padding-left: 0; }
.index li { margin-bottom: 0.3em; }
/* CJK: no faux italics, no hyphenation, line breaking by the language's own rules. */
:lang(zh) em, :lang(ja) em, :lang(ko) em { font-style: normal; font-weight: bold; }
:lang(zh) blockquote, :lang(ja) blockquote, :lang(ko) blockquote { font-style: normal; }
:lang(zh), :lang(ja) { line-break: strict; word-break: normal; hyphens: none;
                       -epub-hyphens: none; }
:lang(en) p { hyphens: auto; -epub-hyphens: auto; }
"""


def _token_rules(style: str, scope: str) -> str:
    """Pygments token colours for a style, without backgrounds (they fight night mode)."""
    css = HtmlFormatter(style=style).get_style_defs(scope)
    rules = [r for r in css.splitlines() if r.startswith(scope + " .") and "{" in r]
    rules = [re.sub(r"background(-color)?:\s*[^;}]+;?", "", r) for r in rules]
    rules = [re.sub(r"border:\s*[^;}]+;?", "", r) for r in rules]
    return "\n".join(r.split("/*")[0].rstrip() for r in rules if re.search(r"\{\s*[^}\s]", r))


def stylesheet() -> str:
    """The whole CSS file: base rules, light code colours, dark-mode code colours."""
    # Light: the 'default' palette keeps bold keywords and italic comments, which still
    # tell tokens apart on a greyscale e-ink screen.
    light = _token_rules("default", ".codehilite")
    dark = _token_rules("github-dark", ".codehilite")
    return (
        f"{BASE}\n/* code, light pages and e-ink */\n{light}\n"
        f"/* code, dark mode */\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
    )

"""Native click animations: the XML PowerPoint expects, valid against the ECMA-376 schema, and
what LibreOffice makes of it (a PDF showing every line; an ODP keeping each effect)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Pt

from pipeline import tools
from pipeline.deck import pptxutil
from pipeline.deck.animate import Recolor, Reveal, add_clicks
from pipeline.deck.layout import Box
from tests.decks import lo

SCHEMA = Path(__file__).resolve().parents[1] / "schemas" / "ecma-376" / "pml.xsd"
POINTS = ["First point", "Second point", "Third point", "Fourth point"]
CODE = ["def squares(n):", "    out = []", "    for i in range(n):", "        out.append(i * i)"]
CODE += ["    return out", "print(squares(3))"]
INK, DIM = "222222", "BBBBBB"
NS = {
    "anim": "urn:oasis:names:tc:opendocument:xmlns:animation:1.0",
    "smil": "urn:oasis:names:tc:opendocument:xmlns:smil-compatible:1.0",
    "pres": "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
}


def _text_slide(prs, lines: list[str], family: str):
    """A slide with one text box, one paragraph per line; returns (slide, box)."""
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    tf = pptxutil.textbox(slide, Box(60, 60, 840, 420), "Body")
    for i, line in enumerate(lines):
        pptxutil.run(pptxutil.paragraph(tf, first=i == 0), line, family, 28, INK, "en-US")
    return slide, next(s for s in slide.shapes if s.name == "Body")


@pytest.fixture(scope="module")
def deck(tmp_path_factory) -> Path:
    """Slide 1 reveals points over three clicks; slide 2 dims and brings back lines of code."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Pt(960), Pt(540)
    s1, box = _text_slide(prs, POINTS, "DejaVu Sans")
    add_clicks(
        s1,
        [[Reveal(box.shape_id, 0, 0)], [Reveal(box.shape_id, 1, 2)], [Reveal(box.shape_id, 3, 3)]],
    )
    s2, code = _text_slide(prs, CODE, "DejaVu Sans Mono")
    dim_body = [Recolor(code.shape_id, 2, 5, DIM)]
    loop_only = [Recolor(code.shape_id, 2, 3, INK), Recolor(code.shape_id, 0, 1, DIM)]
    add_clicks(s2, [dim_body, loop_only])
    path = tmp_path_factory.mktemp("animate") / "clicks.pptx"
    prs.save(str(path))
    return path


def _to_odp(pptx: Path) -> bytes:
    """The deck as Impress saves it, converted with a throwaway profile; its content.xml."""
    profile, out = (Path(tempfile.mkdtemp(prefix=p)) for p in ("lectern-test-lo-", "odp-"))
    try:
        cmd = [tools.soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless"]
        cmd += ["--norestore", "--convert-to", "odp", "--outdir", str(out), str(pptx)]
        subprocess.run(cmd, check=True, capture_output=True, timeout=300)
        with zipfile.ZipFile(out / f"{pptx.stem}.odp") as z:
            return z.read("content.xml")
    finally:
        shutil.rmtree(profile, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)


def _slides(deck: Path) -> list[etree._Element]:
    """Each slide's XML as saved, as plain lxml (python-pptx's elements bind their own xpath)."""
    return [etree.fromstring(etree.tostring(s._element)) for s in Presentation(str(deck)).slides]


def test_main_sequence_has_one_par_per_click_and_builds_by_paragraph(deck):
    s1, s2 = _slides(deck)
    for sld, clicks in ((s1, 3), (s2, 2)):
        timing = sld.find(qn("p:timing"))
        assert timing is not None
        main = timing.xpath(".//p:cTn[@nodeType='mainSeq']/p:childTnLst/p:par", namespaces=NS)
        assert len(main) == clicks
        for click in main:  # waits for the click, then its first effect is the click one
            assert click.xpath("p:cTn/p:stCondLst/p:cond/@delay", namespaces=NS) == ["indefinite"]
            kinds = click.xpath(".//p:cTn/@nodeType", namespaces=NS)
            assert kinds[0] == "clickEffect" and set(kinds[1:]) <= {"withEffect"}
        ids = [int(i) for i in sld.xpath(".//p:timing//p:cTn/@id", namespaces=NS)]
        assert ids[0] == 1 and sorted(ids) == list(range(1, len(ids) + 1))
    spid = s1.xpath(".//p:sp/p:nvSpPr/p:cNvPr/@id", namespaces=NS)[0]
    bld = s1.xpath(".//p:bldLst/p:bldP", namespaces=NS)
    assert [(b.get("spid"), b.get("grpId"), b.get("build")) for b in bld] == [(spid, "0", "p")]
    ranges = s1.xpath(".//p:set//p:pRg", namespaces=NS)
    assert [(r.get("st"), r.get("end")) for r in ranges] == [(str(i), str(i)) for i in range(4)]
    to = s2.xpath(".//p:animClr[.//p:attrName='style.color']/p:to/a:srgbClr/@val", namespaces=NS)
    assert to == [DIM] * 4 + [INK] * 2 + [DIM] * 2


def test_slides_are_valid_presentationml(deck):
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    for sld in _slides(deck):
        assert schema.validate(sld), schema.error_log


def test_pdf_shows_every_paragraph_on_its_page(deck, tmp_path):
    pdf = lo.to_pdfs([deck], tmp_path)[0]
    assert lo.pages(pdf) == 2
    for page, lines in ((1, POINTS), (2, CODE)):
        cmd = ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"]
        text = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        for line in lines:
            assert line.strip() in text, f"page {page} lacks {line!r}"


def test_impress_imports_each_effect_on_its_paragraph(deck):
    content = etree.fromstring(_to_odp(deck))
    pages = content.xpath("//draw:page", namespaces=NS)
    assert len(pages) == 2
    got = [_effects(page) for page in pages]
    starts = ["on-click", "on-click", "with-previous", "on-click"]  # click 2 reveals two points
    appear = ("ooo-entrance-appear", "set", "visibility", "visible")
    assert got[0] == [(start, *appear, text) for start, text in zip(starts, POINTS, strict=True)]
    recolors = [(2, DIM), (3, DIM), (4, DIM), (5, DIM), (2, INK), (3, INK), (0, DIM), (1, DIM)]
    first = {0, 4}  # the effects that start a click
    assert got[1] == [
        (
            "on-click" if n in first else "with-previous",
            "ooo-emphasis-font-color",
            "animateColor",
            "color",
            f"#{color.lower()}",
            CODE[line].strip(),
        )
        for n, (line, color) in enumerate(recolors)
    ]


def _effects(page) -> list[tuple]:
    """Each effect on a page: its node type, preset, element, attribute, value, paragraph text."""
    paras = {p.get(f"{{{NS['text']}}}id"): p for p in page.xpath(".//text:p", namespaces=NS)}
    rows = []
    for par in page.xpath(".//anim:par[@pres:preset-id]", namespaces=NS):
        (el,) = par  # one behaviour per effect
        target = paras[el.get(f"{{{NS['smil']}}}targetElement")]  # a paragraph, not the shape
        rows.append(
            (
                par.get(f"{{{NS['pres']}}}node-type"),
                par.get(f"{{{NS['pres']}}}preset-id"),
                etree.QName(el).localname,
                el.get(f"{{{NS['smil']}}}attributeName"),
                el.get(f"{{{NS['smil']}}}to"),
                " ".join(target.xpath("string()").split()),
            )
        )
    return rows


def test_no_clicks_add_no_timing():
    slide, _ = _text_slide(Presentation(), POINTS, "DejaVu Sans")
    add_clicks(slide, [])
    assert slide._element.find(qn("p:timing")) is None


def test_a_second_call_and_missing_paragraphs_are_refused():
    prs = Presentation()
    slide, box = _text_slide(prs, POINTS, "DejaVu Sans")
    add_clicks(slide, [[Reveal(box.shape_id, 0, 1)]])
    with pytest.raises(ValueError, match="already has animations"):
        add_clicks(slide, [[Reveal(box.shape_id, 2, 2)]])
    other, box = _text_slide(prs, POINTS, "DejaVu Sans")
    with pytest.raises(ValueError, match="paragraphs 3..4"):
        add_clicks(other, [[Reveal(box.shape_id, 3, 4)]])
    with pytest.raises(ValueError, match="no text shape"):
        add_clicks(other, [[Recolor(box.shape_id + 100, 0, 0, DIM)]])

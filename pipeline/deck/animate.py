"""Native click animations ("builds"): paragraphs that appear or change colour one click at a time
when a person presents the deck live in PowerPoint or LibreOffice Impress.

The XML is the shape PowerPoint itself writes (`p:timing`): a root time node, the main sequence,
one `p:par` per click, and in it one effect per paragraph. An effect covers one paragraph
(`<p:pRg st="i" end="i"/>`) even when a range is asked for, as PowerPoint does: LibreOffice's
import reads only `st` of a range. The static rendering (PDF, thumbnails) ignores all of this and
shows every paragraph in its own colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count

from lxml import etree
from pptx.oxml.ns import qn


@dataclass(frozen=True)
class Reveal:
    """Paragraphs first..last (0-based, inclusive) of a text shape appear (entrance 'Appear')."""

    shape_id: int
    first: int
    last: int


@dataclass(frozen=True)
class Recolor:
    """Paragraphs first..last of a text shape change their text colour (emphasis), e.g. to dim
    code lines the voice is not talking about and bring back the ones it is."""

    shape_id: int
    first: int
    last: int
    color: str  # "RRGGBB"


_Effect = Reveal | Recolor


def add_clicks(slide, clicks: list[list[Reveal | Recolor]]) -> None:
    """Give a slide native click animations: click k plays clicks[k]'s effects together."""
    if not clicks:  # no clicks: no timing at all, so the slide stays as python-pptx made it
        return
    sld = slide._element
    # a second call (or a movie's timing) is refused: merging two timing trees isn't worth it
    if sld.find(qn("p:timing")) is not None:
        raise ValueError("the slide already has animations (p:timing)")
    for effect in (e for click in clicks for e in click):
        _check(slide, effect)
    ids = count(1)  # cTn ids: unique in the slide, 1 is the root, in document order
    timing = sld.get_or_add_timing()  # python-pptx puts it where the schema wants it
    tn_root = _el(_el(timing, "p:tnLst"), "p:par")
    root = _ctn(tn_root, ids, dur="indefinite", restart="never", nodeType="tmRoot")
    seq = _el(_el(root, "p:childTnLst"), "p:seq", concurrent="1", nextAc="seek")
    main = _ctn(seq, ids, dur="indefinite", nodeType="mainSeq")
    steps = _el(main, "p:childTnLst")
    for click in clicks:
        _click(steps, ids, click)
    # the slide (not a shape) is what a click or "back" advances
    for lst, evt in (("p:prevCondLst", "onPrev"), ("p:nextCondLst", "onNext")):
        _el(_el(_el(_el(seq, lst), "p:cond", evt=evt, delay="0"), "p:tgtEl"), "p:sldTgt")
    bld = _el(timing, "p:bldLst")
    for spid in dict.fromkeys(e.shape_id for click in clicks for e in click):
        _el(bld, "p:bldP", spid=str(spid), grpId="0", build="p")  # builds this shape by paragraph


def _check(slide, e: _Effect) -> None:
    """Refuse a shape or paragraph that is not there, before any XML is written."""
    shape = next((s for s in slide.shapes if s.shape_id == e.shape_id), None)
    if shape is None or not shape.has_text_frame:
        raise ValueError(f"no text shape with id {e.shape_id} on this slide")
    if not 0 <= e.first <= e.last < len(shape.text_frame.paragraphs):
        raise ValueError(f"paragraphs {e.first}..{e.last} are not all in shape {e.shape_id}")


def _click(parent, ids, click: list[_Effect]) -> None:
    """One click: an outer par that waits for it, an inner one whose effects start together."""
    outer = _ctn(_el(parent, "p:par"), ids, fill="hold", delay="indefinite")
    inner = _ctn(_el(_el(outer, "p:childTnLst"), "p:par"), ids, fill="hold", delay="0")
    kids = _el(inner, "p:childTnLst")
    paras = [(e, p) for e in click for p in range(e.first, e.last + 1)]
    for n, (effect, para) in enumerate(paras):
        _effect(kids, ids, effect, para, "clickEffect" if n == 0 else "withEffect")


def _effect(parent, ids, e: _Effect, para: int, node_type: str) -> None:
    """One paragraph's effect: Appear (a `set` of visibility) or Font Color (an `animClr`)."""
    entr = isinstance(e, Reveal)
    preset = {"presetID": "1", "presetClass": "entr", "presetSubtype": "0"}
    if not entr:  # PowerPoint's "Font Color" emphasis
        preset = {"presetID": "3", "presetClass": "emph", "presetSubtype": "2"}
    par = _el(parent, "p:par")
    ctn = _ctn(par, ids, delay="0", **preset, fill="hold", grpId="0", nodeType=node_type)
    kids = _el(ctn, "p:childTnLst")
    if entr:  # dur=1 ms: "Appear" is a switch, not a fade
        behavior = _el(kids, "p:set")
        _behavior(behavior, ids, e.shape_id, para, "style.visibility", "1")
        _el(_el(behavior, "p:to"), "p:strVal", val="visible")
    elif isinstance(
        e, Recolor
    ):  # rgb: straight from one colour to the other, not round the hue wheel
        behavior = _el(kids, "p:animClr", clrSpc="rgb")
        # childStyle: the colour wins over the runs' own colours (code tokens each have one)
        _behavior(behavior, ids, e.shape_id, para, "style.color", "500", override="childStyle")
        _el(_el(behavior, "p:to"), "a:srgbClr", val=e.color.upper())


def _behavior(parent, ids, spid: int, para: int, attr: str, dur: str, **attrs) -> None:
    """The common part of a behaviour: its timing, its paragraph, the property it changes."""
    cbhvr = _el(parent, "p:cBhvr", **attrs)
    _ctn(cbhvr, ids, dur=dur, fill="hold", delay="0")  # fill=hold: keep the result afterwards
    target = _el(_el(cbhvr, "p:tgtEl"), "p:spTgt", spid=str(spid))
    _el(_el(target, "p:txEl"), "p:pRg", st=str(para), end=str(para))
    _el(_el(cbhvr, "p:attrNameLst"), "p:attrName").text = attr


def _ctn(parent, ids, delay: str | None = None, **attrs):
    """A `p:cTn` with the next id, and a start condition when `delay` is given."""
    ctn = _el(parent, "p:cTn", id=str(next(ids)), **attrs)
    if delay is not None:
        _el(_el(ctn, "p:stCondLst"), "p:cond", delay=delay)
    return ctn


def _el(parent, tag: str, **attrs):
    """A child element named with a namespace prefix ("p:par")."""
    return etree.SubElement(parent, qn(tag), **attrs)

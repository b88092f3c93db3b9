"""H.264 slice headers read and rewritten bit by bit: only the idr_pic_id of IDR frames.

Segments are encoded one by one, so x264 gives every IDR frame idr_pic_id 0; when a
slide leaves one frame after a segment restart, two IDR frames follow each other with
the same id, which the standard forbids (7.4.3: consecutive IDR access units differ in
idr_pic_id) and strict decoders (OpenH264, MP4Box) report. `renumber` gives such a
frame idr_pic_id 1. With CABAC the slice data starts on a byte boundary after the
header, so only the header is rewritten and the data is copied as bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.errors import LecternError
from pipeline.video.annexb import AccessUnit, parameter_sets

_EMULATION = re.compile(b"\x00\x00(?=[\x00-\x03]|\\Z)")
HEAD = 64  # bytes that hold any I slice's header (no reference lists, no weights)
HIGH = {100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135}  # chroma info in SPS


class Bits:
    """An MSB-first bit reader over RBSP bytes."""

    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.value, self.size, self.pos = int.from_bytes(data, "big"), 8 * len(data), pos

    def u(self, n: int) -> int:
        """n bits as an unsigned number."""
        if self.pos + n > self.size:
            raise LecternError("H.264 header ends early (broken segment?)")
        self.pos += n
        return (self.value >> (self.size - self.pos)) & ((1 << n) - 1)

    def ue(self) -> int:
        """Exp-Golomb unsigned: leading zeros, a one, that many more bits."""
        zeros = 0
        while not self.u(1):
            zeros += 1
        return (1 << zeros) - 1 + self.u(zeros)

    def se(self) -> int:
        """Exp-Golomb signed (1, -1, 2, -2, …)."""
        k = self.ue()
        return (k + 1) // 2 if k & 1 else -(k // 2)


def ue_bits(value: int) -> tuple[int, int]:
    """Exp-Golomb code of a value as (bits, length)."""
    code = value + 1
    return code, 2 * code.bit_length() - 1


def unescape(nal: bytes) -> bytes:
    """RBSP of a NAL unit payload: emulation-prevention bytes removed."""
    return nal.replace(b"\x00\x00\x03", b"\x00\x00")


def escape(rbsp: bytes) -> bytes:
    """NAL payload of an RBSP: 0x03 after any two zero bytes followed by 0-3 (or the end)."""
    return _EMULATION.sub(b"\x00\x00\x03", rbsp)


@dataclass(frozen=True)
class Params:
    """What a slice header's layout depends on, from the SPS and PPS."""

    frame_num_bits: int
    poc_type: int
    poc_lsb_bits: int
    poc_always_zero: bool
    frame_mbs_only: bool
    colour_planes: bool
    cabac: bool
    bottom_poc: bool
    deblocking_control: bool
    redundant_pic_cnt: bool


def params(sps: bytes, pps: bytes) -> Params:
    """The slice-header facts of an SPS and PPS (NAL units with their header byte)."""
    s = Bits(unescape(sps[1:]))
    profile = s.u(8)
    s.u(16)  # constraint flags, level
    s.ue()  # seq_parameter_set_id
    planes = _sps_chroma(s) if profile in HIGH else False
    frame_num_bits = s.ue() + 4
    poc_type, lsb_bits, always_zero = s.ue(), 0, False
    if poc_type == 0:
        lsb_bits = s.ue() + 4
    elif poc_type == 1:
        always_zero = bool(s.u(1))
        s.se(), s.se()
        for _ in range(s.ue()):
            s.se()
    s.ue(), s.u(1), s.ue(), s.ue()  # max_num_ref_frames, gaps, width, height in MBs
    frame_mbs_only = bool(s.u(1))
    p = Bits(unescape(pps[1:]))
    p.ue(), p.ue()  # pic_parameter_set_id, seq_parameter_set_id
    cabac, bottom_poc = bool(p.u(1)), bool(p.u(1))
    if p.ue():
        raise LecternError("H.264 slice groups (FMO) are not supported")
    p.ue(), p.ue(), p.u(3), p.se(), p.se(), p.se()  # ref idx, weights, qp, qs, chroma qp
    deblocking, _, redundant = bool(p.u(1)), p.u(1), bool(p.u(1))
    sps_facts = (frame_num_bits, poc_type, lsb_bits, always_zero, frame_mbs_only, planes)
    return Params(*sps_facts, cabac, bottom_poc, deblocking, redundant)


def _sps_chroma(s: Bits) -> bool:
    """Read a High-profile SPS's chroma and depth fields; separate_colour_plane_flag."""
    chroma = s.ue()
    planes = bool(s.u(1)) if chroma == 3 else False
    s.ue(), s.ue(), s.u(1)  # bit depths, qpprime_y_zero_transform_bypass_flag
    if s.u(1):  # seq_scaling_matrix_present_flag
        for i in range(12 if chroma == 3 else 8):
            if s.u(1):
                _skip_scaling_list(s, 16 if i < 6 else 64)
    return planes


def _skip_scaling_list(s: Bits, size: int) -> None:
    last = nxt = 8
    for _ in range(size):
        if nxt:
            nxt = (last + s.se() + 256) % 256
        last = nxt or last


def idr_pic_id(nal: bytes, p: Params) -> tuple[int, int, int]:
    """An IDR slice's idr_pic_id, the bit where it starts and the bit after it (in RBSP)."""
    s = Bits(unescape(nal[1:HEAD]))
    s.ue(), s.ue(), s.ue()  # first_mb_in_slice, slice_type, pic_parameter_set_id
    s.u(2 if p.colour_planes else 0)
    s.u(p.frame_num_bits)
    if not p.frame_mbs_only and s.u(1):  # field_pic_flag, then bottom_field_flag
        s.u(1)
    start = s.pos
    return s.ue(), start, s.pos


def header_end(nal: bytes, p: Params) -> int:
    """The bit (in RBSP) where an IDR I slice's header ends."""
    s = Bits(unescape(nal[1:HEAD]))
    slice_type = (s.ue(), s.ue())[1] % 5
    _, _, s.pos = idr_pic_id(nal, p)
    if p.poc_type == 0:
        s.u(p.poc_lsb_bits)
        if p.bottom_poc:
            s.se()
    elif p.poc_type == 1 and not p.poc_always_zero:
        s.se()
        if p.bottom_poc:
            s.se()
    if p.redundant_pic_cnt:
        s.ue()
    if slice_type not in (2, 4):
        raise LecternError("an IDR slice that is not intra-coded")
    s.u(2)  # dec_ref_pic_marking: no_output_of_prior_pics, long_term_reference
    s.se()  # slice_qp_delta
    if slice_type == 4:
        s.se()  # slice_qs_delta
    if p.deblocking_control and s.ue() != 1:
        s.se(), s.se()
    return s.pos


def with_idr_pic_id(nal: bytes, p: Params, value: int) -> bytes:
    """The same IDR slice NAL unit with another idr_pic_id."""
    rbsp = unescape(nal[1:])
    _, start, stop = idr_pic_id(nal, p)
    end = header_end(nal, p)
    total, whole = 8 * len(rbsp), int.from_bytes(rbsp, "big")
    code, n = ue_bits(value)
    head = ((whole >> (total - start)) << n | code) << (end - stop)
    head |= (whole >> (total - end)) & ((1 << (end - stop)) - 1)
    head_len = start + n + end - stop
    if p.cabac:  # the data stays byte-aligned: pad the header with alignment ones
        pad = -head_len % 8
        body = (head << pad | (1 << pad) - 1).to_bytes((head_len + pad) // 8, "big")
        return nal[:1] + escape(body + rbsp[-(-end // 8) :])
    return nal[:1] + escape(_cavlc(whole, total, end, head, head_len))


def _cavlc(whole: int, total: int, end: int, head: int, head_len: int) -> bytes:
    """CAVLC: header then the slice data bits shifted after it, stop bit and padding."""
    zeros = (whole & -whole).bit_length() - 1  # below the rbsp_stop_one_bit
    data_len = total - end - zeros - 1
    data = (whole >> (zeros + 1)) & ((1 << data_len) - 1)
    bits = ((head << data_len | data) << 1) | 1
    size = head_len + data_len + 1
    pad = -size % 8
    return (bits << pad).to_bytes((size + pad) // 8, "big")


def renumber(frames: list[AccessUnit]) -> list[AccessUnit]:
    """Frames where an IDR frame right after another gets the other idr_pic_id (0/1)."""
    if not frames:
        return frames
    p, out, last = params(*parameter_sets(frames)), [], None
    for au in frames:
        now = idr_pic_id(au.nals[-1], p)[0] if au.key else None
        if now is not None and now == last:
            now = 1 - min(last, 1)
            au = AccessUnit(au.nals[:-1] + (with_idr_pic_id(au.nals[-1], p, now),))
        out.append(au)
        last = now
    return out

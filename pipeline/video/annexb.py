"""H.264 Annex-B byte streams cut into access units, in Python (no demuxer involved).

Lectern's segments are encoded with one slice per frame (`-threads 1`) and no
B-frames, so decode order is display order and every access unit (AU) is some
non-VCL NAL units (SPS, PPS, SEI) followed by exactly one slice. Joining a lecture
is then concatenating AUs: no concat demuxer opening and probing each segment file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.errors import LecternError

START = b"\x00\x00\x00\x01"
SLICE, IDR, SEI, SPS, PPS = 1, 5, 6, 7, 8
_START_CODE = re.compile(b"\x00\x00\x01")


@dataclass(frozen=True)
class AccessUnit:
    """One frame: its NAL units (without start codes), the slice last."""

    nals: tuple[bytes, ...]

    @property
    def key(self) -> bool:
        """An IDR frame: decodable on its own, a seek point."""
        return self.nals[-1][0] & 0x1F == IDR

    def params(self) -> tuple[bytes, ...]:
        """The SPS and PPS it carries in band (empty for most P-frames)."""
        return tuple(n for n in self.nals if n[0] & 0x1F in (SPS, PPS))

    def slice_only(self) -> AccessUnit:
        """The same frame without in-band headers (SPS, PPS, SEI)."""
        return AccessUnit(self.nals[-1:])

    def to_bytes(self) -> bytes:
        """Annex-B bytes with 4-byte start codes."""
        return b"".join(START + n for n in self.nals)


def nal_units(data: bytes) -> list[bytes]:
    """NAL units of an Annex-B stream (start codes and trailing zero bytes removed)."""
    cuts = [m.start() for m in _START_CODE.finditer(data)]
    if not cuts or data[: cuts[0]].strip(b"\x00"):
        raise LecternError("not an H.264 Annex-B stream (no start code at the beginning)")
    ends = cuts[1:] + [len(data)]
    # a payload never ends in 0x00 (rbsp stop bit, or 0x03 after cabac_zero_words), so the
    # zeros before the next start code belong to that start code
    return [data[a + 3 : b].rstrip(b"\x00") for a, b in zip(cuts, ends, strict=True)]


def access_units(data: bytes) -> list[AccessUnit]:
    """Cut a stream into frames; each slice must start a new picture (one slice per frame)."""
    out, pending = [], []
    for nal in nal_units(data):
        pending.append(nal)
        if nal[0] & 0x1F in (SLICE, IDR):
            if len(nal) < 2 or not nal[1] & 0x80:  # ue(v) first_mb_in_slice == 0 is bit '1'
                raise LecternError(
                    "H.264 segment has several slices per frame; encode it with -threads 1"
                )
            out.append(AccessUnit(tuple(pending)))
            pending = []
    return out


def join(frames: list[AccessUnit]) -> bytes:
    """One stream: SPS/PPS/SEI kept in the first frame only (they must all be equal)."""
    if not frames:
        return b""
    parameter_sets(frames)
    return frames[0].to_bytes() + b"".join(au.slice_only().to_bytes() for au in frames[1:])


def parameter_sets(frames: list[AccessUnit]) -> tuple[bytes, bytes]:
    """The stream's SPS and PPS, checking every frame that carries them carries these."""
    first = frames[0].params() if frames else ()
    for n, au in enumerate(frames):
        if au.params() and au.params() != first:
            raise LecternError(
                f"frame {n} carries different SPS/PPS than frame 0: segments "
                "were encoded with different settings; delete "
                "output/<topic>/video/.segments and render again"
            )
    sps = [n for n in first if n[0] & 0x1F == SPS]
    pps = [n for n in first if n[0] & 0x1F == PPS]
    if len(sps) != 1 or len(pps) != 1:
        raise LecternError(
            "the first frame must carry exactly one SPS and one PPS; delete "
            "output/<topic>/video/.segments and render again"
        )
    return sps[0], pps[0]

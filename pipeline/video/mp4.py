"""Write an MP4 from Lectern's packets: H.264 (no B-frames) and AAC-LC, moov first.

Muxing with ffmpeg meant writing both streams out raw and having ffmpeg parse them back
into the packets Lectern already holds: a third of a re-render. This writes the same
boxes ffmpeg's muxer does (ftyp, moov with one trak per stream, udta metadata, one
mdat, interleaved in one-second chunks) straight from the packets.
tests/video/test_mp4.py checks the result against ffmpeg's own mux, packet by packet.
"""

from __future__ import annotations

import os
import struct
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from pipeline.errors import LecternError
from pipeline.video import annexb

MOVIE_TIMESCALE = 1000
LIMIT_32 = 0xFFFFFFFF  # past this many bytes, chunk offsets need 64 bits (co64)
MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
HIGH_PROFILES = {100, 110, 122, 144}  # their avcC carries chroma format and bit depths
EPOCH_1904 = 2082844800  # seconds from 1904-01-01 (MP4 times) to 1970-01-01 (Unix)
AAC_PRIMING = 1024  # samples ffmpeg's native AAC encoder puts before the sound (audio.AAC)
# BT.709 primaries, transfer and matrix, limited range: what segments.Encoding signals
COLR = b"nclx" + struct.pack(">HHHB", 1, 1, 1, 0)


@dataclass
class Track:
    """One stream: its samples (packets) in decode order, all of one duration."""

    handler: bytes  # b"vide" or b"soun"
    entry: bytes  # the sample description box (avc1 or mp4a)
    samples: list[bytes]
    timescale: int
    delta: int  # each sample's duration, in timescale units
    sync: list[int] | None = None  # 1-based keyframe numbers; None: every sample
    size: tuple[int, int] = (0, 0)  # picture size (video)
    roll: bool = False  # AAC: a sample needs the one before it to decode (pre-roll)
    skip: int = 0  # media time before the presentation starts (the AAC encoder's priming)
    offsets: list[int] = field(default_factory=list)  # chunk offsets, filled by `write`
    chunks: list[int] = field(default_factory=list)  # samples per chunk

    @cached_property
    def sizes(self) -> np.ndarray:
        """Each sample's size in bytes (the offsets and the size table both need them)."""
        return _sizes(self.samples)


def _sizes(samples: list[bytes]) -> np.ndarray:
    return np.fromiter(map(len, samples), np.int64, len(samples))


def box(name: bytes, *parts: bytes) -> bytes:
    """An ISO BMFF box: 32-bit size, type, payload."""
    payload = b"".join(parts)
    return struct.pack(">I4s", 8 + len(payload), name) + payload


def full(name: bytes, version: int, flags: int, *parts: bytes) -> bytes:
    """A full box: a box whose payload starts with version and flags."""
    return box(name, struct.pack(">I", version << 24 | flags), *parts)


# --- the two sample descriptions --------------------------------------------------------


def avc1(sps: bytes, pps: bytes, width: int, height: int) -> bytes:
    """The H.264 sample entry, with its avcC (SPS and PPS live here, not in samples)."""
    avcc = bytes([1, sps[1], sps[2], sps[3], 0xFF, 0xE1]) + struct.pack(">H", len(sps)) + sps
    avcc += b"\x01" + struct.pack(">H", len(pps)) + pps
    if sps[1] in HIGH_PROFILES:
        chroma, luma8, chroma8 = _sps_format(sps)
        avcc += bytes([0xFC | chroma, 0xF8 | luma8, 0xF8 | chroma8, 0])
    head = (
        bytes(6)
        + struct.pack(">H", 1)
        + bytes(16)
        + struct.pack(">HH", width, height)
        + struct.pack(">II", 0x480000, 0x480000)
        + bytes(4)
        + struct.pack(">H", 1)
        + bytes(32)
        + struct.pack(">Hh", 0x18, -1)
    )
    return box(b"avc1", head, box(b"avcC", avcc), box(b"colr", COLR))


def _sps_format(sps: bytes) -> tuple[int, int, int]:
    """chroma_format_idc and the luma/chroma bit depths (minus 8) of a High-profile SPS."""
    rbsp = sps[4:].replace(b"\x00\x00\x03", b"\x00\x00")  # emulation prevention off
    bits = "".join(f"{b:08b}" for b in rbsp[:16])
    pos, values = 0, []
    for _ in range(4):  # seq_parameter_set_id, chroma_format_idc, then the two depths
        zeros = bits.index("1", pos) - pos
        values.append(int(bits[pos + zeros : pos + 2 * zeros + 1], 2) - 1)
        pos += 2 * zeros + 1
        if len(values) == 2 and values[1] == 3:
            pos += 1  # separate_colour_plane_flag
    return values[1], values[2], values[3]


def mp4a(adts_header: bytes, samples: list[bytes], rate: int, delta: int) -> bytes:
    """The AAC sample entry; its esds holds the AudioSpecificConfig the ADTS header gave."""
    kind = (adts_header[2] >> 6) + 1  # ADTS profile is the object type minus one
    freq, channels = (adts_header[2] >> 2) & 0xF, (adts_header[2] & 1) << 2 | adts_header[3] >> 6
    config = struct.pack(">H", kind << 11 | freq << 7 | channels << 3)
    sizes = _sizes(samples)
    per_second = max(1, rate // delta)
    peak = int(np.convolve(sizes, np.ones(per_second, np.int64), "valid").max(initial=0)) * 8
    average = int(sizes.sum() * 8 * rate / max(len(samples) * delta, 1))
    decoder = (
        struct.pack(">BB", 0x40, 0x15)
        + int(sizes.max(initial=0)).to_bytes(3, "big")
        + struct.pack(">II", max(peak, average), average)
        + _descriptor(5, config)
    )
    es = struct.pack(">HB", 2, 0) + _descriptor(4, decoder) + _descriptor(6, b"\x02")
    head = (
        bytes(6)
        + struct.pack(">H", 1)
        + bytes(8)
        + struct.pack(">HHHHI", channels, 16, 0, 0, rate << 16)
    )
    return box(b"mp4a", head, full(b"esds", 0, 0, _descriptor(3, es)))


def _descriptor(tag: int, payload: bytes) -> bytes:
    """An MPEG-4 descriptor, its length in the 4-byte form ffmpeg writes."""
    n = len(payload)
    return (
        bytes([tag, 0x80 | n >> 21 & 0x7F, 0x80 | n >> 14 & 0x7F, 0x80 | n >> 7 & 0x7F, n & 0x7F])
        + payload
    )


# --- Lectern's streams as tracks --------------------------------------------------------


def h264_track(frames: list[annexb.AccessUnit], size: tuple[int, int], fps: int) -> Track:
    """A video track of access units at a constant frame rate (SPS/PPS to avcC, SEI dropped:
    equal pictures are then equal samples)."""
    sps, pps = annexb.parameter_sets(frames)
    samples = [len(au.nals[-1]).to_bytes(4, "big") + au.nals[-1] for au in frames]
    sync = [n for n, au in enumerate(frames, 1) if au.key]
    return Track(b"vide", avc1(sps, pps, *size), samples, fps * 512, 512, sync, size)


def aac_track(packets: list[bytes], rate: int, priming: int = AAC_PRIMING) -> Track:
    """An audio track of ADTS packets (their headers become the esds); the edit list
    skips the encoder's `priming` samples, so the sound starts at 0 with the picture."""
    if not packets:
        raise LecternError("no audio packets to write")
    samples = [p[7 if p[1] & 1 else 9 :] for p in packets]  # protection_absent: no CRC
    entry = mp4a(packets[0], samples, rate, 1024)
    return Track(b"soun", entry, samples, rate, 1024, roll=True, skip=priming)


# --- the file ---------------------------------------------------------------------------


def write(path: Path, tracks: list[Track], metadata: dict[str, str]) -> None:
    """Write tracks (their samples interleaved one second at a time) and metadata."""
    order = _interleave(tracks)
    ftyp = box(b"ftyp", b"isom", struct.pack(">I", 0x200), b"isomiso2avc1mp41")
    when = creation_time()
    moov = _moov(tracks, metadata, when)  # offsets all zero: only its size matters here
    data = sum(int(t.sizes.sum()) for t in tracks)
    large = len(ftyp) + len(moov) + 16 + data > LIMIT_32
    if large:
        moov = _moov(tracks, metadata, when, large=True)
    at = len(ftyp) + len(moov) + (16 if large else 8)
    for track, first, count in order:
        track.offsets.append(at)
        at += int(track.sizes[first : first + count].sum())
    moov = _moov(tracks, metadata, when, large)
    head = (
        struct.pack(">I4sQ", 1, b"mdat", at - len(ftyp) - len(moov))
        if large
        else struct.pack(">I4s", at - len(ftyp) - len(moov), b"mdat")
    )
    with open(path, "wb") as f:
        f.write(ftyp + moov + head)
        for track, first, count in order:
            f.write(b"".join(track.samples[first : first + count]))


def _interleave(tracks: list[Track]) -> list[tuple[Track, int, int]]:
    """(track, first sample, count) per chunk: each track's samples by whole seconds,
    the chunks in time order, as a player reads them."""
    chunks = []
    for rank, track in enumerate(tracks):
        track.offsets, track.chunks = [], []
        per = max(1, track.timescale // track.delta)  # samples in about a second
        for n, first in enumerate(range(0, len(track.samples), per)):
            count = min(per, len(track.samples) - first)
            chunks.append((first * track.delta / track.timescale, rank, n, track, first, count))
            track.chunks.append(count)
    return [(track, first, count) for *_, track, first, count in sorted(chunks, key=_by_time)]


def _by_time(chunk: tuple) -> tuple:
    return chunk[:3]


def creation_time() -> int:
    """Now in MP4 time (seconds since 1904), or SOURCE_DATE_EPOCH when set."""
    # the render time, as players and MediaInfo expect; SOURCE_DATE_EPOCH (the
    # reproducible-builds convention) pins it, so a build that sets it gets the same bytes
    # from the same inputs. Nothing caches videos by their bytes (stage keys hash inputs).
    fixed = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    unix = int(fixed) if fixed.isdigit() else int(time.time())
    return unix + EPOCH_1904


def _moov(tracks: list[Track], metadata: dict[str, str], when: int, large: bool = False) -> bytes:
    """The movie box: header, one trak per track, metadata; `when`: MP4 time."""
    duration = max(_movie_time(_shown(t), t.timescale) for t in tracks)
    mvhd = full(
        b"mvhd",
        0,
        0,
        struct.pack(">IIII", when, when, MOVIE_TIMESCALE, duration),
        struct.pack(">IH", 0x10000, 0x100),
        bytes(10),
        MATRIX,
        bytes(24),
        struct.pack(">I", len(tracks) + 1),
    )
    traks = [_trak(n, t, when, large) for n, t in enumerate(tracks, 1)]
    return box(b"moov", mvhd, *traks, _udta(metadata))


def _movie_time(media: int, timescale: int) -> int:
    """A track's length in movie time units, rounded up: a player ends a track at its
    edit list's end, and rounding down would cut the last samples short."""
    return -(-media * MOVIE_TIMESCALE // timescale)


def _shown(t: Track) -> int:
    """Media time a track presents: all its samples but the skipped priming."""
    return max(len(t.samples) * t.delta - t.skip, 0)


def _trak(number: int, t: Track, when: int, large: bool) -> bytes:
    """One track: header, edit list, media (handler, media header, sample tables)."""
    media = len(t.samples) * t.delta
    movie = _movie_time(_shown(t), t.timescale)
    video = t.handler == b"vide"
    tkhd = full(
        b"tkhd",
        0,
        3,
        struct.pack(">IIII", when, when, number, 0),
        struct.pack(">I", movie),
        bytes(8),
        struct.pack(">hhhH", 0, 0 if video else 1, 0 if video else 0x100, 0),
        MATRIX,
        struct.pack(">II", t.size[0] << 16, t.size[1] << 16),
    )
    # media_time: where in the media the presentation starts (AAC: after the priming)
    edts = box(b"edts", full(b"elst", 0, 0, struct.pack(">IIiI", 1, movie, t.skip, 0x10000)))
    mdhd = full(b"mdhd", 0, 0, struct.pack(">IIIIHH", when, when, t.timescale, media, 0x55C4, 0))
    name = b"VideoHandler\x00" if video else b"SoundHandler\x00"
    hdlr = full(b"hdlr", 0, 0, bytes(4), t.handler, bytes(12), name)
    header = full(b"vmhd", 0, 1, bytes(8)) if video else full(b"smhd", 0, 0, bytes(4))
    dinf = box(b"dinf", full(b"dref", 0, 0, struct.pack(">I", 1), full(b"url ", 0, 1)))
    minf = box(b"minf", header, dinf, _stbl(t, large))
    return box(b"trak", tkhd, edts, box(b"mdia", mdhd, hdlr, minf))


def _stbl(t: Track, large: bool) -> bytes:
    """Sample tables: description, times, keyframes, chunking, sizes, chunk offsets."""
    n = len(t.samples)
    parts = [
        full(b"stsd", 0, 0, struct.pack(">I", 1), t.entry),
        full(b"stts", 0, 0, struct.pack(">III", 1, n, t.delta)),
    ]
    if t.sync is not None:
        parts.append(
            full(b"stss", 0, 0, struct.pack(">I", len(t.sync)), np.asarray(t.sync, ">u4").tobytes())
        )
    parts.append(full(b"stsc", 0, 0, *_stsc(t.chunks)))
    parts.append(full(b"stsz", 0, 0, struct.pack(">II", 0, n), t.sizes.astype(">u4").tobytes()))
    offsets = np.asarray(t.offsets or [0] * len(t.chunks), np.int64)
    parts.append(
        full(b"co64", 0, 0, struct.pack(">I", len(offsets)), offsets.astype(">u8").tobytes())
        if large
        else full(b"stco", 0, 0, struct.pack(">I", len(offsets)), offsets.astype(">u4").tobytes())
    )
    if t.roll:  # every AAC sample: decoding starts one sample earlier (as ffmpeg writes)
        parts.append(full(b"sgpd", 1, 0, b"roll", struct.pack(">IIh", 2, 1, -1)))
        parts.append(full(b"sbgp", 0, 0, b"roll", struct.pack(">III", 1, n, 1)))
    return box(b"stbl", *parts)


def _stsc(chunks: list[int]) -> list[bytes]:
    """Sample-to-chunk runs: (first chunk, samples per chunk, description 1)."""
    runs = [(i + 1, count) for i, count in enumerate(chunks) if i == 0 or chunks[i - 1] != count]
    return [struct.pack(">I", len(runs))] + [struct.pack(">III", a, c, 1) for a, c in runs]


def _udta(metadata: dict[str, str]) -> bytes:
    """iTunes-style metadata (what ffmpeg writes and reads as title, comment, encoder)."""
    keys = {"title": b"\xa9nam", "encoder": b"\xa9too", "comment": b"\xa9cmt"}
    items = [
        box(keys[k], box(b"data", struct.pack(">II", 1, 0), v.encode()))
        for k, v in metadata.items()
        if k in keys and v
    ]
    unknown = set(metadata) - set(keys)
    if unknown:
        raise LecternError(f"mp4 metadata: unknown keys {sorted(unknown)}")
    hdlr = full(b"hdlr", 0, 0, bytes(4), b"mdir", b"appl", bytes(9))
    return box(b"udta", full(b"meta", 0, 0, hdlr, box(b"ilst", *items)))

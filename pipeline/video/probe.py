"""Read a media file back with ffmpeg alone (there is no ffprobe in imageio-ffmpeg).

`info` parses `ffmpeg -i`; `packets` lists a stream's packets (time, key, checksum) with
stream copy, so nothing is decoded; `audio` decodes the sound to numpy, and
`audio_packets` only the packets in given stretches of time (the sync check's windows).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pipeline import tempfiles
from pipeline.errors import LecternError
from pipeline.tools import ffmpeg, on_core

DURATION = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")
VIDEO = re.compile(
    r"Stream #\d+:\d+.*?: Video: (\w+)(?: \(([^)]*)\))?.*?, (\w+)(?:\([^)]*\))?, "
    r"(\d+)x(\d+).*?(?:, ([\d.]+) fps)?(?:,|$)"
)
AUDIO = re.compile(r"Stream #\d+:\d+.*?: Audio: (\w+)(?: \(([^)]*)\))?.*?, (\d+) Hz, ([^,]+)")
FPS = re.compile(r", ([\d.]+) fps")
COMMENT = re.compile(r"^\s*comment\s*:\s*(.*)$", re.M)
COLOUR = re.compile(r": Video: .*?, \w+\(([^)]*)\)")  # yuv420p(tv, bt709, progressive)


@dataclass
class MediaInfo:
    """What `ffmpeg -i` says about a file."""

    duration: float = 0.0
    video: dict = field(default_factory=dict)
    audio: dict = field(default_factory=dict)
    comment: str = ""
    colour: list[str] = field(default_factory=list)  # range, colour space, field order


@dataclass
class Packet:
    """One video packet: presentation time, duration, keyframe flag, content checksum."""

    pts: float
    duration: float
    key: bool
    size: int
    crc: str


def info(path: Path) -> MediaInfo:
    """Parse the stream summary ffmpeg prints for an input."""
    proc = subprocess.run(
        [ffmpeg(), "-hide_banner", "-i", str(path)], capture_output=True, text=True, timeout=60
    )
    return parse_info(proc.stderr, path)


def parse_info(text: str, path: Path) -> MediaInfo:
    """The input's stream summary from what ffmpeg printed (its outputs' come after)."""
    text = text.split("\nOutput #0", 1)[0]
    if "Invalid data found" in text or "No such file" in text:
        raise LecternError(f"{path}: ffmpeg cannot read this file (not a media file?)")
    out = MediaInfo()
    if m := DURATION.search(text):
        out.duration = int(m[1]) * 3600 + int(m[2]) * 60 + float(m[3])
    out.video = _video(text)
    out.audio = _audio(text)
    if m := COMMENT.search(text):
        out.comment = m[1].strip()
    if m := COLOUR.search(text):
        out.colour = [x.strip() for x in m[1].split(",")]
    return out


def _video(text: str) -> dict:
    line = next((x for x in text.splitlines() if ": Video: " in x), "")
    m = VIDEO.search(line)
    if not m:
        return {}
    fps = FPS.search(line)
    return {
        "codec": m[1],
        "profile": m[2] or "",
        "pix_fmt": m[3],
        "width": int(m[4]),
        "height": int(m[5]),
        "fps": float(fps[1]) if fps else 0.0,
    }


def _audio(text: str) -> dict:
    line = next((x for x in text.splitlines() if ": Audio: " in x), "")
    m = AUDIO.search(line)
    if not m:
        return {}
    return {"codec": m[1], "profile": m[2] or "", "rate": int(m[3]), "layout": m[4].strip()}


def packets(path: Path, stream: str = "v:0", core: int | None = None) -> list[Packet]:
    """Every packet of one stream, read with stream copy (fast: nothing is decoded);
    `core`: run on that CPU alone (see tools.on_core)."""
    cmd = [
        ffmpeg(),
        "-hide_banner",
        "-loglevel",
        "error",
        "-i",
        str(path),
        "-map",
        f"0:{stream}",
        "-c",
        "copy",
        "-f",
        "framecrc",
        "-",
    ]
    cmd = cmd if core is None else on_core(cmd, core)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise LecternError(
            f"{path}: ffmpeg could not read its {stream} packets: {proc.stderr.strip()[-300:]}"
        )
    return sorted(parse_framecrc(proc.stdout), key=lambda p: p.pts)


def parse_framecrc(text: str) -> list[Packet]:
    """Packets from framecrc lines (float arithmetic: Fraction costs 0.4 s per lecture)."""
    scale, out = 1.0, []
    for line in text.splitlines():
        if line.startswith("#tb"):
            num, _, den = line.split(":", 1)[1].strip().partition("/")
            scale = int(num) / int(den or 1)
        elif line and line[0] != "#":
            out.append(_packet(line.split(","), scale))
    return out


def _packet(parts: list[str], scale: float) -> Packet:
    # framecrc prints F=0x.. only for flags other than "keyframe"
    key = len(parts) < 7 or int(parts[6].split("=")[1], 16) & 1 == 1
    return Packet(
        int(parts[2]) * scale, int(parts[3]) * scale, key, int(parts[4]), parts[5].strip()
    )


def audio(path: Path, rate: int = 48000, channels: int = 1) -> np.ndarray:
    """Decode the first audio stream to float32 (n, channels), placed at its timestamps."""
    return audio16(path, rate, channels).astype(np.float32) / 32768.0


def audio16(path: Path, rate: int = 48000, channels: int = 1) -> np.ndarray:
    """Like `audio`, as int16 (half the memory, cheap integer arithmetic)."""
    cmd = [
        ffmpeg(),
        "-hide_banner",
        "-loglevel",
        "error",
        "-i",
        str(path),
        "-map",
        "0:a:0",
        "-af",
        "aresample=async=1:first_pts=0",
        "-ac",
        str(channels),
        "-ar",
        str(rate),
        "-f",
        "s16le",
        "-",
    ]
    return _pcm(cmd, path).reshape(-1, channels)


def audio_packets(
    path: Path, keep: list[tuple[float, float]], core: int | None = None
) -> tuple[np.ndarray, list, MediaInfo]:
    """Decode only the audio packets whose time lies in one of the sorted, disjoint `keep`
    ranges (seconds to 6 decimals, ends included): their int16 samples back to back, the
    packets themselves, and the file's stream summary, in one read of the file."""
    # a bitstream filter before the decoder drops the others: they are never decoded
    drop = f"noise=drop=not({_inside(keep)})"
    tmp = tempfiles.folder(None, "probe")
    try:
        listing = tmp / "packets.crc"
        cmd = [
            ffmpeg(),
            "-hide_banner",
            "-nostats",
            "-bsf:a",
            drop,
            "-i",
            str(path),
            "-map",
            "0:a:0",
            "-f",
            "s16le",
            "pipe:1",
            "-map",
            "0:a:0",
            "-c",
            "copy",
            "-f",
            "framecrc",
            str(listing),
        ]
        cmd = cmd if core is None else on_core(cmd, core)
        proc = subprocess.run(cmd, capture_output=True)
        text = proc.stderr.decode(errors="replace")
        if proc.returncode != 0:
            raise LecternError(f"{path}: ffmpeg could not decode its audio: {text[-300:]}")
        pcm = np.frombuffer(proc.stdout, dtype="<i2")
        return pcm, parse_framecrc(listing.read_text()), parse_info(text, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _pcm(cmd: list[str], path: Path) -> np.ndarray:
    """Run an ffmpeg decode writing s16le to stdout; its samples."""
    proc = subprocess.run(cmd, capture_output=True)
    if proc.returncode != 0:
        raise LecternError(
            f"{path}: ffmpeg could not decode its audio: "
            f"{proc.stderr.decode(errors='replace').strip()[-300:]}"
        )
    return np.frombuffer(proc.stdout, dtype="<i2")


def _inside(ranges: list[tuple[float, float]]) -> str:
    """An ffmpeg expression, 1 when the packet time is in one of the ranges: a binary
    search, so a long lecture costs each packet a few comparisons, not one per range."""
    if len(ranges) == 1:
        return f"between(pts*tb\\,{ranges[0][0]:.6f}\\,{ranges[0][1]:.6f})"
    mid = len(ranges) // 2  # commas escaped: the option string is itself comma-separated
    return (
        f"if(lt(pts*tb\\,{ranges[mid][0]:.6f})\\,{_inside(ranges[:mid])}\\,{_inside(ranges[mid:])})"
    )


def box_order(path: Path) -> list[str]:
    """Top-level MP4 boxes in file order (moov before mdat means +faststart)."""
    names = []
    with open(path, "rb") as f:
        while len(names) < 64:
            head = f.read(8)
            if len(head) < 8:
                break
            size, name = int.from_bytes(head[:4], "big"), head[4:].decode("latin-1")
            if size == 1:
                size = int.from_bytes(f.read(8), "big") - 8
            names.append(name)
            if size == 0:
                break
            f.seek(size - 8, 1)
    return names


def keyframes_h264(path: Path) -> bytes:
    """The video's keyframes alone as an Annex-B stream (stream copy, nothing decoded)."""
    cmd = [ffmpeg(), "-hide_banner", "-loglevel", "error", "-i", str(path), "-map", "0:v:0"]
    cmd += ["-c", "copy", "-bsf:v", "noise=drop=not(key),h264_mp4toannexb", "-f", "h264", "-"]
    proc = subprocess.run(cmd, capture_output=True)
    if proc.returncode != 0:
        raise LecternError(
            f"{path}: ffmpeg could not read its keyframes: {proc.stderr.decode()[-300:]}"
        )
    return proc.stdout


def edit_starts(path: Path) -> dict[str, int]:
    """Each track's first edit-list media_time (its media units), by handler type."""
    out = {}
    for trak in _children(_moov(path), "trak"):
        mdia = next(_children(trak, "mdia"), b"")
        hdlr = next(_children(mdia, "hdlr"), b"")
        elst = next(_children(next(_children(trak, "edts"), b""), "elst"), b"")
        if hdlr and len(elst) >= 16:
            wide = elst[0] == 1  # version 1: 64-bit duration and media_time
            at = elst[16:24] if wide else elst[12:16]
            out[hdlr[8:12].decode("latin-1")] = int.from_bytes(at, "big", signed=True)
    return out


def _moov(path: Path) -> bytes:
    """The body of the file's moov box (empty when there is none)."""
    with open(path, "rb") as f:
        while len(head := f.read(8)) == 8:
            size, skip = int.from_bytes(head[:4], "big"), 8
            if size == 1:
                size, skip = int.from_bytes(f.read(8), "big"), 16
            if head[4:] == b"moov":
                return f.read(size - skip)
            if size < skip:  # 0: the box runs to the end of the file
                break
            f.seek(size - skip, 1)
    return b""


def _children(data: bytes, want: str):
    """The bodies of the boxes named `want` directly inside `data`."""
    pos = 0
    while pos + 8 <= len(data):
        size = int.from_bytes(data[pos : pos + 4], "big")
        if size < 8:
            return
        if data[pos + 4 : pos + 8] == want.encode():
            yield data[pos + 8 : pos + size]
        pos += size

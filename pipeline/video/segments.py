"""Still segments: each distinct picture is encoded once, then reused by stream copy.

A segment is `unit` frames of one picture at 30 fps: one IDR frame and P-frames that
are all skips (closed GOP, no B-frames). A slide of n frames plays n // unit whole
segments and one trimmed by the concat demuxer's `outpoint` (safe because, without
B-frames, decode order is display order), so every slide starts on a keyframe and
keyframes come at least every `unit` frames.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pipeline.tools import ffmpeg, run
from pipeline.video.timeline import FPS


@dataclass(frozen=True)
class Encoding:
    """Settings that change a segment's bytes (all part of its cache key)."""

    width: int
    height: int
    unit: int = 60  # frames per segment: the keyframe interval
    crf: int = 20
    preset: str = "veryfast"

    def args(self) -> list[str]:
        """libx264 options: High profile, yuv420p BT.709, closed GOP, no B-frames."""
        u = str(self.unit)
        return ["-c:v", "libx264", "-profile:v", "high", "-preset", self.preset,
                "-tune", "stillimage", "-crf", str(self.crf), "-bf", "0", "-g", u,
                "-keyint_min", u, "-sc_threshold", "0", "-flags", "+cgop",
                # cheap motion search: after the IDR every macroblock is a skip anyway
                "-x264-params", "me=dia:subme=1:ref=1:trellis=0:weightp=0:rc-lookahead=0",
                "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709",
                "-color_range", "tv", "-video_track_timescale", str(FPS * 512), "-an"]


def path_for(cache: Path, key: str) -> Path:
    """Where a segment with this key lives."""
    return cache / f"v-{key[:32]}.mp4"


def encode(png: Path, out: Path, enc: Encoding) -> None:
    """Encode one picture into a `unit`-frame closed-GOP segment, atomically."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.stem}.{os.getpid()}.{id(png)}.tmp.mp4")
    # convert once, then clone the YUV frame: cheaper than re-reading the PNG per frame
    vf = (f"scale={enc.width}:{enc.height}:out_color_matrix=bt709:out_range=tv,"
          f"format=yuv420p,tpad=stop_mode=clone:stop={enc.unit - 1}")
    cmd = [ffmpeg(), "-hide_banner", "-loglevel", "error", "-y", "-framerate", str(FPS),
           "-i", str(png), "-vf", vf, "-frames:v", str(enc.unit), "-threads", "1",
           *enc.args(), str(tmp)]
    try:
        run(cmd, f"encoding {png.name} into a video segment", timeout=300)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def entries(pieces: list[tuple[Path, int]], unit: int) -> list[str]:
    """Concat-demuxer lines playing each (segment, frames) for exactly that many frames."""
    lines = []
    for seg, frames in pieces:
        whole, rest = divmod(frames, unit)
        lines += [_entry(seg, unit)] * whole
        if rest:
            lines.append(_entry(seg, rest, trim=True))
    return lines


def _entry(seg: Path, frames: int, trim: bool = False) -> str:
    quoted = str(seg).replace("'", "'\\''")
    text = f"file '{quoted}'\nduration {frames / FPS:.6f}\n"
    # half a frame before the first dropped frame: robust to timestamp rounding
    return text + (f"outpoint {(frames - 0.5) / FPS:.6f}\n" if trim else "")

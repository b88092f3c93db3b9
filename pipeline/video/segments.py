"""Still segments: each distinct picture is encoded once, then reused by copying bytes.

A segment is `unit` frames of one picture at 30 fps: one IDR frame and P-frames that
are all skips (closed GOP, no B-frames). A slide of n frames plays n // unit whole
segments and one cut short, so every slide starts on a keyframe and keyframes come at
least every `unit` frames. Segments are kept as Annex-B H.264 and joined by
concatenating access units (see annexb.py): no B-frames, so decode order is display
order and cutting a segment short is dropping its last frames.

An all-skip P-frame copies its reference exactly whatever the picture is (no
residual, zero motion; its CABAC state starts from its own slice header), so the
P-frames of any segment fit any IDR frame encoded with the same settings. Each
picture is therefore encoded as ONE IDR frame (~0.05 s instead of ~0.4 s for 60
frames) and followed by P-frames from a template: one segment of a flat grey picture,
verified once per settings by decoding it behind a detailed IDR frame. When the
template fails that check, or a picture's SPS/PPS differ from the template's, the
picture gets a full segment of its own instead.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import tempfiles
from pipeline.errors import LecternError
from pipeline.tools import ffmpeg, run
from pipeline.video import annexb, slices
from pipeline.video.timeline import FPS

if TYPE_CHECKING:
    from PIL import Image

# the frames' own colour tags: this ffmpeg gives x264 those, not -color_primaries and
# -color_trc (without it the SPS said matrix BT.709, primaries and transfer unspecified)
COLOUR = "setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv"
MAX_SKIP_BYTES = 256  # an all-skip 1080p P slice is ~70 bytes; residual would be far more


@dataclass(frozen=True)
class Encoding:
    """Settings that change a segment's bytes (all part of its cache key)."""

    width: int
    height: int
    unit: int = 60  # frames per segment: the keyframe interval
    crf: int = 20
    preset: str = "veryfast"
    # Bump when the same settings encode differently, so no old segment is reused
    # (2: square pixels signalled whatever the PNG says; 3: BT.709 primaries and transfer
    # signalled too, not only the matrix).
    version: int = 3

    def args(self) -> list[str]:
        """libx264 options: High profile, yuv420p BT.709, closed GOP, no B-frames."""
        u = str(self.unit)
        return [
            "-c:v",
            "libx264",
            "-profile:v",
            "high",
            "-preset",
            self.preset,
            "-tune",
            "stillimage",
            "-crf",
            str(self.crf),
            "-bf",
            "0",
            "-g",
            u,
            "-keyint_min",
            u,
            "-sc_threshold",
            "0",
            "-flags",
            "+cgop",
            # cheap motion search: after the IDR every macroblock is a skip anyway
            "-x264-params",
            "me=dia:subme=1:ref=1:trellis=0:weightp=0:rc-lookahead=0",
            "-colorspace",
            "bt709",
            "-color_primaries",
            "bt709",
            "-color_trc",
            "bt709",
            "-color_range",
            "tv",
            "-an",
        ]


def path_for(cache: Path, key: str) -> Path:
    """Where a picture's segment (Annex-B: its IDR frame, or a full segment) lives."""
    return cache / f"v-{key[:32]}.h264"


def template_path(cache: Path, enc: Encoding) -> Path:
    """Where the verified all-skip template for these settings lives (empty: unusable)."""
    key = hashlib.sha256(repr(sorted(asdict(enc).items())).encode()).hexdigest()
    return cache / f"t-{key[:32]}.h264"


def encode(png: Path, out: Path, enc: Encoding, frames: int | None = None) -> None:
    """Encode one picture into `frames` frames (default: a whole unit), atomically."""
    frames = frames or enc.unit
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = tempfiles.path_for(out)
    # convert once, then clone the YUV frame: cheaper than re-reading the PNG per frame
    # setsar=1: pdftoppm writes a pHYs (DPI) chunk, which ffmpeg would turn into an aspect
    # ratio in the SPS; then no slide's headers matched the template and every picture
    # was encoded twice
    vf = (
        f"scale={enc.width}:{enc.height}:out_color_matrix=bt709:out_range=tv,"
        f"format=yuv420p,setsar=1,{COLOUR}"
        + (f",tpad=stop_mode=clone:stop={frames - 1}" if frames > 1 else "")
    )
    # -threads 1: one slice per frame, which annexb.access_units relies on
    cmd = [
        ffmpeg(),
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-framerate",
        str(FPS),
        "-i",
        str(png),
        "-vf",
        vf,
        "-frames:v",
        str(frames),
        "-threads",
        "1",
        *enc.args(),
        "-f",
        "h264",
        str(tmp),
    ]
    try:
        run(cmd, f"encoding {png.name} into a video segment", timeout=300)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def encode_picture(png: Path, out: Path, enc: Encoding, template: list) -> bool:
    """One IDR frame when the template fits it (True), else a full segment (False).

    Only a finished segment ever appears at `out`: the IDR is tried beside it, so a run
    killed before a full segment is done leaves nothing a later render would reuse."""
    if template:
        idr = tempfiles.path_for(out, "idr")
        try:
            encode(png, idr, enc, frames=1)
            if annexb.access_units(idr.read_bytes())[0].params() == template[0].params():
                os.replace(idr, out)
                return True
        finally:
            idr.unlink(missing_ok=True)
    encode(png, out, enc)  # no template, or other headers: its slices would not decode
    return False


def load_template(cache: Path, enc: Encoding, work: Path) -> list[annexb.AccessUnit]:
    """The template's frames, making and verifying it first if needed ([] when unusable)."""
    path = template_path(cache, enc)
    if not path.exists():
        _make_template(path, enc, work)
    data = path.read_bytes()
    return annexb.access_units(data) if data else []


def _make_template(path: Path, enc: Encoding, work: Path) -> None:
    """Encode a flat grey segment; keep it only if its P-frames fit a detailed picture."""
    from PIL import Image  # only here: most renders find the template made

    flat, busy = work / "template-flat.png", work / "template-busy.png"
    Image.new("RGB", (enc.width, enc.height), (128, 128, 128)).save(flat, compress_level=1)
    _busy_picture(enc.width, enc.height).save(busy, compress_level=1)
    tmpl, probe_idr = work / "template.h264", work / "template-idr.h264"
    encode(flat, tmpl, enc)
    encode(busy, probe_idr, enc, frames=1)
    frames = annexb.access_units(tmpl.read_bytes())
    idr = annexb.access_units(probe_idr.read_bytes())[0]
    ok = (
        len(frames) == enc.unit
        and idr.params() == frames[0].params()
        and all(len(au.to_bytes()) <= MAX_SKIP_BYTES for au in frames[1:])
        and _decodes_as_still(annexb.join([idr, *frames[1:]]))
    )
    tmp = tempfiles.path_for(path)
    tmp.write_bytes(tmpl.read_bytes() if ok else b"")
    os.replace(tmp, path)


def _busy_picture(width: int, height: int) -> Image.Image:
    """Edges, text and colour everywhere: a picture that any residual would change."""
    from PIL import Image, ImageDraw

    img = Image.effect_mandelbrot((width, height), (-2.2, -1.2, 1.0, 1.2), 60).convert("RGB")
    draw = ImageDraw.Draw(img)
    for x in range(0, width, 97):
        draw.line((x, 0, width - x, height), fill=(255, x % 256, 40), width=3)
    return img


def _decodes_as_still(stream: bytes) -> bool:
    """Every frame of an Annex-B stream decodes to the same picture as the first."""
    cmd = [ffmpeg(), "-hide_banner", "-v", "error", "-f", "h264", "-i", "-", "-f", "framemd5", "-"]
    proc = subprocess.run(cmd, input=stream, capture_output=True, timeout=300)
    sums = [
        line.rsplit(b",", 1)[-1].strip()
        for line in proc.stdout.splitlines()
        if line and not line.startswith(b"#")
    ]
    return (
        proc.returncode == 0 and not proc.stderr.strip() and len(set(sums)) == 1 and len(sums) > 1
    )


def frames_for(
    pieces: list[tuple[list[annexb.AccessUnit], int]], unit: int, template: list[annexb.AccessUnit]
) -> list[annexb.AccessUnit]:
    """Play each (segment frames, n) for exactly n frames, restarting every `unit`."""
    out = []
    for seg, n in pieces:
        whole = seg if len(seg) > 1 else seg + template[1:]
        if len(whole) < unit:
            raise LecternError(
                "a cached video segment is shorter than its unit; delete "
                "output/<topic>/video/.segments and render again"
            )
        for start in range(0, n, unit):
            out += whole[: min(unit, n - start)]  # cut short = drop the last frames
    return slices.renumber(out)  # two IDR frames in a row must differ in idr_pic_id

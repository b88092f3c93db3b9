"""Facts about media files, read with the ffmpeg that ships in imageio-ffmpeg.

There is no ffprobe in that wheel, so `ffmpeg -i FILE` (which prints the container's
duration and one line per stream, then exits 1 for lack of an output) is parsed.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pipeline import tools

DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
VIDEO = re.compile(r"Stream #\S+.*?: Video: (\w+).*?, (\d{2,5})x(\d{2,5})")
AUDIO = re.compile(r"Stream #\S+.*?: Audio: (\w+).*?, (\d+) Hz, ([^,]+)")
LAYOUT_CHANNELS = {"mono": 1, "stereo": 2, "2.1": 3, "quad": 4, "5.1": 6, "5.1(side)": 6}


@dataclass(frozen=True)
class MediaInfo:
    """What Udemy's video rules look at."""

    duration: float
    vcodec: str | None = None
    width: int = 0
    height: int = 0
    acodec: str | None = None
    channels: int = 0


def probe(path: Path) -> MediaInfo:
    """Duration, codecs, frame size and audio channels of a media file."""
    proc = subprocess.run([tools.ffmpeg(), "-hide_banner", "-i", str(path)],
                          capture_output=True, text=True, timeout=60)
    return parse(proc.stderr)


def parse(text: str) -> MediaInfo:
    """MediaInfo from the banner `ffmpeg -i` prints (first video and audio stream)."""
    d = DURATION.search(text)
    seconds = int(d[1]) * 3600 + int(d[2]) * 60 + float(d[3]) if d else 0.0
    v, a = VIDEO.search(text), AUDIO.search(text)
    return MediaInfo(
        duration=seconds,
        vcodec=v[1] if v else None, width=int(v[2]) if v else 0, height=int(v[3]) if v else 0,
        acodec=a[1] if a else None, channels=_channels(a[3]) if a else 0)


def _channels(layout: str) -> int:
    layout = layout.strip()
    m = re.match(r"(\d+) channels", layout)
    return int(m[1]) if m else LAYOUT_CHANNELS.get(layout, 0)


def clock(seconds: float) -> str:
    """Seconds as m:ss (or h:mm:ss), rounded to the second, as Udemy shows lengths."""
    s = round(seconds)
    h, m = divmod(s // 60, 60)
    return f"{h}:{m:02d}:{s % 60:02d}" if h else f"{m}:{s % 60:02d}"

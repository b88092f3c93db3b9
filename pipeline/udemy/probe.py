"""The facts about a video that Udemy's rules look at, from the video stage's probe."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import LecternError
from pipeline.fsutil import stat_memo
from pipeline.video import probe as video_probe

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
    """Duration, codecs, frame size and audio channels of a media file (zeros when ffmpeg
    cannot read it: the rules then say what is missing)."""
    try:
        return _probe(Path(path))
    except OSError:
        return MediaInfo(0.0)


@stat_memo
def _probe(path: Path) -> MediaInfo:
    """One ffmpeg read per version of a file: the bundle, its landing page and the
    check all ask for the same videos."""
    try:
        info = video_probe.info(path)
    except LecternError:
        return MediaInfo(0.0)
    v, a = info.video, info.audio
    return MediaInfo(
        duration=info.duration,
        vcodec=v.get("codec"),
        width=v.get("width", 0),
        height=v.get("height", 0),
        acodec=a.get("codec"),
        channels=_channels(a["layout"]) if a else 0,
    )


def _channels(layout: str) -> int:
    layout = layout.strip()
    m = re.match(r"(\d+) channels", layout)
    return int(m[1]) if m else LAYOUT_CHANNELS.get(layout, 0)


def clock(seconds: float) -> str:
    """Seconds as m:ss (or h:mm:ss), rounded to the second, as Udemy shows lengths."""
    s = round(seconds)
    h, m = divmod(s // 60, 60)
    return f"{h}:{m:02d}:{s % 60:02d}" if h else f"{m}:{s % 60:02d}"

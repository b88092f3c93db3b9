"""Audio: one AAC chunk per timeline span, cached, joined packet by packet.

AAC-LC packets hold 1024 samples; an encoder's packet j carries input samples
[(j-1)*1024, j*1024) (packet 0 is priming). A span's chunk is placed so its first
sample lands on the packet boundary nearest the span's start (within 10.7 ms), its
priming packet replacing the last packet of the span before, which is the pause at
the end of a slide. So changing one slide's narration re-encodes only that slide's
chunk, and the joined stream stays on the absolute timeline (no drift). The first
chunk keeps its priming packet: the track's packet 0 is priming, which the MP4's edit
list skips (mp4.aac_track), so every packet is decoded after the one before it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import wave
from pathlib import Path

import numpy as np

from pipeline import tempfiles
from pipeline.errors import InputError, LecternError
from pipeline.fsutil import stat_memo
from pipeline.tools import failure, ffmpeg
from pipeline.video.timeline import AAC_FRAME, RATE, Span

# Noise substitution and intensity stereo code the two channels differently: with them
# a dual-mono narration decodes with different left and right (checked: 0.11 apart).
# Mid/side coding always on: the side channel of dual mono is silence, so left and right
# decode identical (checked: 0 apart) and the encoder skips deciding it (20% faster).
# The "fast" coder encodes 3x faster than the default "twoloop" and, at 192 kb/s for
# one voice, comes closer to the input (SNR 51 dB against 37 dB, measured on Piper).
AAC = [
    "-c:a",
    "aac",
    "-profile:a",
    "aac_low",
    "-b:a",
    "192k",
    "-aac_pns",
    "0",
    "-aac_is",
    "0",
    "-aac_ms",
    "1",
    "-aac_coder",
    "fast",
    "-ar",
    str(RATE),
    "-ac",
    "2",
]


def read_wav(path: Path) -> np.ndarray:
    """The narration as int16 mono samples at 48 kHz (the narration contract); mapped
    from the file, not read: pages are only loaded where a slice is used."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: narration audio not found; run {_rebuild(path)}")
    try:
        with wave.open(str(path), "rb") as w:
            rate, width = w.getframerate(), w.getsampwidth()
            channels, frames = w.getnchannels(), w.getnframes()
    except (wave.Error, EOFError) as e:
        raise InputError(
            f"{path}: not a readable WAV file ({e}); rebuild it with {_rebuild(path)}"
        ) from None
    if rate != RATE or width != 2:
        raise InputError(
            f"{path}: expected 48 kHz 16-bit PCM, found {rate} Hz {8 * width}-bit; "
            f"rebuild it with {_rebuild(path)}"
        )
    if frames == 0:
        return np.zeros(0, "<i2")
    offset, want = _data_offset(path), frames * channels * 2
    if path.stat().st_size - offset < want:  # the header promises more than was written
        raise InputError(
            f"{path}: the WAV file is cut short ({path.stat().st_size - offset:,} "
            f"of {want:,} bytes of sound): it was not written completely; "
            f"rebuild it with {_rebuild(path)}"
        )
    data = np.memmap(path, "<i2", "r", offset, (frames * channels,))
    return data.reshape(-1, channels).mean(axis=1).astype("<i2") if channels > 1 else data


def _rebuild(path: Path) -> str:
    """The command that remakes a narration.wav at output/T/audio/ID/ (FORCE=1: Make may
    think the broken file is up to date)."""
    parts = Path(path).resolve().parts
    topic = parts[-4] if len(parts) >= 4 and parts[-3] == "audio" else "<topic>"
    return f"`make narration TOPIC={topic} FORCE=1`"


def _data_offset(path: Path) -> int:
    """Where a WAV file's samples start (after the RIFF header and any other chunks)."""
    with open(path, "rb") as f:
        f.seek(12)
        while len(head := f.read(8)) == 8:
            size = int.from_bytes(head[4:], "little")
            if head[:4] == b"data":
                return f.tell()
            f.seek(size + (size & 1), 1)  # chunks are padded to an even size
    raise InputError(f"{path}: no audio data in this WAV file; rebuild it with {_rebuild(path)}")


def span_samples(wav: np.ndarray, span) -> np.ndarray:
    """The samples a span plays: its narration, padded with silence to its length."""
    n = int(round((span.end - span.start) * RATE))
    if span.audio is None:
        return np.zeros(n, "<i2")
    a = int(round(span.audio[0] * RATE))
    part = wav[a : a + n]
    return np.concatenate([part, np.zeros(n - len(part), "<i2")]) if len(part) < n else part


def key_of(samples: np.ndarray) -> str:
    """Cache key of a chunk: its samples and the encoder settings."""
    h = hashlib.sha256(np.ascontiguousarray(samples))  # hashed in place, not copied
    h.update(" ".join(AAC).encode())
    return h.hexdigest()


def span_keys(wav_path: Path, spans: list[Span]) -> list[str]:
    """`key_of` each span's samples, remembered while the WAV file and the timeline are
    unchanged (the stage key and the render both need them: the narration is hashed once)."""
    return list(_span_keys(Path(wav_path), tuple((s.start, s.end, s.audio) for s in spans)))


@stat_memo
def _span_keys(wav_path: Path, bounds: tuple) -> tuple[str, ...]:
    wav = read_wav(wav_path)
    return tuple(
        key_of(span_samples(wav, Span("slide", start, end, audio=played)))
        for start, end, played in bounds
    )


def path_for(cache: Path, key: str) -> Path:
    """Where a chunk with this key lives."""
    return cache / f"a-{key[:32]}.aac"


def encode(samples: np.ndarray, out: Path) -> None:
    """Encode mono samples to dual-mono AAC-LC (ADTS), with room to spare at the end."""
    _encode_pcm(samples, out, [], f"encoding audio for {out.name}")


def _encode_pcm(samples: np.ndarray, out: Path, graph: list[str], what: str) -> None:
    """Feed 48 kHz mono PCM to ffmpeg (plus any inputs and filter graph) and write AAC
    atomically; two AAC frames of silence at the end leave the joiner room to spare."""
    padded = np.concatenate([samples, np.zeros(2 * AAC_FRAME, "<i2")])
    tmp = tempfiles.path_for(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        ffmpeg(),
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "s16le",
        "-ar",
        str(RATE),
        "-ac",
        "1",
        "-i",
        "-",
        *graph,
        *AAC,
        "-f",
        "adts",
        str(tmp),
    ]
    try:
        proc = subprocess.run(cmd, input=padded.tobytes(), capture_output=True, timeout=600)
        if proc.returncode != 0:
            raise failure(cmd, what, proc.returncode, proc.stderr.decode(errors="replace"))
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def adts_packets(data: bytes) -> list[bytes]:
    """Split an ADTS stream into its packets (each with its header)."""
    out, pos = [], 0
    while pos + 7 <= len(data):
        if data[pos] != 0xFF or data[pos + 1] & 0xF0 != 0xF0:
            raise LecternError(
                "broken AAC chunk (no ADTS sync word); delete "
                "output/<topic>/video/.segments and render again"
            )
        size = ((data[pos + 3] & 3) << 11) | (data[pos + 4] << 3) | (data[pos + 5] >> 5)
        out.append(data[pos : pos + size])
        pos += size
    return out


def join(
    chunks: list[tuple[Path, int]], end: int, loaded: dict[Path, list[bytes]] | None = None
) -> list[bytes]:
    """The `end` ADTS packets of the track (priming first), from chunks placed at packet
    boundaries (`loaded`: packets of chunks already read)."""
    loaded = {**(loaded or {}), **load([p for p, _ in chunks if p not in (loaded or {})])}
    out = []
    for i, (path, g) in enumerate(chunks):
        # track packet g + k is the chunk's packet k (packet 0, its priming, sits where the
        # chunk before plays its pause, one packet before the chunk's sound starts)
        stop = chunks[i + 1][1] if i + 1 < len(chunks) else end
        want = loaded[path][: max(stop - g, 0)]
        if len(want) < stop - g:
            raise LecternError(
                f"{path.name}: AAC chunk is shorter than its span; delete it and render again"
            )
        out += want
    return out


def load(paths: list[Path]) -> dict[Path, list[bytes]]:
    """The ADTS packets of each chunk file."""
    return {path: adts_packets(path.read_bytes()) for path in dict.fromkeys(paths)}


def mix_music(voice: np.ndarray, music: Path, out: Path, music_db: float) -> None:
    """Encode voice with looping music under it, ducked while speaking, faded in and out."""
    seconds = len(voice) / RATE
    fade = min(2.0, seconds / 4)
    graph = (
        f"[1:a]aformat=sample_rates={RATE}:channel_layouts=mono,aloop=loop=-1:size=2e9,"
        f"atrim=0:{seconds:.6f},volume={music_db}dB,afade=t=in:d={fade},"
        f"afade=t=out:st={max(seconds - fade, 0):.6f}:d={fade}[m];"
        "[0:a]asplit[v][sc];"
        "[m][sc]sidechaincompress=threshold=0.02:ratio=8:attack=20:release=400[d];"
        "[v][d]amix=inputs=2:normalize=0:duration=first[a]"
    )
    _encode_pcm(
        voice,
        out,
        ["-i", str(music), "-filter_complex", graph, "-map", "[a]"],
        f"mixing music {music}",
    )

"""How long the picture stays still in an MP4, measured from its decoded frames.

ffmpeg decodes frames and prints their MD5 (`-f framemd5`); a run is consecutive frames
with the same hash, lasting from its first frame's pts to the next run's (the last one
to its last frame's end). Frames are scaled to WIDTH px wide first with an area filter:
every source pixel still counts, so a bullet line appearing changes the hash, and MD5 of
whole 1080p frames would cost five times the decoding.

Decoding is the floor (~1.7 ms per 1080p frame, even for all-skip P-frames), so most
frames are not decoded. Lectern's videos are still segments (see segments.py): each GOP
(a keyframe and the packets up to the next) is an IDR frame, then P-frames that are all
skips (zero motion, no residual) and so copy their reference exactly, whatever the
picture; and every segment's P-frames are the same bytes (a shorter one's are the first
of a longer one's). A GOP decodes from its own bytes alone (decoding may start at any
keyframe), so the shortcut lists the packets with their MD5s (stream copy: nothing
decoded), decodes each distinct keyframe once, alone, groups the GOPs by their P-frames'
bytes, and decodes ONE GOP per group in full, the one behind the group's largest (most
detailed) keyframe. When all its frames hash like that keyframe, those P-frame bytes are
taken to copy whatever they follow (all-skip ones do; ones that moved or retouched the
picture would show on it), so each frame of each GOP of the group takes its own
keyframe's hash; a group whose decoded GOP changes has its other GOPs decoded too.
Anything else (packets reordered, as B-frames are, or flagged, as an edit list's hidden
ones are; a first packet that is not a keyframe; times that are not whole ticks; decoded
frames that do not line up with the packets; more than one group per four GOPs) decodes
the whole video, as `still_runs(path, full=True)` always does: in one part per CPU, each
part starting on a keyframe and pinned to its own core.
"""

from __future__ import annotations

import re
import statistics
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from fractions import Fraction
from itertools import accumulate, pairwise
from pathlib import Path

from pipeline.tools import cores, ffmpeg, on_core, run
from pipeline.video import probe

WIDTH = 480  # hashed width: a 1080p frame is averaged in 4x4 blocks
SCALE = f"scale=w=min(iw\\,{WIDTH}):h=-2:flags=area"
MIN_PART = 900  # frames (30 s at 30 fps) per part at least: short videos decode in one
WHOLE = (0, None, None)  # the one part of a video decoded in one go
FORMATS = ("framecrc", "framemd5")  # packet listings: keyframe flags; MD5s
# framecrc flags other than key/not key (discard: an edit list hides the frame), side data
UNUSUAL = re.compile(r"F=0x(?!0$)|, S=", re.M)
PICKED = 2000  # keyframes picked by number at most (a longer expression is too long an arg)
STARTUP = 30  # frames: starting one more ffmpeg costs about as much as decoding these

Frame = tuple[int, int, str]  # pts and duration in time-base ticks, MD5
Part = tuple[int, float | None, int | None]  # part number, second to seek to, frames
Groups = dict[int, list[int]]  # representative GOP -> the GOPs of its group (indices)


def still_runs(path: Path, full: bool = False) -> list[float]:
    """Seconds of each run of consecutive identical decoded frames, in order (`full`:
    decode every frame rather than take the shortcut; the same runs, ~10x the time)."""
    frames, tb = _frames(Path(path), full)
    if not frames:
        return []
    starts = [i for i, f in enumerate(frames) if i == 0 or f[2] != frames[i - 1][2]]
    ends = [frames[i][0] for i in starts[1:]] + [frames[-1][0] + frames[-1][1]]
    return [float((end - frames[i][0]) * tb) for i, end in zip(starts, ends, strict=True)]


def summary(runs: list[float]) -> dict:
    """Median and longest run (s), pictures shown (runs), picture changes per minute."""
    total = sum(runs)
    return {
        "median": statistics.median(runs) if runs else 0.0,
        "longest": max(runs, default=0.0),
        "count": len(runs),
        "changes_per_minute": 60 * (len(runs) - 1) / total if total else 0.0,
    }


def _frames(path: Path, full: bool = False) -> tuple[list[Frame], Fraction]:
    """Every frame in pts order, and the time base (seconds per tick)."""
    return (None if full else _shortcut(path)) or _decoded(path)


# --- the shortcut: keyframes, and one GOP per group of equal P-frames ---------------------


def _shortcut(path: Path) -> tuple[list[Frame], Fraction] | None:
    """The frames, most of them not decoded; None when the shortcut does not apply."""
    packets = _listing(path)
    gops = _gops(packets)
    groups = _groups(packets, gops) if gops else None
    if not groups:
        return None
    firsts = _distinct_keys(packets, gops)
    keys, texts = _decode_keys_and(path, packets, firsts, [gops[r] for r in groups])
    key_frames, tb = _parse(keys)
    ticks = _ticks(packets, tb)
    if ticks is None or [f[:2] for f in key_frames] != [ticks[i] for i in firsts]:
        return None  # the decoder's keyframes are not those key packets
    picture = {packets[i].crc: f[2] for i, f in zip(firsts, key_frames, strict=True)}
    hashes = [picture[packets[g.start].crc] for g in gops]
    done = _still_groups(groups, texts, gops, ticks, tb, hashes)
    if done is None:
        return None
    todo = [i for i in range(len(gops)) if i not in done]
    rest = _decode_gops(path, packets, [gops[i] for i in todo], ticks, tb) if todo else []
    if rest is None:
        return None
    done.update(zip(todo, rest, strict=True))
    return [f for i in range(len(gops)) for f in done[i]], tb


def _listing(path: Path) -> list[probe.Packet]:
    """The video's packets in decode order (probe.packets sorts them by pts, which would
    hide reordering), timed as the decodes print them, each with its MD5 as `crc`."""
    # framecrc has the keyframe flags but only Adler-32, weak on 70-byte P-frames;
    # framemd5 has the same columns but no flags: read both, side by side
    with ThreadPoolExecutor(2) as pool:
        crcs, md5s = pool.map(lambda muxer: _copy(path, muxer), FORMATS)
    flagged, hashed = probe.parse_framecrc(crcs), probe.parse_framecrc(md5s)
    if UNUSUAL.search(crcs) or [p.size for p in flagged] != [p.size for p in hashed]:
        return []
    return [replace(a, crc=b.crc) for a, b in zip(flagged, hashed, strict=True)]


def _copy(path: Path, muxer: str) -> str:
    """The video's packets listed by a frame-checksum muxer (stream copy: no decoding)."""
    cmd = [ffmpeg(), "-hide_banner", "-loglevel", "error", "-i", str(path), "-map", "0:v:0"]
    cmd += ["-c", "copy", "-copyts", "-f", muxer, "-"]
    return run(cmd, f"{path.name}: listing packets").stdout


def _gops(packets: list[probe.Packet]) -> list[range]:
    """Each keyframe's packets and those up to the next keyframe; none unless the first
    packet is a keyframe and decode order is display order (no B-frames)."""
    if not packets or not packets[0].key:
        return []
    if any(b.pts <= a.pts for a, b in pairwise(packets)):
        return []  # reordered: a GOP's frames are not the packets after its keyframe
    starts = [i for i, p in enumerate(packets) if p.key]
    return [range(a, b) for a, b in zip(starts, [*starts[1:], len(packets)], strict=True)]


def _groups(packets: list[probe.Packet], gops: list[range]) -> Groups | None:
    """GOPs grouped by their P-frames' bytes (size and MD5), a GOP whose P-frames are
    the first of a longer one's joining its group; None past one group per four GOPs."""
    sigs = [tuple((p.size, p.crc) for p in packets[g.start + 1 : g.stop]) for g in gops]
    owner: dict[tuple, tuple] = {}  # each prefix of a group's P-frames -> the group's
    heads: dict[tuple, list[int]] = {}
    for sig in sorted(dict.fromkeys(sigs), key=len, reverse=True):  # longest first
        if sig not in owner:
            if 4 * (len(heads) + 1) > len(gops):
                return None  # no cheaper than decoding it all
            heads[sig] = []
            for n in range(len(sig) + 1):
                owner.setdefault(sig[:n], sig)
    for i, sig in enumerate(sigs):
        heads[owner[sig]].append(i)
    return {_representative(packets, gops, sigs, head, m): m for head, m in heads.items()}


def _representative(
    packets: list[probe.Packet], gops: list[range], sigs: list, head: tuple, members: list[int]
) -> int:
    """The group's GOP with all its P-frames behind the largest (most detailed) keyframe:
    the picture on which P-frames that are not pure copies most likely show."""
    whole = [i for i in members if sigs[i] == head]
    return max(whole, key=lambda i: packets[gops[i].start].size)


def _distinct_keys(packets: list[probe.Packet], gops: list[range]) -> list[int]:
    """The first key packet of each distinct content (equal bytes decode to one picture),
    or every key packet when more than PICKED are distinct."""
    first: dict[str, int] = {}
    for g in gops:
        first.setdefault(packets[g.start].crc, g.start)
    return list(first.values()) if len(first) <= PICKED else [g.start for g in gops]


def _decode_keys_and(
    path: Path, packets: list[probe.Packet], keys: list[int], gops: list[range]
) -> tuple[str, list[str]]:
    """framemd5 of the key packets `keys` (on one CPU) and of each of `gops` (on the others)."""
    cpus = _cpus()
    parts = [
        (1 + j % max(1, cpus - 1), _seek(packets, g.start), len(g)) for j, g in enumerate(gops)
    ]
    with ThreadPoolExecutor(cpus) as pool:
        pictures = pool.submit(_decode_keys, path, keys)
        texts = list(pool.map(lambda part: _decode(path, *part), parts))
    return pictures.result(), texts


def _decode_keys(path: Path, keys: list[int]) -> str:
    """framemd5 of those packets alone (by number), which must be keyframes."""
    # the others are dropped before the decoder; one thread: frame threads gain nothing
    # on lone keyframes; -skip_frame: a "key" packet that is not one is not decoded
    cmd = [ffmpeg(), "-hide_banner", "-nostats", "-loglevel", "error", "-threads", "1"]
    picked = _any_of(keys) if len(keys) <= PICKED else "key"  # then they are all the keys
    cmd += ["-bsf:v", f"noise=drop=not({picked})", "-skip_frame", "nokey"]
    cmd += ["-i", str(path), "-map", "0:v:0", "-an", "-sn", "-dn", "-copyts", "-vf", SCALE]
    return run(on_core([*cmd, "-f", "framemd5", "-"], 0), f"{path.name}: decoding keys").stdout


def _any_of(numbers: list[int]) -> str:
    """An ffmpeg expression, 1 when the packet number n is one of the sorted `numbers`: a
    binary search, so each packet costs a few comparisons however many there are."""
    if len(numbers) == 1:
        return f"eq(n\\,{numbers[0]})"
    mid = len(numbers) // 2  # commas escaped: the option string is itself comma-separated
    return f"if(lt(n\\,{numbers[mid]})\\,{_any_of(numbers[:mid])}\\,{_any_of(numbers[mid:])})"


def _ticks(packets: list[probe.Packet], tb: Fraction) -> list[tuple[int, int]] | None:
    """Each packet's pts and duration in ticks of `tb`; None unless all are whole, the
    times increase and no duration is 0 (else ffmpeg would move, drop or time frames
    itself on output)."""
    if not tb:
        return None
    scale = float(tb)
    exact = [(p.pts / scale, p.duration / scale) for p in packets]
    ticks = [(round(t), round(d)) for t, d in exact]
    whole = all(abs(t - a) + abs(d - b) < 1e-3 for (t, d), (a, b) in zip(exact, ticks, strict=True))
    rising = all(a[0] < b[0] for a, b in pairwise(ticks))
    return ticks if whole and rising and all(d > 0 for _, d in ticks) else None


def _still_groups(
    groups: Groups,
    texts: list[str],
    gops: list[range],
    ticks: list[tuple[int, int]],
    tb: Fraction,
    hashes: list[str],
) -> dict[int, list[Frame]] | None:
    """Each GOP's frames, from its representative's decode (`texts`): a still one gives
    all its group's frames their keyframe's hash; one that changes gives only its own."""
    done: dict[int, list[Frame]] = {}
    for (rep, members), text in zip(groups.items(), texts, strict=True):
        got, got_tb = _parse(text)
        if got_tb != tb or [f[:2] for f in got] != [ticks[i] for i in gops[rep]]:
            return None  # the seek did not land on this GOP's keyframe
        if any(f[2] != hashes[rep] for f in got):
            done[rep] = got
        else:
            done.update((m, [(*ticks[i], hashes[m]) for i in gops[m]]) for m in members)
    return done


def _decode_gops(
    path: Path,
    packets: list[probe.Packet],
    gops: list[range],
    ticks: list[tuple[int, int]],
    tb: Fraction,
) -> list[list[Frame]] | None:
    """These GOPs' frames decoded, each run of adjacent ones in one part; None when that
    is more than half the video (decoding all of it in parts is then no slower)."""
    runs: list[range] = []
    for g in gops:
        if runs and runs[-1].stop == g.start:
            runs[-1] = range(runs[-1].start, g.stop)
        else:
            runs.append(g)
    if sum(map(len, runs)) + STARTUP * len(runs) > len(packets) // 2:
        return None
    parts: list[Part] = [(j, _seek(packets, r.start), len(r)) for j, r in enumerate(runs)]
    frames, got_tb = _decode_parts(path, parts)
    if got_tb != tb or [f[:2] for f in frames] != [ticks[i] for g in gops for i in g]:
        return None
    ends = list(accumulate(map(len, gops), initial=0))
    return [frames[a:b] for a, b in pairwise(ends)]


def _seek(packets: list[probe.Packet], i: int) -> float:
    """The second to seek to for the keyframe packets[i]: -ss counts from the file's
    start; half a frame past the key, so rounding cannot land on the one before."""
    return packets[i].pts - packets[0].pts + packets[i].duration / 2


def still_segments(path: Path) -> tuple[int, int]:
    """(GOPs, GOPs that decode as their keyframe throughout), for the conformance check:
    one GOP of each group of equal P-frames decoded in full, at full size (frame CRCs,
    not the measure's scaled MD5s: any changed pixel counts)."""
    packets = _listing(path)
    gops = _gops(packets)
    if not gops:
        return 0, 0
    # a short video, or one of many distinct GOPs, has each GOP decoded: still exact
    groups = _groups(packets, gops) or {i: [i] for i in range(len(gops))}
    with ThreadPoolExecutor(_cpus()) as pool:
        texts = list(pool.map(lambda rep: _crcs(path, packets, gops[rep]), groups))
    still = 0
    for (rep, members), crcs in zip(groups.items(), texts, strict=True):
        if len(crcs) == len(gops[rep]) and len(set(crcs)) == 1:
            still += len(members)
    return len(gops), still


def _crcs(path: Path, packets: list[probe.Packet], gop: range) -> list[str]:
    """The full-size frame CRCs of one GOP, decoded from its keyframe."""
    cmd = [ffmpeg(), "-hide_banner", "-nostats", "-loglevel", "error", "-threads", "1"]
    cmd += ["-ss", f"{_seek(packets, gop.start):.6f}", "-noaccurate_seek", "-i", str(path)]
    cmd += ["-map", "0:v:0", "-an", "-frames:v", str(len(gop)), "-f", "framecrc", "-"]
    text = run(cmd, f"{path.name}: decoding a still segment").stdout
    return [line.rsplit(",", 1)[-1].strip() for line in text.splitlines() if line[:1] != "#"]


# --- decoding every frame -----------------------------------------------------------------


def _decoded(path: Path) -> tuple[list[Frame], Fraction]:
    """Every frame decoded, in pts order, and the time base (seconds per tick)."""
    cpus = _cpus()
    packets = probe.packets(path) if cpus > 1 else []
    parts = _parts(packets, cpus)
    frames, tb = _decode_parts(path, parts)
    if len(parts) > 1 and len(frames) != len(packets):
        frames, tb = _decode_parts(path, [WHOLE])  # a part did not start on its keyframe
    return frames, tb


def _cpus() -> int:
    """CPUs this process may run on."""
    return cores()


def _parts(packets: list[probe.Packet], cpus: int) -> list[Part]:
    """Up to `cpus` parts of at least MIN_PART frames, each from a keyframe."""
    n = min(cpus, len(packets) // MIN_PART)
    if n < 2:
        return [WHOLE]
    keys = [i for i, p in enumerate(packets) if p.key]
    near = {min(keys, key=lambda k: abs(k - len(packets) * j // n)) for j in range(1, n)}
    cuts = sorted({0} | near)
    ends = [*cuts[1:], len(packets)]
    return [(j, _seek(packets, a), b - a) for j, (a, b) in enumerate(zip(cuts, ends, strict=True))]


def _decode_parts(path: Path, parts: list[Part]) -> tuple[list[Frame], Fraction]:
    """The parts decoded side by side, merged by pts (a frame decoded twice counts once)."""
    with ThreadPoolExecutor(min(len(parts), _cpus())) as pool:
        texts = list(pool.map(lambda part: _decode(path, *part), parts))
    merged: dict[int, Frame] = {}
    tb = Fraction(0)
    for text in texts:
        frames, tb = _parse(text)
        merged.update((f[0], f) for f in frames)
    return sorted(merged.values()), tb


def _decode(path: Path, part: int, start: float | None, count: int | None) -> str:
    """framemd5 of `count` frames from the keyframe before `start`, or of the whole video."""
    seek = [] if start is None else ["-threads", "1", "-ss", f"{start:.6f}", "-noaccurate_seek"]
    cmd = [ffmpeg(), "-hide_banner", "-nostats", "-loglevel", "error", *seek, "-i", str(path)]
    cmd += ["-map", "0:v:0", "-an", "-sn", "-dn", "-copyts", "-vf", SCALE]
    cmd += [] if count is None else ["-frames:v", str(count)]
    cmd = [*cmd, "-f", "framemd5", "-"]
    return run(cmd if start is None else on_core(cmd, part), f"{path.name}: decoding").stdout


def _parse(text: str) -> tuple[list[Frame], Fraction]:
    """Frames and time base from framemd5 output of one stream."""
    tb, frames = Fraction(0), []
    for line in text.splitlines():
        if line.startswith("#tb"):
            tb = Fraction(line.split(":", 1)[1].strip())
        elif line and line[0] != "#":
            _, _, pts, duration, _, md5 = (x.strip() for x in line.split(","))
            frames.append((int(pts), int(duration), md5))
    return frames, tb

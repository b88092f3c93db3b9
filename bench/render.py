"""Render benchmark: a 5-minute, 34-slide lecture with real Piper narration, each slide in two
build states (68 pictures), two ways.

1. the naive MoviePy baseline (ImageClip per state with its audio, concatenate_videoclips,
   write_videofile at 30 fps, libx264 + aac);
2. Lectern's render stage as `make video` runs it (cold cache: no segments, chunks or
   template), then again after one slide's picture changed, and after one slide's
   narration changed (re-narrated by the narration stage); each timed RUNS times (an
   edit, undone, redone, ...), the median reported: the machine is shared.
Each runs in its own subprocess so its peak memory (ru_maxrss) is its own; the clock
starts once the renderer's modules are imported (that time is printed too, and the
re-render ratio is also given from a fresh interpreter, imports included). The project
lives in output/bench/ so Piper's sentence cache makes later runs start quickly.
"""

from __future__ import annotations

import importlib
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

REPO = Path(__file__).resolve().parents[1]
ROOT = REPO / "output" / "bench"
LECTURE = "01-01-why-comprehensions"
SLIDES = 34
RUNS = 5  # each Lectern render is timed this many times; the median is reported
# what each renderer imports before its clock starts (timed apart: every run pays it once)
MODULES = {
    "baseline": ["moviepy"],
    "lectern": ["pipeline.course", "pipeline.stages.video", "pipeline.checks.video"],
}
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
WORDS = (
    "a comprehension builds a new list from an iterable in one readable expression while "
    "a loop spells out every step with an empty list and an append call so the reader "
    "has to run the code in their head before they know what it makes generators produce "
    "values lazily one at a time which keeps memory flat even for very large files"
).split()


def note(n: int, edit: bool = False) -> str:
    """About nine seconds of varied narration for slide n."""
    rng = random.Random(n * 7 + (1000 if edit else 0))
    sentences = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(13, 16))) for _ in range(2)]
    return " ".join(s[0].upper() + s[1:] + "." for s in sentences)


def write_script(root: Path, edit_slide: int | None = None) -> None:
    """The lecture's slide script: 32 bullet slides, each with a spoken note."""
    blocks = [
        f"## [bullets] Point {n}\n- idea {n}\n- detail {n}\n\nNote:\n{note(n, n == edit_slide)}\n"
        for n in range(1, SLIDES + 1)
    ]
    (root / "courses/example/slides" / f"{LECTURE}.md").write_text("\n---\n\n".join(blocks))


def write_frames(root: Path, edit_slide: int | None = None) -> None:
    """1920x1080 pictures of each slide's two build states (its first point, then both),
    drawn with Pillow (the frames stage needs LibreOffice); the second state starts with
    the note's second sentence, as frames.json says."""
    out = root / "output/example/frames" / LECTURE
    out.mkdir(parents=True, exist_ok=True)
    big, small = ImageFont.truetype(FONT, 90), ImageFont.truetype(FONT, 48)
    names, pages, at = [], [], []
    for n in range(1, SLIDES + 1):
        lines = note(n).split(". ")
        for state in (1, 2):
            img = Image.new("RGB", (1920, 1080), "white")
            d = ImageDraw.Draw(img)
            d.rectangle((0, 0, 1920, 180), fill=(30, 27, 75))
            title = "edited" if n == edit_slide else "comprehensions"
            d.text((100, 40), f"Point {n}: {title}", font=big, fill="white")
            for i, line in enumerate(lines[:state]):
                d.text((120, 300 + 90 * i), "• " + line[:60], font=small, fill=(30, 41, 59))
            names.append(f"slide-{len(names) + 1:03d}.png")
            img.save(out / names[-1])
            pages.append(n)
            at.append(0 if state == 1 else len(lines[0]) + 2)
    index = {"size": [1920, 1080], "frames": names, "pdf": "deck.pdf"}
    index |= {"script_slide": pages, "page": pages, "at": at}
    (out / "frames.json").write_text(json.dumps(index))


def setup(edit_slide: int | None = None) -> None:
    """The bench project with narration made by Piper (cached between runs)."""
    if not (ROOT / "courses/example").exists():
        from tests.conftest import make_project

        make_project(ROOT)
    write_script(ROOT, edit_slide)
    write_frames(ROOT)
    env = {**os.environ, "LECTERN_ROOT": str(ROOT)}
    subprocess.run(
        [sys.executable, "-m", "pipeline", "narration", "example", "--lecture", LECTURE],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


# --- the two renderers, each run in a subprocess ------------------------------------


def baseline(out: Path) -> None:
    """Naive MoviePy: ImageClip per slide with its audio, concatenated, written."""
    from moviepy import AudioFileClip, ImageClip, concatenate_videoclips

    audio_dir = ROOT / "output/example/audio" / LECTURE
    doc = json.loads((audio_dir / "narration.json").read_text())
    voice = AudioFileClip(str(audio_dir / "narration.wav"))
    frames = ROOT / "output/example/frames" / LECTURE
    clips = []
    for s in doc["slides"]:  # two states a slide: the second from its second sentence on
        cuts = [s["start"], s["sentences"][1]["start"], s["end"]]
        for state, (a, b) in enumerate(zip(cuts, cuts[1:], strict=False)):
            picture = frames / f"slide-{2 * s['index'] - 1 + state:03d}.png"
            clip = ImageClip(str(picture)).with_duration(b - a)
            clips.append(clip.with_audio(voice.subclipped(a, min(b, voice.duration))))
    concatenate_videoclips(clips).write_videofile(
        str(out),
        fps=30,
        codec="libx264",
        audio_codec="aac",
        logger=None,
        temp_audiofile=str(out.with_name("baseline-audio.m4a")),
    )  # not in the cwd


def lectern(_out: Path) -> dict:
    """Lectern's render stage (plus its conformance check) for the lecture."""
    from pipeline.course import Course
    from pipeline.stages import video

    # the stage as `make video` runs it: hash the inputs, render, prune the segment cache
    stats = video.run(Course.load("example", ROOT), [LECTURE], force=True)[LECTURE]
    return {"segments": stats.video_encoded, "chunks": stats.audio_encoded}


def child(kind: str) -> None:
    """Subprocess entry: import the renderer, then time one render; print both times and
    the peak memory as JSON."""
    os.environ["LECTERN_ROOT"] = str(ROOT)
    start = time.perf_counter()
    for name in MODULES[kind]:
        importlib.import_module(name)
    loaded = time.perf_counter()
    did = {"baseline": baseline, "lectern": lectern}[kind](ROOT / "baseline.mp4")
    wall = time.perf_counter() - loaded
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "wall": wall,
                "imports": loaded - start,
                "rss_mb": me,
                "child_rss_mb": kids,
                **(did or {}),
            }
        )
    )


def measure(kind: str) -> dict:
    """Run one render in a fresh interpreter and read what it printed."""
    proc = subprocess.run(
        [sys.executable, "-m", "bench.render", kind], cwd=REPO, capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise SystemExit(f"{kind} render failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def median(runs: list[dict]) -> dict:
    """The run with the median wall time (this machine is shared: one run can be noisy),
    with every run's time and what it encoded."""
    mid = sorted(runs, key=lambda r: r["wall"])[len(runs) // 2]
    done = sorted({(r["segments"], r["chunks"]) for r in runs})
    mid["runs"] = (
        " ".join(f"{r['wall']:.2f}" for r in runs)
        + " s; segments/chunks encoded "
        + ", ".join(f"{v}/{a}" for v, a in done)
    )
    return mid


def cold() -> dict:
    """A full render: no cached segments or chunks, no template."""
    shutil.rmtree(ROOT / "output/example/video", ignore_errors=True)
    return measure("lectern")


def edits(apply) -> list[dict]:
    """Renders after one slide's edit, undone, redone, ...: each re-encodes that slide
    once (the stage prunes the version it no longer uses from the cache)."""
    runs = []
    for n in range(RUNS):
        apply(SLIDES // 2 if n % 2 == 0 else None)
        runs.append(measure("lectern"))
    apply(None)
    measure("lectern")  # back to the original lecture (not timed)
    return runs


def main() -> None:
    """Set up, render both ways, print the comparison."""
    setup()
    doc = json.loads((ROOT / "output/example/audio" / LECTURE / "narration.json").read_text())
    seconds = doc["duration"]
    print(
        f"render bench: {len(doc['slides'])} slides in {2 * len(doc['slides'])} build states, "
        f"{seconds:.1f} s of Piper narration, "
        f"{os.cpu_count()} CPUs; Lectern's times are the median of {RUNS} runs"
    )
    base = measure("baseline")
    full = median([cold() for _ in range(RUNS)])
    picture = median(edits(lambda n: write_frames(ROOT, edit_slide=n)))
    again = median(edits(lambda n: setup(edit_slide=n)))  # TTS is not timed
    _print(seconds, base, full, again)
    print(
        f"re-render after one slide's picture changed: {picture['wall']:.2f} s = "
        f"{100 * picture['wall'] / full['wall']:.1f}% of the full render"
    )
    for name, runs in (("full", full), ("narration", again), ("picture", picture)):
        print(f"  {name} runs: {runs['runs']}")


def _print(seconds: float, base: dict, full: dict, again: dict) -> None:
    speed = {k: seconds / v["wall"] for k, v in (("base", base), ("full", full))}
    for name, r in (("moviepy baseline", base), ("lectern render  ", full)):
        print(
            f"{name} : {r['wall']:7.2f} s wall, {seconds / r['wall']:6.1f}x real time, "
            f"peak RSS {r['rss_mb']:.0f} MB (largest child {r['child_rss_mb']:.0f} MB); "
            f"{r['imports']:.2f} s importing before that"
        )
    print(
        f"lectern vs baseline: {speed['full'] / speed['base']:.1f}x faster "
        f"(targets: >= 20x real time, >= 12x baseline)"
    )
    print(
        f"re-render after one slide's narration changed: {again['wall']:.2f} s = "
        f"{100 * again['wall'] / full['wall']:.1f}% of the full render (target <= 15%)"
    )
    cold = {k: r["wall"] + r["imports"] for k, r in (("full", full), ("again", again))}
    print(
        f"  the same from a fresh interpreter (imports included in both): "
        f"{cold['again']:.2f} s = {100 * cold['again'] / cold['full']:.1f}% of "
        f"{cold['full']:.2f} s"
    )


if __name__ == "__main__":
    child(sys.argv[1])

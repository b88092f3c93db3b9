"""Whole-course benchmark: `make course TOPIC=example` from an empty output/.

Each build runs in its own project under output/bench-course/ (the course copied,
Lectern's code and assets linked), each stage's processes timed by bench/timed. First
Piper alone speaks the example (`make narration` and nothing else), then:

1. cold: no TTS cache either, so Piper speaks every sentence; compared with the time
   Piper alone took for the same audio (as the narration stage reports it), the goal
   being within 1.3x;
2. warm: the TTS cache the cold build filled, everything else made again; seconds of
   video per second of wall time, the goal being 25x or more;
3. 4x: a synthetic course of the same slides four times over (52 lectures), TTS warm:
   the cost per lecture against the warm build's, the goal being flat (~1.0).

It fails loudly (exit status 1) when any picture of a real slide missed the one-IDR
still path, since every such picture costs a full x264 segment.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
ROOT = REPO / "output" / "bench-course"
STAGES = "outline drafts scripts quizzes code decks frames narration video book udemy kdp".split()
LINKED = ("pipeline", "Makefile", "pyproject.toml", "scripts", ".venv")
SYNTHESISED = re.compile(r"narration: \d+ sentences synthesised \(\d+ s of audio in ([\d.]+) s\)")
STILL = re.compile(r"\((\d+) of (\d+) pictures one IDR frame \+ template\)")
WARM_GOAL, COLD_GOAL = 25.0, 1.3


def main() -> None:
    """Run the three builds, printing each one's lines as it ends; exit 1 if a picture of
    a real slide fell back to a full segment."""
    piper = speak("piper", "example")
    print(f"course Piper alone: {piper:.1f} s to speak the example (make narration, nothing else)")
    cold = build("cold", "example", tts=None)
    _report("cold TTS", cold)
    print(
        f"course cold TTS: {cold['wall']:.1f} s for {cold['video']:.0f} s of video = "
        f"{cold['wall'] / piper:.2f}x Piper alone (goal <= {COLD_GOAL}); Piper took "
        f"{cold['piper']:.1f} s of it beside the other stages"
    )
    warm = build("warm", "example", tts=cold["tts"])
    _report("warm TTS", warm)
    print(
        f"course warm TTS: {warm['wall']:.1f} s for {warm['video']:.0f} s of video = "
        f"{warm['video'] / warm['wall']:.1f}x real time (goal >= {WARM_GOAL:.0f}x)"
    )
    big = build("4x", "example4x", tts=cold["tts"], copies=4)
    _report("4x course, warm TTS", big)
    per, per_big = warm["wall"] / warm["lectures"], big["wall"] / big["lectures"]
    print(
        f"course growth: {warm['lectures']} lectures {per:.2f} s each, {big['lectures']} "
        f"lectures {per_big:.2f} s each: {per_big / per:.2f}x per lecture (goal ~1.0, linear)"
    )
    if any(b["still"] < b["pictures"] or not b["pictures"] for b in (cold, warm, big)):
        print("FAIL: pictures of real slides fell back to full x264 segments, or none was counted")
        sys.exit(1)


def _report(name: str, b: dict) -> None:
    """A build's stage times and its still-path count."""
    print(f"course {name}: {_stages(b)}", flush=True)
    print(
        f"course {name}: {b['still']} of {b['pictures']} distinct pictures took the "
        "one-IDR still path",
        flush=True,
    )


def build(name: str, slug: str, tts: Path | None, copies: int = 1) -> dict:
    """Make a project and run `make course` in it; its wall time, each stage's process
    time (stages overlap: `make course` runs them side by side), what the logs say."""
    root = project(ROOT / name, slug, copies)
    if tts is not None:
        (root / "output" / ".cache").mkdir(parents=True)
        (root / "output" / ".cache" / "tts").symlink_to(tts)
    times = root / "stage-times.txt"
    env = _env(times)
    timed = f"LECTERN={REPO / 'bench' / 'timed'} .venv/bin/python -m pipeline"
    start = time.perf_counter()
    proc = subprocess.run(
        ["make", "--no-print-directory", "course", f"TOPIC={slug}", timed],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    text = proc.stdout + proc.stderr
    if proc.returncode != 0:
        sys.exit(f"bench {name}: make course failed:\n{text[-3000:]}")
    still = [tuple(map(int, m)) for m in STILL.findall(text)]
    return {
        "times": _stage_times(times),
        "wall": wall,
        "video": _video_seconds(root / "output" / slug),
        "piper": sum(float(s) for s in SYNTHESISED.findall(text)),
        "lectures": len(list((root / "courses" / slug / "slides").glob("*.md"))),
        "still": sum(s for s, _ in still),
        "pictures": sum(p for _, p in still),
        "tts": root / "output" / ".cache" / "tts",
    }


def speak(name: str, slug: str) -> float:
    """Seconds Piper takes to speak a course with nothing else running (its own report)."""
    root = project(ROOT / name, slug, 1)
    proc = subprocess.run(
        ["make", "--no-print-directory", "narration", f"TOPIC={slug}"],
        cwd=root,
        env=_env(root / "stage-times.txt"),
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        sys.exit(f"bench {name}: make narration failed:\n{proc.stderr[-3000:]}")
    return sum(float(s) for s in SYNTHESISED.findall(proc.stdout + proc.stderr))


def _env(times: Path) -> dict[str, str]:
    """The environment of a person's `make`, approving every checkpoint, timing stages."""
    env = {**os.environ, "AUTO_APPROVE": "1", "LECTERN_BENCH_TIMES": str(times)}
    for flag in ("FORCE", "LECTERN_RUN", "LECTERN_FORCED", "MAKEFLAGS", "MAKELEVEL"):
        env.pop(flag, None)
    return env


def _stage_times(path: Path) -> dict[str, float]:
    """Seconds each stage's processes ran, in the order the stages are declared."""
    took: dict[str, float] = {}
    for line in path.read_text().splitlines():
        stage, start, end = line.split()
        took[stage] = took.get(stage, 0.0) + float(end) - float(start)
    return {s: took[s] for s in STAGES if s in took}


def project(root: Path, slug: str, copies: int) -> Path:
    """A fresh project with the example course (`copies` times over, as `slug`)."""
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for name in LINKED:
        (root / name).symlink_to(REPO / name)
    shutil.copytree(REPO / "assets", root / "assets")
    course = root / "courses" / slug
    shutil.copytree(REPO / "courses" / "example", course)
    if copies > 1:
        repeat(course, copies)
    return root


def repeat(course: Path, copies: int) -> None:
    """Make the course `copies` times as long: its sections again, renumbered, with their
    lectures, slide scripts and quizzes copied under the new ids."""
    outline = yaml.safe_load((course / "outline.yaml").read_text(encoding="utf-8"))
    sections = outline["sections"]
    grown = []
    for n in range(copies):
        for s in sections:
            grown.append(_copy_section(course, s, n * len(sections)) if n else s)
    outline["sections"] = grown
    (course / "outline.yaml").write_text(yaml.safe_dump(outline, sort_keys=False))
    (course / "approvals.yaml").unlink(missing_ok=True)  # AUTO_APPROVE=1 approves it all
    shutil.rmtree(course / ".lectern", ignore_errors=True)


def _copy_section(course: Path, section: dict, shift: int) -> dict:
    """The section with its number moved on by `shift`, its files copied to match."""
    new = {**section, "id": _renumber(section["id"], shift), "lectures": []}
    for lecture in section["lectures"]:
        lid = _renumber(lecture["id"], shift)
        for folder in ("lectures", "slides"):
            shutil.copyfile(course / folder / f"{lecture['id']}.md", course / folder / f"{lid}.md")
        new["lectures"].append({**lecture, "id": lid})
    quiz = course / "quizzes" / f"{section['id']}.yaml"
    if quiz.exists():  # the quiz names its section and lectures: by their new ids
        text = quiz.read_text(encoding="utf-8")
        for old in [section, *section["lectures"]]:
            text = re.sub(rf"\b{re.escape(old['id'])}\b", _renumber(old["id"], shift), text)
        (course / "quizzes" / f"{new['id']}.yaml").write_text(text, encoding="utf-8")
    return new


def _renumber(ident: str, shift: int) -> str:
    """'01-02-x' → '05-02-x' for a shift of 4."""
    number, rest = ident.split("-", 1)
    return f"{int(number) + shift:02d}-{rest}"


def _video_seconds(out: Path) -> float:
    """Seconds of narrated video the build made (from each lecture's narration.json)."""
    return sum(
        yaml.safe_load(p.read_text())["duration"] for p in out.glob("audio/*/narration.json")
    )


def _stages(b: dict) -> str:
    """Each stage's seconds (the slow ones), and the wall time of `make course`."""
    parts = [f"{s} {t:.1f}" for s, t in b["times"].items() if t >= 0.5]
    return ", ".join(parts) + f"; make course {b['wall']:.1f} s (stages overlap)"

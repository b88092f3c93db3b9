"""The secret guard on the EPUB and the KDP bundle: a key pasted into a lecture never ships,
the previous book stays, and the key's value is never printed."""

from __future__ import annotations

import pytest

from pipeline.secretguard import SecretInBundle
from pipeline.stages import book, kdp
from tests.book.helpers import load
from tests.conftest import cut_example, run_cli

KEY = "lct-test-0123456789abcdefXYZ"
LECTURE = "courses/example/lectures/01-01-why-comprehensions.md"
EPUB = "output/example/book/example.epub"


@pytest.fixture
def project(project):
    """The example cut to three lectures: these tests need a course, not all of it."""
    cut_example(project)
    return project


def _paste_key(project) -> int:
    """Put the key in a paragraph of the first lecture; returns its line."""
    path = project / LECTURE
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, t in enumerate(lines) if t and not t.startswith(("#", "`", "-")))
    lines[at] += f" Log in with {KEY} first."
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return at + 1


def _files_with_key(project) -> list[str]:
    return [
        str(p)
        for p in (project / "output").rglob("*")
        if p.is_file() and KEY.encode() in p.read_bytes()
    ]


def test_a_key_in_a_lecture_fails_the_book_and_keeps_the_previous_epub(project):
    book.run(load(project, "example"))
    before = (project / EPUB).read_bytes()
    (project / ".env").write_text(f"LECTERN_TEST_TOKEN={KEY}\n")  # .env, not the environment
    line = _paste_key(project)
    proc = run_cli(project, "book", "example")
    assert proc.returncode == 1
    assert (
        f"error: book: {EPUB} → EPUB/ch01.xhtml contains the value of $LECTERN_TEST_TOKEN "
        "(from .env), so it was not written" in proc.stderr
    )
    assert f"Remove the value from {LECTURE}:{line}, then run again." in proc.stderr
    assert KEY not in proc.stdout + proc.stderr
    assert (project / EPUB).read_bytes() == before  # the good book stays
    assert not (project / "output/example/book/example.invalid.epub").exists()
    assert _files_with_key(project) == []  # no temp or inspection copy holds the key


def test_kdp_checks_the_book_it_ships_even_when_the_book_is_up_to_date(project, capsys):
    line = _paste_key(project)
    book.run(load(project, "example"))  # built before the key was known as a key
    (project / ".env").write_text(f"LECTERN_TEST_TOKEN={KEY}\n")
    with pytest.raises(SecretInBundle) as err:
        kdp.run(load(project, "example"))
    msg = str(err.value)
    assert msg.startswith(
        "kdp bundle: output/example/kdp/example.epub → EPUB/ch01.xhtml "
        "contains the value of $LECTERN_TEST_TOKEN (from .env)"
    )
    assert f"{LECTURE}:{line}" in msg
    assert not (project / "output/example/kdp").exists()  # nothing of the bundle was written
    out = capsys.readouterr()
    assert KEY not in msg + out.out + out.err

"""The stat-keyed memo (fsutil.stat_memo): a file is worked on once per version of it."""

from __future__ import annotations

import os

from pipeline.fsutil import atomic_write_bytes, file_hash, sha256_bytes, stat_memo


def test_a_new_version_is_hashed_again_even_within_one_clock_tick(tmp_path):
    path = tmp_path / "slide-001.png"
    path.write_bytes(b"a" * 100)
    first, st = file_hash(path), path.stat()
    atomic_write_bytes(path, b"b" * 100)  # same size, and the same mtime below
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert file_hash(path) == sha256_bytes(b"b" * 100) != first
    path.unlink()
    assert file_hash(path) is None


def test_an_unchanged_file_is_read_once_per_set_of_arguments(tmp_path):
    reads = []

    @stat_memo
    def size_plus(path, n: int) -> int:
        reads.append(n)
        return len(path.read_bytes()) + n

    path = tmp_path / "narration.wav"
    path.write_bytes(b"x" * 10)
    assert [size_plus(path, 1), size_plus(path, 1), size_plus(path, 2)] == [11, 11, 12]
    with path.open("ab") as f:  # appended in place: a new size
        f.write(b"y")
    assert size_plus(path, 1) == 12 and reads == [1, 2, 1]

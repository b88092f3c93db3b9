"""`make serve`: only regular files inside the course, no listings, only for 127.0.0.1."""

from __future__ import annotations

import http.client
import threading

import pytest

from pipeline.course import Course
from pipeline.preview import build
from pipeline.preview.server import byte_range, make_server
from tests.conftest import make_project
from tests.preview import fakemedia

LEC = "01-01-why-comprehensions"
SECRET = "-----BEGIN OPENSSH PRIVATE KEY----- not-for-the-browser"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The example preview served on a free port, with links a cloned course could carry."""
    tmp_path = tmp_path_factory.mktemp("serve")
    project = make_project(tmp_path / "proj")
    course = Course.load("example", project)
    fakemedia.make_narration(course, LEC)
    fakemedia.make_video(course, LEC)
    build(course)
    outside = tmp_path / "home" / ".ssh"
    outside.mkdir(parents=True)
    (outside / "id_ed25519").write_text(SECRET)
    images = course.dir / "images"
    images.mkdir()
    (images / "key.png").symlink_to(outside / "id_ed25519")
    (images / "ssh").symlink_to(outside)
    (images / "env.txt").symlink_to(project / ".env")
    (project / ".env").write_text(f"OPENAI_API_KEY={SECRET}\n")
    (images / "real.png").write_bytes(b"\x89PNG inside the course")
    (images / "alias.png").symlink_to("real.png")
    server = make_server(course, 0)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    ).start()
    yield course, server.server_address[1]
    server.shutdown()
    server.server_close()


def get(
    port: int, path: str, host: str | None = None, headers: dict | None = None, method: str = "GET"
) -> tuple[int, dict, bytes]:
    """Status, headers (lower-case names) and body of one request; host=None sends a good one."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest(method, path, skip_host=True)
        conn.putheader("Host", host if host is not None else f"127.0.0.1:{port}")
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.endheaders()
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


@pytest.mark.parametrize(
    "path",
    [
        "/courses/example/images/key.png",
        "/courses/example/images/env.txt",
        "/courses/example/images/ssh/id_ed25519",
        "/courses/example/images/ssh/",
        "/courses/example/images/ssh",
    ],
)
def test_symlinks_out_of_the_course_are_not_followed(served, path):
    _, port = served
    status, _, body = get(port, path)
    assert status == 404
    assert SECRET.encode() not in body and b"id_ed25519" not in body


def test_a_symlink_inside_the_course_is_served(served):
    _, port = served
    status, _, body = get(port, "/courses/example/images/alias.png")
    assert (status, body) == (200, b"\x89PNG inside the course")


@pytest.mark.parametrize(
    "path",
    [
        "/courses/example/",
        "/courses/example/lectures/",
        "/courses/example/lectures",
        "/output/example/preview/",
        "/output/example/",
        "/courses/example/images/",
    ],
)
def test_directories_are_not_listed(served, path):
    _, port = served
    status, _, body = get(port, path)
    assert status == 404
    assert b"Directory listing" not in body and b"real.png" not in body and b".md" not in body


@pytest.mark.parametrize(
    "host",
    ["evil.example:{port}", "evil.example", "127.0.0.1:1", "localhost.evil.example:{port}", ""],
)
def test_other_host_names_are_refused(served, host):
    _, port = served
    status, _, body = get(port, "/output/example/preview/index.html", host=host.format(port=port))
    assert status == 421
    assert b"Python List Comprehensions" not in body
    assert f"http://127.0.0.1:{port}/".encode() in body  # where the preview does answer


def test_localhost_is_served_like_127_0_0_1(served):
    _, port = served
    for host in (f"localhost:{port}", f"127.0.0.1:{port}"):
        status, _, body = get(port, "/output/example/preview/index.html", host=host)
        assert status == 200 and b"Python List Comprehensions" in body


@pytest.mark.parametrize(
    "path", ["/", "/output/example/preview/index.html", "/courses/example/images/key.png", "/.env"]
)
def test_every_answer_forbids_scripts_sniffing_and_referrers(served, path):
    _, port = served
    status, headers, _ = get(port, path)
    assert status in (200, 302, 404)
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    csp = headers["content-security-policy"]
    assert "script-src 'none'" in csp and "object-src 'none'" in csp


def test_files_and_byte_ranges_of_media_are_served(served):
    course, port = served
    wav = course.audio_dir(LEC) / "narration.wav"
    data = wav.read_bytes()
    url = f"/output/example/audio/{LEC}/narration.wav"
    status, headers, body = get(port, url)
    assert (status, body) == (200, data)
    assert headers["content-type"] == "audio/wav" and headers["accept-ranges"] == "bytes"
    status, headers, body = get(port, url, headers={"Range": "bytes=100-199"})
    assert (status, body) == (206, data[100:200])
    assert headers["content-range"] == f"bytes 100-199/{len(data)}"
    assert get(port, url, headers={"Range": "bytes=-10"})[2] == data[-10:]
    assert get(port, url, headers={"Range": f"bytes={len(data) - 5}-"})[2] == data[-5:]
    status, headers, body = get(port, url, headers={"Range": f"bytes={len(data)}-"})
    assert (status, headers["content-range"], body) == (416, f"bytes */{len(data)}", b"")
    status, headers, body = get(port, url, headers={"Range": "bytes=0-9"}, method="HEAD")
    assert (status, headers["content-length"], body) == (206, "10", b"")
    mp4 = course.video_path(LEC).read_bytes()
    status, headers, body = get(
        port, f"/output/example/video/{LEC}.mp4", headers={"Range": "bytes=0-"}
    )  # what Chromium asks first
    assert (status, headers["content-type"], body) == (206, "video/mp4", mp4)


@pytest.mark.parametrize(
    "header, size, span",
    [
        (None, 100, None),
        ("bytes=0-9", 100, (0, 9)),
        ("bytes=90-200", 100, (90, 99)),
        ("bytes=-1", 100, (99, 99)),
        ("bytes=-500", 100, (0, 99)),
        ("bytes=5-", 100, (5, 99)),
        ("bytes=0-1,5-6", 100, None),
        ("bytes=9-3", 100, None),
        ("items=0-1", 100, None),
        ("bytes=-", 100, None),
        ("bytes=0-", 0, None),
    ],
)
def test_byte_range_reads_one_range_or_none(header, size, span):
    assert byte_range(header, size) == span


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=-0"])
def test_byte_range_past_the_end_is_unsatisfiable(header):
    with pytest.raises(ValueError):
        byte_range(header, 100)

"""`make serve`: the preview over HTTP on 127.0.0.1, showing only this course's files."""

from __future__ import annotations

import functools
import os
import re
import stat
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipeline import log
from pipeline.errors import LecternError
from pipeline.preview.html import CSP

RANGE = re.compile(r"bytes=(\d*)-(\d*)")
CHUNK = 64 * 1024
HEADERS = {
    "Content-Security-Policy": CSP + "; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}  # a rebuilt page shows at once


class Handler(SimpleHTTPRequestHandler):
    """Serves regular files of courses/<t>/ and output/<t>/ only, never dotfiles or listings.

    The preview links to sources and media by relative paths, so URLs are project-root
    paths; each allowed prefix maps to its folder, and a file counts only when its resolved
    path (symlinks followed) stays inside that folder, so .env, caches, other topics and
    whatever a symlink in a cloned course points at stay private.
    """

    roots: dict[str, Path] = {}  # URL prefix -> resolved folder
    home = "/"
    left: int | None = None  # bytes of a range still to send; None sends the whole file
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".md": "text/plain",
        ".yaml": "text/plain",
        ".vtt": "text/vtt",
        ".wav": "audio/wav",
    }

    def send_head(self):
        """Answer with the file's headers and return it open, or send an error and None."""
        self.left = None
        port = self.server.server_address[1]
        hosts = [h.lower() for h in self.headers.get_all("Host", [])]
        if hosts not in ([f"127.0.0.1:{port}"], [f"localhost:{port}"]):  # DNS rebinding
            self.send_error(421, f"This preview answers only at http://127.0.0.1:{port}/")
            return None
        path = unquote(urlsplit(self.path).path)
        if path == "/":
            self.send_response(302)
            self.send_header("Location", self.home)
            self.end_headers()
            return None
        file = self._file(path)
        if file is None:
            self.send_error(404, "Not part of this course's preview")
            return None
        return self._open(file)

    def _file(self, path: str) -> Path | None:
        """The regular file a URL path names inside an allowed folder, else None."""
        parts = [p for p in path.split("/") if p]
        if any(p.startswith(".") for p in parts):
            return None
        rel = "/".join(parts)
        for prefix, root in self.roots.items():
            if rel.startswith(prefix):
                try:
                    target = (root / rel[len(prefix) :]).resolve()
                except (OSError, ValueError):  # a loop of links, a NUL byte
                    return None
                return target if target.is_relative_to(root) and target.is_file() else None
        return None

    def _open(self, file: Path):
        """Open the file and send 200, or 206 for a byte range (media seeking), or 416."""
        try:
            f = os.fdopen(os.open(file, os.O_RDONLY | os.O_NOFOLLOW), "rb")
        except OSError:
            self.send_error(404, "Not part of this course's preview")
            return None
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):  # swapped for something else since the check
            f.close()
            self.send_error(404, "Not part of this course's preview")
            return None
        try:
            span = byte_range(self.headers.get("Range"), info.st_size)
        except ValueError:
            f.close()
            self._send_unsatisfiable(info.st_size)
            return None
        self._send_file_headers(file, info, span)
        if span is not None:
            f.seek(span[0])
            self.left = span[1] - span[0] + 1
        return f

    def _send_file_headers(self, file: Path, info: os.stat_result, span) -> None:
        """Status, type, length, date and (for a range) which bytes follow."""
        self.send_response(200 if span is None else 206)
        self.send_header("Content-Type", self.guess_type(str(file)))
        length = info.st_size if span is None else span[1] - span[0] + 1
        self.send_header("Content-Length", str(length))
        self.send_header("Last-Modified", self.date_time_string(info.st_mtime))
        self.send_header("Accept-Ranges", "bytes")
        if span is not None:
            self.send_header("Content-Range", f"bytes {span[0]}-{span[1]}/{info.st_size}")
        self.end_headers()

    def _send_unsatisfiable(self, size: int) -> None:
        """416: the range starts past the end of the file."""
        self.send_response(416)
        self.send_header("Content-Range", f"bytes */{size}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def copyfile(self, source, outputfile) -> None:
        """Copy the whole file, or only the bytes of the range asked for."""
        if self.left is None:
            super().copyfile(source, outputfile)
            return
        while self.left > 0:
            chunk = source.read(min(CHUNK, self.left))
            if not chunk:
                break
            outputfile.write(chunk)
            self.left -= len(chunk)

    def end_headers(self) -> None:
        """Every answer, errors included, forbids scripts, sniffing and referrers."""
        for name, value in HEADERS.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        """Keep the console quiet; errors still show."""


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The first and last byte one `Range: bytes=` header asks for; None for the whole file.

    A malformed or multi-part header is ignored (the whole file is a valid answer); a range
    that starts past the end raises ValueError (416).
    """
    m = RANGE.fullmatch((header or "").strip())
    if not m or m.groups() == ("", "") or size == 0:
        return None
    first, last = m.groups()
    if not first:  # bytes=-N: the last N bytes
        if int(last) == 0:
            raise ValueError(header)
        return max(0, size - int(last)), size - 1
    if last and int(last) < int(first):
        return None
    if int(first) >= size:
        raise ValueError(header)
    return int(first), min(int(last), size - 1) if last else size - 1


def make_server(course, port: int) -> ThreadingHTTPServer:
    """An HTTP server for the course's preview (port 0 picks a free one)."""
    root = Path(course.root)
    roots = {
        f"courses/{course.slug}/": (root / "courses" / course.slug).resolve(),
        f"output/{course.slug}/": (root / "output" / course.slug).resolve(),
    }
    home = f"/output/{course.slug}/preview/index.html"
    handler = type("CourseHandler", (Handler,), {"roots": roots, "home": home})
    factory = functools.partial(handler, directory=str(root))
    try:
        return ThreadingHTTPServer(("127.0.0.1", port), factory)
    except OSError as e:
        raise LecternError(
            f"cannot serve on 127.0.0.1:{port} ({e.strerror}); pick another "
            f"port with `lectern serve {course.slug} --port 8001`"
        ) from None


def serve(course, port: int = 8000) -> None:
    """Serve the preview until Ctrl-C."""
    server = make_server(course, port)
    url = f"http://127.0.0.1:{server.server_address[1]}/output/{course.slug}/preview/index.html"
    log.info(f"serving {url} (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()

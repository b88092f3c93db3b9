"""`make serve`: the preview over HTTP on 127.0.0.1, showing only this course's files."""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipeline import log
from pipeline.errors import LecternError


class Handler(SimpleHTTPRequestHandler):
    """Serves the project root, but only courses/<t>/ and output/<t>/, never dotfiles.

    The preview links to sources and media by relative paths, so the server's root must
    be the project root; the allow-list keeps .env, caches and other topics private.
    """

    allowed: tuple[str, ...] = ()
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".md": "text/plain",
                      ".yaml": "text/plain", ".vtt": "text/vtt", ".wav": "audio/wav"}

    def send_head(self):
        """Refuse paths outside the allow-list before touching the disk."""
        path = unquote(urlsplit(self.path).path)
        parts = [p for p in path.split("/") if p]
        if path == "/":
            self.send_response(302)
            self.send_header("Location", "/" + self.allowed[1] + "preview/index.html")
            self.end_headers()
            return None
        if any(p.startswith(".") for p in parts) or not (path.lstrip("/")).startswith(
                self.allowed):
            self.send_error(404, "Not part of this course's preview")
            return None
        return super().send_head()

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        """Keep the console quiet; errors still show."""


def make_server(course, port: int) -> ThreadingHTTPServer:
    """An HTTP server for the course's preview (port 0 picks a free one)."""
    allowed = (f"courses/{course.slug}/", f"output/{course.slug}/")
    handler = type("CourseHandler", (Handler,), {"allowed": allowed})
    factory = functools.partial(handler, directory=str(Path(course.root)))
    try:
        return ThreadingHTTPServer(("127.0.0.1", port), factory)
    except OSError as e:
        raise LecternError(f"cannot serve on 127.0.0.1:{port} ({e.strerror}); pick another "
                           f"port with `lectern serve {course.slug} --port 8001`") from None


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

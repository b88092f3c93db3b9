"""A small Chat Completions server on 127.0.0.1 for driving the real openai SDK.

By default it answers like a model would (valid answers from the fake provider). Tests
queue `actions` (one per request, in order) or set `rule(body) -> action | None` to
make it misbehave: an HTTP status with headers, a given content, a finish_reason, or a
delay before answering.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from pipeline import estimate
from pipeline.providers.llm import fake


class FakeOpenAI:
    """The server, its request log and its script of misbehaviour."""

    def __init__(self):
        self.requests: list[dict] = []
        self.auth: list[str] = []
        self.actions: list[dict] = []
        self.rule = None
        self.lock = threading.Lock()
        self.inflight = self.max_inflight = 0
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def start(self) -> FakeOpenAI:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def enter(self, delta: int) -> None:
        """Count requests being answered right now (to see the client's concurrency)."""
        with self.lock:
            self.inflight += delta
            self.max_inflight = max(self.max_inflight, self.inflight)

    def next_action(self, body: dict) -> dict:
        """The queued action, else the rule's, else a normal answer."""
        with self.lock:
            self.requests.append(body)
            if self.actions:
                return self.actions.pop(0)
        return (self.rule(body) if self.rule else None) or {}


def user_text(body: dict) -> str:
    """The first user message of a request."""
    return next(m["content"] for m in body["messages"] if m["role"] == "user")


def _handler(server: FakeOpenAI):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output quiet
            pass

        def do_POST(self):  # noqa: N802 - http.server's name
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            server.auth.append(self.headers.get("Authorization", ""))
            action = server.next_action(body)
            server.enter(1)
            time.sleep(action.get("sleep", 0))
            try:
                if "status" in action:
                    self._error(action)
                else:
                    self._answer(body, action)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client timed out and left
            finally:
                server.enter(-1)

        def _error(self, action: dict) -> None:
            data = json.dumps({"error": {"message": action.get("message", "try later"),
                                         "type": "server_error", "code": None}}).encode()
            self.send_response(action["status"])
            for k, v in action.get("headers", {}).items():
                self.send_header(k, v)
            self._send(data)

        def _answer(self, body: dict, action: dict) -> None:
            schema = (body.get("response_format") or {}).get("json_schema")
            content = action.get("content")
            if content is None:
                content = fake.respond(body["messages"], schema)
            usage = {"prompt_tokens": estimate.message_tokens(body["messages"]),
                     "completion_tokens": estimate.tokens(content)}
            usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
            data = json.dumps({
                "id": f"chatcmpl-{len(server.requests)}", "object": "chat.completion",
                "created": int(time.time()), "model": body["model"], "usage": usage,
                "choices": [{"index": 0, "finish_reason": action.get("finish_reason", "stop"),
                             "message": {"role": "assistant", "content": content}}]}).encode()
            self.send_response(200)
            self._send(data)

        def _send(self, data: bytes) -> None:
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler

"""A small Chat Completions server on 127.0.0.1 for driving the real openai SDK.

By default it answers like a model would (valid answers from the fake provider) and
refuses, as OpenAI does, what breaks the documented rules (tests/llm/openai_rules.py):
non-strict schemas, `max_tokens` or a temperature for reasoning models, an output limit
above the model's cap, a prompt past `context` tokens. Tests queue `actions` (one per
request, in order) or set `rule(body) -> action | None` to make it misbehave: an HTTP
status with headers, error code and message; a given content, refusal, reasoning or
finish_reason; or a delay before answering. `models` (GET /v1/models entries) and
`ollama` (its /api/ps and /api/show answers) play vLLM, LM Studio and Ollama.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from pipeline import estimate
from pipeline.providers.llm import fake
from tests.llm import openai_rules


class FakeOpenAI:
    """The server, its request log and its script of misbehaviour."""

    def __init__(self):
        self.requests: list[dict] = []
        self.auth: list[str] = []
        self.actions: list[dict] = []
        self.rule = None
        self.rules = True  # enforce OpenAI's documented request rules
        self.context: int | None = None  # the model's context window, when it has one
        self.models: list[dict] = []  # GET /v1/models entries
        self.ollama: dict | None = None  # {"ps": [...], "show": {...}}: speak Ollama's API
        self.gets: list[str] = []
        self.lock = threading.Lock()
        self.inflight = self.max_inflight = 0
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

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
        """The queued action, else the rule's, else OpenAI's rules, else a normal answer."""
        with self.lock:
            self.requests.append(body)
            if self.actions:
                return self.actions.pop(0)
        return (self.rule(body) if self.rule else None) or self._rules(body) or {}

    def _rules(self, body: dict) -> dict | None:
        if not self.rules:
            return None
        error = openai_rules.request_error(body)
        limit = body.get("max_completion_tokens") or body.get("max_tokens") or 0
        if (
            error is None
            and self.context
            and estimate.message_tokens(body["messages"]) + limit > self.context
        ):
            error = {
                "status": 400,
                "code": "context_length_exceeded",
                "param": "messages",
                "message": f"This model's maximum context length is {self.context} tokens.",
                "type": "invalid_request_error",
            }
        return error

    def get(self, path: str) -> dict | None:
        """The answer to a GET, or None for a 404."""
        self.gets.append(path)
        if path == "/v1/models":
            return {"object": "list", "data": self.models}
        if self.ollama is not None and path == "/api/version":
            return {"version": "0.12.0"}
        if self.ollama is not None and path == "/api/ps":
            return {"models": self.ollama.get("ps", [])}
        return None


def user_text(body: dict) -> str:
    """The first user message of a request."""
    return next(m["content"] for m in body["messages"] if m["role"] == "user")


def _handler(server: FakeOpenAI):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output quiet
            pass

        def do_GET(self):  # noqa: N802 - http.server's name
            answer = server.get(self.path)
            if answer is None:
                self.send_response(404)
                self._send(b"{}")
            else:
                self.send_response(200)
                self._send(json.dumps(answer).encode())

        def do_POST(self):  # noqa: N802 - http.server's name
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.path == "/api/show" and server.ollama is not None:
                self.send_response(200)
                return self._send(json.dumps(server.ollama.get("show", {})).encode())
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
            error = {
                "message": action.get("message", "try later"),
                "type": action.get("type", "server_error"),
                "param": action.get("param"),
                "code": action.get("code"),
            }
            self.send_response(action["status"])
            for k, v in action.get("headers", {}).items():
                self.send_header(k, v)
            self._send(json.dumps({"error": error}).encode())

        def _answer(self, body: dict, action: dict) -> None:
            schema = (body.get("response_format") or {}).get("json_schema")
            content = action.get("content")
            if content is None and "refusal" not in action and "reasoning" not in action:
                content = fake.respond(body["messages"], schema)
            message = {"role": "assistant", "content": content, "refusal": action.get("refusal")}
            if "reasoning" in action:
                message["reasoning_content"] = action["reasoning"]
            usage = {
                "prompt_tokens": estimate.message_tokens(body["messages"]),
                "completion_tokens": estimate.tokens(
                    content or action.get("refusal") or action.get("reasoning") or ""
                ),
            }
            usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
            data = json.dumps(
                {
                    "id": f"chatcmpl-{len(server.requests)}",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": body["model"],
                    "usage": usage,
                    "choices": [
                        {
                            "index": 0,
                            "finish_reason": action.get("finish_reason", "stop"),
                            "message": message,
                        }
                    ],
                }
            ).encode()
            self.send_response(200)
            self._send(data)

        def _send(self, data: bytes) -> None:
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler

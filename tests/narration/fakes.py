"""A small HTTP server on 127.0.0.1 speaking the OpenAI and ElevenLabs TTS wire formats.

It returns real audio (a speech-like tone made with numpy, as WAV, or MP3 encoded by
ffmpeg), can answer a scripted list of failures first (429, 500…), rejects unknown
voices the way each service does, and records every request it got.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

import numpy as np

from pipeline.speech.master import wav_bytes
from pipeline.tools import ffmpeg

RATE = 24000
BAD_VOICE = "no-such-voice"


def speechlike(seconds: float, rate: int = RATE) -> np.ndarray:
    """A voiced tone with a 4 Hz syllable rhythm: loud enough to be measured as speech."""
    t = np.arange(int(seconds * rate)) / rate
    voice = sum(np.sin(2 * np.pi * f * t) / k for k, f in enumerate((140, 280, 420, 840), 1))
    rhythm = 0.55 + 0.45 * np.sin(2 * np.pi * 4 * t)
    return (0.3 * voice * rhythm).astype(np.float32)


def mp3_bytes(samples: np.ndarray, rate: int = RATE) -> bytes:
    """Encode with the same ffmpeg the pipeline uses."""
    proc = subprocess.run(
        [
            ffmpeg(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "wav",
            "-i",
            "pipe:0",
            "-c:a",
            "libmp3lame",
            "-b:a",
            "64k",
            "-f",
            "mp3",
            "pipe:1",
        ],
        input=wav_bytes(samples, rate),
        capture_output=True,
        check=True,
    )
    return proc.stdout


class FakeTTS:
    """The server, its request log and the failures it should answer with first."""

    def __init__(self):
        self.requests: list[dict] = []
        self.fail_with: list[int] = []
        self.delay = 0.0  # seconds before each answer, to keep requests in flight
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def texts(self) -> list[str]:
        """The text of every request that got audio back."""
        return [r["text"] for r in self.requests if r["status"] == 200]

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_POST(self):  # noqa: N802 - http.server's hook
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                fake._serve(self, urlparse(self.path).path, json.loads(body or b"{}"))

        return Handler

    def _serve(self, h, path: str, body: dict) -> None:
        """Route one request and answer it."""
        elevenlabs = path.startswith("/v1/text-to-speech/")
        voice = path.rsplit("/", 1)[-1] if elevenlabs else body.get("voice")
        text = body.get("text" if elevenlabs else "input", "")
        with self.lock:
            status = self.fail_with.pop(0) if self.fail_with else 200
        if status == 200 and voice == BAD_VOICE:
            status = 404 if elevenlabs else 400
        self.requests.append(
            {
                "path": path,
                "text": text,
                "voice": voice,
                "status": status,
                "headers": dict(h.headers),
                "body": body,
            }
        )
        if status != 200:
            return self._error(h, status, elevenlabs, voice)
        time.sleep(self.delay)
        audio = speechlike(min(0.3 + 0.005 * len(text), 2.0))  # short: keeps tests fast
        data = mp3_bytes(audio) if elevenlabs else wav_bytes(audio, RATE)
        self._send(h, 200, data, "audio/mpeg" if elevenlabs else "audio/wav")

    def _error(self, h, status: int, elevenlabs: bool, voice: str) -> None:
        if elevenlabs:
            detail = (
                {
                    "status": "voice_not_found",
                    "message": f"A voice with the voice_id {voice} was not found.",
                }
                if status == 404
                else {"status": "busy"}
            )
            payload = {"detail": detail}
        else:
            msg = f"Invalid voice '{voice}'." if status == 400 else "Rate limit reached"
            payload = {
                "error": {
                    "message": msg,
                    "type": "invalid_request_error",
                    "param": "voice" if status == 400 else None,
                    "code": None,
                }
            }
        self._send(
            h,
            status,
            json.dumps(payload).encode(),
            "application/json",
            {"retry-after": "0"} if status == 429 else {},
        )

    @staticmethod
    def _send(h, status: int, data: bytes, ctype: str, headers: dict | None = None) -> None:
        h.send_response(status)
        h.send_header("content-type", ctype)
        h.send_header("content-length", str(len(data)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(data)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

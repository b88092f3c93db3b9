"""Text-to-speech providers: a small base class and a registry keyed by name (providers.registry).

Built-in providers register through the `lectern.tts` entry-point group exactly as a
third party's would (see pyproject.toml); `register()` adds one at run time.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from pipeline import secrets
from pipeline.config import VoiceConfig
from pipeline.errors import ConfigError, ProviderError
from pipeline.providers import retry
from pipeline.providers.registry import Registry
from pipeline.tools import ffmpeg

# Voice settings that change how calls are made, never the audio: outside the cache key,
# so changing them never pays for a sentence again.
HOW_NOT_WHAT = {
    "concurrency",
    "max_retries",
    "retry_base_s",
    "retry_max_s",
    "timeout_s",
    "base_url",
    "api_key_env",
}


@dataclass
class Clip:
    """Mono audio as float32 samples in [-1, 1]."""

    samples: np.ndarray
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate


class TTSProvider:
    """Turns one sentence of plain text into audio. Subclasses set `name`, `max_chars`."""

    name = "base"
    max_chars = 1000
    cloud = False  # cloud voices are paid per call: run in threads, never twice
    threads: int | None = None  # CPU threads a local model may use (None: all cores)

    def __init__(self, voice: VoiceConfig, dirs: list[Path] | None = None):
        self.voice = voice
        self.dirs = dirs or [Path.cwd()]

    def identity(self) -> dict:
        """Everything that changes the audio for a given text (the cache key)."""
        return {"provider": self.name, **self.voice.model_dump(exclude=HOW_NOT_WHAT)}

    def check_text(self, text: str) -> str | None:
        """Why this voice cannot speak `text`, or None when it can."""
        return None

    def synthesize(self, text: str) -> Clip:
        """Speak one sentence."""
        raise NotImplementedError


REGISTRY: Registry[TTSProvider] = Registry("lectern.tts", "voice.provider", "TTS provider")
register, names, get = REGISTRY.register, REGISTRY.names, REGISTRY.get


def create(
    voice: VoiceConfig, dirs: list[Path] | None = None, where: str = "topic.yaml"
) -> TTSProvider:
    """An instance of the provider a course's voice config (from `where`) names."""
    return get(voice.provider, where)(voice, dirs)


def for_course(course) -> TTSProvider:
    """The provider a course's topic.yaml names (nothing is loaded or contacted yet)."""
    return create(course.topic.voice, course.image_dirs, str(course.topic_path))


def decode_audio(data: bytes, what: str) -> Clip:
    """Decode any audio file's bytes (mp3, wav, …) to 48 kHz mono with ffmpeg."""
    cmd = [
        ffmpeg(),
        "-hide_banner",
        "-loglevel",
        "error",
        "-i",
        "pipe:0",
        "-ac",
        "1",
        "-ar",
        "48000",
        "-f",
        "f32le",
        "pipe:1",
    ]
    proc = subprocess.run(cmd, input=data, capture_output=True, timeout=300)
    if proc.returncode != 0 or not proc.stdout:
        tail = proc.stderr.decode(errors="replace").strip()[-300:]
        raise ProviderError(f"{what}: the audio returned could not be decoded ({tail or 'empty'})")
    return Clip(np.frombuffer(proc.stdout, dtype="<f4").copy(), 48000)


def body_text(e: Exception) -> str:
    """The server's error message, short, for a person to read."""
    body = getattr(e, "body", None) or getattr(e, "message", None) or str(e)
    return str(body)[:300]


class CloudTTS(TTSProvider):
    """A paid voice behind an SDK: subclasses give `service`, `client`, `_call`, `_describe`.

    A missing key or voice is a config error raised before any retry; 429/5xx are
    retried with backoff; every other failure becomes an error that says what to change.
    """

    cloud = True
    label = "cloud TTS"  # how messages name the service
    service: secrets.Service  # whose key goes to which host

    @cached_property
    def credential(self) -> secrets.Credential:
        """The server and the key for it, by the rules in pipeline.secrets (said once)."""
        v = self.voice
        cred = secrets.credential(
            self.service, "voice", v.base_url, v.api_key_env, secrets.environment()
        )
        if cred.key is None and cred.official:
            raise ConfigError(
                f"voice.provider is {self.name} but {self.service.key_var} is "
                "not set: export it (or put it in the git-ignored .env), or use "
                "voice.provider: piper"
            )
        secrets.announce("voice", cred)
        return cred

    @property
    def client(self):
        raise NotImplementedError

    def _call(self, text: str) -> Clip:
        raise NotImplementedError

    def _describe(self, code: int | None, detail: str) -> ProviderError | None:
        """A specific message for an HTTP status, or None for the generic one."""
        return None

    def synthesize(self, text: str) -> Clip:
        """Speak one sentence, retrying 429/5xx with backoff."""
        _ = self.client
        v = self.voice
        try:
            return retry.run(
                lambda: self._call(text), retry.Policy(v.max_retries, v.retry_base_s, v.retry_max_s)
            )
        except Exception as e:  # noqa: BLE001 - every failure becomes a clear message
            raise self._explain(e) from None

    def _explain(self, e: Exception) -> ProviderError:
        """Turn an SDK error into a message that says what to change."""
        if isinstance(e, ProviderError):
            return e
        code, detail = retry.status_of(e), body_text(e)
        specific = self._describe(code, detail)
        if specific is not None:
            return specific
        if code is not None:
            return ProviderError(f"{self.label} failed (HTTP {code}): {detail}")
        return ProviderError(
            f"{self.label} failed after {self.voice.max_retries} retries: "
            f"{type(e).__name__}: {detail}"
        )

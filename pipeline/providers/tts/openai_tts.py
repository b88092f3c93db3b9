"""OpenAI's speech endpoint (or any server speaking its wire format, via base_url)."""

from __future__ import annotations

from functools import cached_property

from pipeline import secrets
from pipeline.errors import ProviderError
from pipeline.providers.tts import Clip, CloudTTS, decode_audio

DEFAULT_MODEL = "gpt-4o-mini-tts"
DEFAULT_VOICE = "alloy"


class OpenAITTS(CloudTTS):
    """audio.speech.create through the official SDK; WAV decoded with ffmpeg."""

    name = "openai"
    label = "OpenAI TTS"
    max_chars = 4096
    service = secrets.OPENAI

    def identity(self) -> dict:
        """Model, voice, speed and instructions decide the audio."""
        v = self.voice
        return {
            "provider": self.name,
            "model": v.model or DEFAULT_MODEL,
            "voice": v.voice or DEFAULT_VOICE,
            "speed": v.speed,
            "instructions": v.instructions,
        }

    @cached_property
    def client(self):
        """The SDK client; the key stays in memory only."""
        from openai import OpenAI

        cred = self.credential
        # Our own retry loop counts attempts and backs off; the SDK's would double it.
        return OpenAI(
            api_key=cred.key or secrets.NO_KEY,
            base_url=cred.url,
            max_retries=0,
            timeout=self.voice.timeout_s,
        )

    def _call(self, text: str) -> Clip:
        v = self.voice
        extra: dict[str, str | float] = {"instructions": v.instructions} if v.instructions else {}
        if v.speed != 1.0:
            extra["speed"] = v.speed
        resp = self.client.audio.speech.create(
            model=v.model or DEFAULT_MODEL,
            voice=v.voice or DEFAULT_VOICE,
            input=text,
            response_format="wav",
            **extra,
        )
        return decode_audio(resp.content, "OpenAI TTS")

    def _describe(self, code: int | None, detail: str) -> ProviderError | None:
        if code in (401, 403):
            return ProviderError(
                f"OpenAI TTS refused the call (HTTP {code}): "
                f"{secrets.key_hint(self.credential, 'voice')}"
            )
        if code in (400, 404, 422) and "voice" in detail.lower():
            voice = self.voice.voice or DEFAULT_VOICE
            return ProviderError(
                f"OpenAI TTS: voice '{voice}' is not valid (HTTP {code}: "
                f"{detail}); set voice.voice in topic.yaml to a voice the "
                "model offers, e.g. alloy, echo, nova, onyx, shimmer"
            )
        return None

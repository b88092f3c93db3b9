"""OpenAI's speech endpoint (or any server speaking its wire format, via base_url)."""

from __future__ import annotations

from functools import cached_property

from pipeline.errors import ConfigError, ProviderError
from pipeline.providers.tts import Clip, CloudTTS, decode_audio
from pipeline.secrets import environment

DEFAULT_MODEL = "gpt-4o-mini-tts"
DEFAULT_VOICE = "alloy"


class OpenAITTS(CloudTTS):
    """audio.speech.create through the official SDK; WAV decoded with ffmpeg."""

    name = "openai"
    label = "OpenAI TTS"
    max_chars = 4096

    def identity(self) -> dict:
        """Model, voice, speed and instructions decide the audio."""
        v = self.voice
        return {"provider": self.name, "model": v.model or DEFAULT_MODEL,
                "voice": v.voice or DEFAULT_VOICE, "speed": v.speed,
                "instructions": v.instructions}

    @cached_property
    def client(self):
        """The SDK client; the key is read from the environment and kept in memory only."""
        from openai import OpenAI

        base_url = self.voice.base_url or environment().get("OPENAI_BASE_URL") or None
        key = environment().get("OPENAI_API_KEY")
        if not key and not base_url:
            raise ConfigError("voice.provider is openai but OPENAI_API_KEY is not set: export it "
                              "(or put it in the git-ignored .env), or use voice.provider: piper")
        # Our own retry loop counts attempts and backs off; the SDK's would double it.
        return OpenAI(api_key=key or "not-needed", base_url=base_url, max_retries=0,
                      timeout=self.voice.timeout_s)

    def _call(self, text: str) -> Clip:
        v = self.voice
        extra = {"instructions": v.instructions} if v.instructions else {}
        if v.speed != 1.0:
            extra["speed"] = v.speed
        resp = self.client.audio.speech.create(model=v.model or DEFAULT_MODEL,
                                               voice=v.voice or DEFAULT_VOICE, input=text,
                                               response_format="wav", **extra)
        return decode_audio(resp.content, "OpenAI TTS")

    def _describe(self, code: int | None, detail: str) -> ProviderError | None:
        if code in (401, 403):
            return ProviderError(f"OpenAI TTS refused the API key (HTTP {code}): check "
                                 "OPENAI_API_KEY")
        if code in (400, 404, 422) and "voice" in detail.lower():
            voice = self.voice.voice or DEFAULT_VOICE
            return ProviderError(f"OpenAI TTS: voice '{voice}' is not valid (HTTP {code}: "
                                 f"{detail}); set voice.voice in topic.yaml to a voice the "
                                 "model offers, e.g. alloy, echo, nova, onyx, shimmer")
        return None

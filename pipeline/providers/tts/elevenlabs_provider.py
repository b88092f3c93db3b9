"""ElevenLabs through the official SDK; MP3 decoded with ffmpeg."""

from __future__ import annotations

from functools import cached_property

from pipeline import secrets
from pipeline.errors import ConfigError, ProviderError
from pipeline.providers.tts import Clip, CloudTTS, decode_audio

DEFAULT_MODEL = "eleven_multilingual_v2"
# MP3 at 44.1 kHz/128 kbps is offered on every plan (PCM at 44.1 kHz needs Pro).
OUTPUT_FORMAT = "mp3_44100_128"


class ElevenLabsTTS(CloudTTS):
    """text_to_speech.convert with the voice settings from topic.yaml."""

    name = "elevenlabs"
    label = "ElevenLabs TTS"
    max_chars = 5000
    service = secrets.ELEVENLABS

    def identity(self) -> dict:
        """Voice, model and every voice setting decide the audio."""
        v = self.voice
        return {
            "provider": self.name,
            "voice": v.voice,
            "model": v.model or DEFAULT_MODEL,
            "speed": v.speed,
            "stability": v.stability,
            "similarity": v.similarity,
            "style": v.style,
            "format": OUTPUT_FORMAT,
        }

    @cached_property
    def client(self):
        """The SDK client; the key stays in memory only."""
        from elevenlabs.client import ElevenLabs

        if not self.voice.voice:
            raise ConfigError(
                "topic.yaml voice.voice: ElevenLabs needs a voice id (copy it "
                "from the voice's page in the ElevenLabs Voice Library)"
            )
        cred = self.credential
        # api_key=None (given, not left out) sends no xi-api-key header at all.
        return ElevenLabs(api_key=cred.key, base_url=cred.url, timeout=self.voice.timeout_s)

    def _settings(self):
        from elevenlabs import VoiceSettings

        v = self.voice
        return VoiceSettings(
            stability=v.stability, similarity_boost=v.similarity, style=v.style, speed=v.speed
        )

    def _call(self, text: str) -> Clip:
        stream = self.client.text_to_speech.convert(
            self.voice.voice,
            text=text,
            model_id=self.voice.model or DEFAULT_MODEL,
            output_format=OUTPUT_FORMAT,
            voice_settings=self._settings(),
            request_options={"max_retries": 0},
        )  # our loop retries; the SDK's would double it
        return decode_audio(b"".join(stream), "ElevenLabs TTS")

    def _describe(self, code: int | None, detail: str) -> ProviderError | None:
        if code == 401:
            return ProviderError(
                "ElevenLabs refused the call (HTTP 401): "
                f"{secrets.key_hint(self.credential, 'voice')}"
            )
        if code in (400, 404, 422) and "voice" in detail.lower():
            return ProviderError(
                f"ElevenLabs: voice id '{self.voice.voice}' was not found "
                f"(HTTP {code}: {detail}); set voice.voice in topic.yaml to "
                "a voice id from your ElevenLabs voice library"
            )
        return None

"""ElevenLabs through the official SDK; MP3 decoded with ffmpeg."""

from __future__ import annotations

from functools import cached_property

from pipeline.errors import ConfigError, ProviderError
from pipeline.providers.tts import Clip, CloudTTS, decode_audio
from pipeline.secrets import environment

DEFAULT_MODEL = "eleven_multilingual_v2"
# MP3 at 44.1 kHz/128 kbps is offered on every plan (PCM at 44.1 kHz needs Pro).
OUTPUT_FORMAT = "mp3_44100_128"


class ElevenLabsTTS(CloudTTS):
    """text_to_speech.convert with the voice settings from topic.yaml."""

    name = "elevenlabs"
    label = "ElevenLabs TTS"
    max_chars = 5000

    def identity(self) -> dict:
        """Voice, model and every voice setting decide the audio."""
        v = self.voice
        return {"provider": self.name, "voice": v.voice, "model": v.model or DEFAULT_MODEL,
                "speed": v.speed, "stability": v.stability, "similarity": v.similarity,
                "style": v.style, "format": OUTPUT_FORMAT}

    @cached_property
    def client(self):
        """The SDK client; the key is read from the environment and kept in memory only."""
        from elevenlabs.client import ElevenLabs

        if not self.voice.voice:
            raise ConfigError("topic.yaml voice.voice: ElevenLabs needs a voice id (copy it "
                              "from the voice's page in the ElevenLabs Voice Library)")
        key = environment().get("ELEVENLABS_API_KEY")
        if not key:
            raise ConfigError("voice.provider is elevenlabs but ELEVENLABS_API_KEY is not set: "
                              "export it (or put it in the git-ignored .env), or use "
                              "voice.provider: piper")
        base_url = self.voice.base_url or environment().get("ELEVENLABS_BASE_URL") or None
        return ElevenLabs(api_key=key, base_url=base_url, timeout=self.voice.timeout_s)

    def _settings(self):
        from elevenlabs import VoiceSettings

        v = self.voice
        return VoiceSettings(stability=v.stability, similarity_boost=v.similarity,
                             style=v.style, speed=v.speed)

    def _call(self, text: str) -> Clip:
        stream = self.client.text_to_speech.convert(
            self.voice.voice, text=text, model_id=self.voice.model or DEFAULT_MODEL,
            output_format=OUTPUT_FORMAT, voice_settings=self._settings(),
            request_options={"max_retries": 0})  # our loop retries; the SDK's would double it
        return decode_audio(b"".join(stream), "ElevenLabs TTS")

    def _describe(self, code: int | None, detail: str) -> ProviderError | None:
        if code == 401:
            return ProviderError("ElevenLabs refused the API key (HTTP 401): check "
                                 "ELEVENLABS_API_KEY")
        if code in (400, 404, 422) and "voice" in detail.lower():
            return ProviderError(f"ElevenLabs: voice id '{self.voice.voice}' was not found "
                                 f"(HTTP {code}: {detail}); set voice.voice in topic.yaml to "
                                 "a voice id from your ElevenLabs voice library")
        return None

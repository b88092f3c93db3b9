"""Decks: themes, text measured with real font metrics, slide drawing with python-pptx."""

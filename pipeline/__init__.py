"""Lectern: turn a topic written in YAML into a course and an e-book."""

__version__ = "0.1.0"

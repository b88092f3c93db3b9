"""Lectern: turn a topic written in YAML into a course and an e-book."""

import gc

__version__ = "0.1.0"

# A Lectern command is a short run that makes many objects (imports, packets) and few
# reference cycles: collecting every 700 allocations, Python's default, cost 4% of a
# re-render (measured); cycles are still collected, less often.
gc.set_threshold(100_000, 50, 100)

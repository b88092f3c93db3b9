"""Lectern: turn a topic written in YAML into a course and an e-book."""

import gc
import signal
import sys

__version__ = "0.1.0"

# A Lectern command is a short run that makes many objects (imports, packets) and few
# reference cycles: collecting every 700 allocations, Python's default, cost 4% of a
# re-render (measured); cycles are still collected, less often.
gc.set_threshold(100_000, 50, 100)

if sys.argv[:1] == ["-m"]:  # `python -m pipeline` (the Makefile's way in) is loading us:
    # Ctrl-C before the CLI is ready has nothing to stop or save; leave without a traceback.
    # The CLI puts back the usual KeyboardInterrupt once it runs.
    signal.signal(signal.SIGINT, lambda *_: sys.exit(130))

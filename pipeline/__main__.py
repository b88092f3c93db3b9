"""`python -m pipeline <stage>` is how the Makefile calls every stage."""

import sys

try:
    from pipeline.cli import main
except KeyboardInterrupt:  # Ctrl-C while Python is still importing: nothing was done yet
    sys.exit(130)

if __name__ == "__main__":
    main()

"""`python -m pipeline <stage>` is how the Makefile calls every stage."""

from pipeline.cli import main

if __name__ == "__main__":
    main()

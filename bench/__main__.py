"""`python -m bench [NAME...]`: run the benchmarks (all, or those named) and print their lines."""

import sys

from bench import course, render, stills

BENCHES = {"render": render.main, "stills": stills.main, "course": course.main}

if __name__ == "__main__":
    for name in sys.argv[1:] or BENCHES:
        BENCHES[name]()

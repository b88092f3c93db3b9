"""`python -m bench`: run every benchmark and print its lines."""

from bench import render, stills

if __name__ == "__main__":
    render.main()
    stills.main()

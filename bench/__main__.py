"""`python -m bench`: run every benchmark and print its lines."""

from bench import render

if __name__ == "__main__":
    render.main()

"""Code that runs: every code example of a course is run in a sandbox and checked.

`blocks` finds the fenced code in lectures and slide scripts (with the output each
claims), `sandbox` runs a session of blocks inside bubblewrap through a runner
(`pyrunner.py` for Python, SQL and shell, `noderunner.js` for JavaScript), `compare`
sets what ran against what the text says, and `check` puts it together per lecture,
cached by the blocks' content, as a report. docs/formats.md has the conventions.
"""

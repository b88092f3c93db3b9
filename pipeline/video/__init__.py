"""Video rendering internals: the timeline, still segments, audio chunks, pictures, probing.

The video stage (pipeline/stages/video.py) puts these together; the conformance check
(pipeline/checks/video.py) reads a finished MP4 back with the same timeline rules.
"""

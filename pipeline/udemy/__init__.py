"""The Udemy bundle's parts: file layout, practice-test CSV, landing page, image, probes."""

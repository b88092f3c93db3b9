"""A course's theme: what it is (model), where it comes from (load, pptx), its fonts."""

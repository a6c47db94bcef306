"""Sphinx extension: number equations, figures and tables per chapter, as books do.

Sphinx numbers them across the whole book when the table of contents is not numbered
(chapter 2 started at (16)). After Sphinx has assigned its numbers, this renumbers them
per page, in the same order: in ``book/NN_slug.ipynb`` the k-th equation becomes (NN.k),
so equation 3 of ``book/02_backprop.ipynb`` is (2.3) wherever it is shown or referenced;
other pages (the introduction, the notation, the API reference) count from (1).
Both the equation labels and ``{eq}``/``{numref}`` references read these numbers.
"""
from __future__ import annotations

import re

from sphinx.application import Sphinx

CHAPTER = re.compile(r"^book/(\d\d)_[^/]+$")


def chapter_of(docname: str) -> int | None:
    match = CHAPTER.match(docname)
    return int(match.group(1)) if match else None


def renumber(app: Sphinx, env) -> list[str]:
    for docname, by_type in env.toc_fignumbers.items():
        chapter = chapter_of(docname)
        for numbers in by_type.values():
            for k, key in enumerate(sorted(numbers, key=numbers.get), start=1):
                numbers[key] = (chapter, k) if chapter is not None else (k,)
    return []


def setup(app: Sphinx):
    app.connect("env-get-updated", renumber, priority=900)  # after Sphinx's own numbering (priority 500)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""Show the package's own code in a chapter, so the book never keeps a second copy."""
from __future__ import annotations

import inspect
import textwrap
from pathlib import Path


class Source:
    """Source code that renders as a highlighted block in notebooks and on the website."""

    def __init__(self, code: str, where: str):
        self.code, self.where = code, where

    def _repr_markdown_(self) -> str:
        return f"`{self.where}`\n\n```python\n{self.code}\n```"

    def __repr__(self) -> str:
        return f"# {self.where}\n{self.code}"


def show_source(obj) -> Source:
    """The source of a function, class, method or module, with its file and line numbers.

    Decorated functions (``@torch.no_grad()``, ``functools.wraps``) show the function the reader
    wrote, not the decorator's wrapper.
    """
    obj = inspect.unwrap(obj)
    try:
        lines, start = inspect.getsourcelines(obj)
        path = Path(inspect.getsourcefile(obj))
    except (TypeError, OSError) as err:
        raise TypeError(f"cannot show the source of {obj!r}: {err}") from err
    package_root = Path(__file__).resolve().parent.parent
    try:
        shown = path.resolve().relative_to(package_root)
    except ValueError:
        shown = path.name
    start = max(start, 1)
    where = f"{shown.as_posix() if isinstance(shown, Path) else shown}, lines {start}–{start + len(lines) - 1}"
    return Source(textwrap.dedent("".join(lines)).rstrip(), where)

"""Sphinx extension: dlbook's API reference, written from the package itself at every build.

One page per chapter package (``dlbook/backprop/`` -> ``book/api/02_backprop.md``, numbered
like its notebook) and one for the infrastructure (``book/api/00_infrastructure.md``). The
pages are generated before Sphinx looks for sources, into ``book/api/`` (git-ignored there),
and ``_toc.yml`` takes them in with a glob, so a new chapter folder gets its page with no
hand edit. A chapter's public names (its ``__all__``) are documented where a reader imports
them, ``dlbook.backprop.Value``, grouped by the file (concept) that defines them; the
infrastructure is documented module by module, ``dlbook.train.fit``.

Roles may name an object by any import path that reaches it: ``{func}`dlbook.fit``` and
``:func:`fit``` (from inside a module that imports it) link to ``dlbook.train.fit``, where it
is documented. Names that reach no documented object stay unresolved, and the nitpicky
build reports them.
"""
from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import types
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import PycodeError
from sphinx.pycode import ModuleAnalyzer
from sphinx.util import logging

logger = logging.getLogger(__name__)

PACKAGE = "dlbook"
API_DIR = Path("book") / "api"  # relative to the book's root (the Sphinx source directory)
GENERATED = re.compile(r"^\d\d_[a-z0-9_]+\.md$")  # the pages this extension owns in API_DIR
# Infrastructure, in the order a reader meets it (dependencies first); a module missing
# here is appended at the end, so a new infrastructure module is never left out.
INFRASTRUCTURE_ORDER = ["config", "data", "batches", "history", "train", "callbacks", "check",
                        "probe", "plot", "widgets", "source"]
INFRASTRUCTURE_PACKAGES = {"data"}  # packages of the infrastructure; every other subpackage is a chapter


def package_root() -> Path:
    return Path(importlib.import_module(PACKAGE).__file__).parent


def chapter_packages() -> list[str]:
    """The chapter folders: every subpackage of dlbook except the infrastructure's (as tests/test_layout.py)."""
    return sorted(p.name for p in package_root().iterdir()
                  if (p / "__init__.py").exists() and p.name not in INFRASTRUCTURE_PACKAGES)


def chapter_number(slug: str, book: Path) -> str:
    """``NN`` of ``book/NN_slug.ipynb``; ``99`` while the chapter's notebook does not exist yet."""
    found = sorted(book.glob(f"[0-9][0-9]_{slug}.ipynb"))
    return found[0].name[:2] if found else "99"


def submodules(package: types.ModuleType) -> list[types.ModuleType]:
    """The package's public modules (and sub-packages), imported, in file-name order."""
    found = []
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        found.append(importlib.import_module(info.name))
    return found


def assigned_names(module: types.ModuleType) -> set[str]:
    """Names a module assigns at top level (where a constant such as ``LOSSES`` is defined)."""
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError):
        return set()
    names = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AnnAssign) else []
        for target in targets:
            names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


def defining_module(name: str, obj, modules: list[types.ModuleType]) -> types.ModuleType | None:
    owner = getattr(obj, "__module__", None)
    for module in modules:
        if owner == module.__name__:
            return module
    for module in modules:  # data: the module that assigns the name
        if name in assigned_names(module) and getattr(module, name, None) is obj:
            return module
    return None


def attribute_doc(module: types.ModuleType | None, name: str) -> list[str]:
    """The ``#:`` comment or string that documents a module constant where it is assigned."""
    if module is None:
        return []
    try:
        docs = ModuleAnalyzer.for_module(module.__name__).find_attr_docs()
    except PycodeError:
        return []
    return [line for line in docs.get(("", name), []) if line is not None]


def directive(fullname: str, obj, module: types.ModuleType | None = None) -> str:
    if inspect.isclass(obj):
        bases = "   :show-inheritance:\n" if obj.__bases__ != (object,) else ""
        return f".. autoclass:: {fullname}\n   :members:\n   :undoc-members:\n" + bases
    if callable(obj):
        return f".. autofunction:: {fullname}\n"
    # a constant: its own documentation, not the docstring of its type (dict, tuple)
    doc = attribute_doc(module, fullname.rsplit(".", 1)[1])
    return f".. py:data:: {fullname}\n\n" + "".join(f"   {line}\n" for line in doc)


def rst_block(lines: list[str]) -> str:
    return "```{eval-rst}\n" + "\n".join(lines).rstrip() + "\n```\n"


def package_sections(package: types.ModuleType, heading: str) -> list[str]:
    """A package's public names, documented as ``package.name``, one section per defining file."""
    public = getattr(package, "__all__", None) or [n for n in vars(package) if not n.startswith("_")]
    modules = submodules(package)
    by_module: dict[str, list[str]] = {m.__name__: [] for m in modules}
    exported_modules, homeless = set(), []
    for name in public:
        obj = getattr(package, name)
        if isinstance(obj, types.ModuleType):
            exported_modules.add(obj.__name__)
            continue
        module = defining_module(name, obj, modules)
        if module is None:
            homeless.append(name)
        else:
            by_module[module.__name__].append(name)
    parts = []
    for module in modules:
        lines = [f".. automodule:: {module.__name__}"]
        if module.__name__ in exported_modules:  # a module the package exports whole (numpy_nn)
            lines += ["   :members:", "   :undoc-members:", "   :show-inheritance:"]
        short_name = module.__name__.rsplit(".", 1)[1]
        if short_name in public and not isinstance(getattr(package, short_name), types.ModuleType):
            lines.append("   :no-index:")  # rms_norm.py defines rms_norm: the name is the function's
        lines.append("")
        for name in by_module[module.__name__]:
            lines.append(directive(f"{package.__name__}.{name}", getattr(package, name), module))
        short = module.__name__.removeprefix(package.__name__ + ".").replace(".", "/")
        short += "/" if hasattr(module, "__path__") else ".py"  # the file that holds the concept
        parts.append(f"{heading} `{short}`\n\n" + rst_block(lines))
    if homeless:  # re-exported from elsewhere (another chapter's public name): documented here
        lines = [".. currentmodule:: " + package.__name__, ""]
        lines += [directive(f"{package.__name__}.{n}", getattr(package, n)) for n in homeless]
        parts.append(f"{heading} Re-exported\n\n" + rst_block(lines))
    return parts


def chapter_page(slug: str, number: str) -> str:
    package = importlib.import_module(f"{PACKAGE}.{slug}")
    notebook = f"../{number}_{slug}.ipynb"
    head = (f"# Chapter {int(number)}: `{package.__name__}`\n\n" if number != "99"
            else f"# `{package.__name__}`\n\n")
    link = (f"The code of [chapter {int(number)}]({notebook}), one file per concept; every name below is "
            f"importable as `{package.__name__}.<name>`.\n\n") if number != "99" else ""
    intro = rst_block([f".. automodule:: {package.__name__}", ""])
    return head + intro + "\n" + link + "\n".join(package_sections(package, "##"))


def infrastructure_page() -> str:
    root = importlib.import_module(PACKAGE)
    names = [info.name for info in pkgutil.iter_modules(root.__path__)
             if not info.name.startswith("_") and (info.name in INFRASTRUCTURE_PACKAGES or not info.ispkg)]
    order = [n for n in INFRASTRUCTURE_ORDER if n in names] + sorted(set(names) - set(INFRASTRUCTURE_ORDER))
    exported = ", ".join(f"`{n}`" for n in root.__all__)
    parts = ["# Infrastructure: `dlbook`\n\n",
             rst_block([f".. automodule:: {PACKAGE}", ""]),
             f"\nThe shared code every chapter uses ([chapter 0](../00_toolkit.ipynb) is about it). "
             f"`import dlbook` gives {exported}; each is documented below in the module that defines it "
             f"(`dlbook.fit` is `dlbook.train.fit`).\n\n"]
    for name in order:
        module = importlib.import_module(f"{PACKAGE}.{name}")
        if name in INFRASTRUCTURE_PACKAGES:
            parts.append(f"## `dlbook.{name}`\n\n" + rst_block([f".. automodule:: {module.__name__}", ""]))
            parts += package_sections(module, "###")
        else:
            parts.append(f"## `dlbook.{name}`\n\n" + rst_block(
                [f".. automodule:: {module.__name__}", "   :members:", "   :show-inheritance:", ""]))
    return "\n".join(parts)


def pages(book: Path) -> dict[str, str]:
    """File name -> content of every generated page."""
    out = {"00_infrastructure.md": infrastructure_page()}
    for slug in chapter_packages():
        number = chapter_number(slug, book)
        out[f"{number}_{slug}.md"] = chapter_page(slug, number)
    return out


def write_pages(app: Sphinx, config) -> None:
    target = Path(app.srcdir) / API_DIR
    target.mkdir(parents=True, exist_ok=True)
    wanted = pages(Path(app.srcdir) / "book")
    for stale in target.iterdir():
        if GENERATED.match(stale.name) and stale.name not in wanted:
            stale.unlink()
    header = "<!-- Generated by book/_ext/dlbook_api.py at every build; do not edit. -->\n"
    for name, text in wanted.items():
        path, text = target / name, header + text
        if not path.exists() or path.read_text() != text:  # unchanged pages keep their time stamp
            path.write_text(text)


# -- roles that name an object by any path that imports it ----------------------------------------------

def resolve_python(dotted: str):
    """The object ``dotted`` names, importing the longest module prefix; None if there is none."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def identity(obj):
    obj = getattr(obj, "__func__", obj)  # classmethods and bound methods: their function
    if isinstance(obj, (bool, int, float, complex, str, bytes, type(None))):
        return None  # values, not objects: equal numbers are not the same thing
    return id(obj)


def documented(app: Sphinx, env) -> dict[int, str]:
    """id(object) -> the name under which the API reference documents it (kept on the application, not
    in the pickled environment: ids mean nothing in another process)."""
    cache = getattr(app, "_dlbook_documented", None)
    objects = env.get_domain("py").objects
    if cache is None or cache[0] != len(objects):
        index = {}
        for name in sorted(objects, key=len, reverse=True):  # the shortest name wins
            if name.split(".")[0] == PACKAGE and not objects[name].aliased:
                key = identity(resolve_python(name))
                if key is not None:
                    index[key] = name
        cache = (len(objects), index)
        app._dlbook_documented = cache
    return cache[1]


def resolve_alias(app: Sphinx, env, node, contnode):
    if node.get("refdomain") != "py":
        return None
    target = node["reftarget"]
    context = node.get("py:module") or ""
    candidates = []
    if context.split(".")[0] == PACKAGE:
        parts = context.split(".")
        candidates += [".".join(parts[:i] + [target]) for i in range(len(parts), 0, -1)]
        if node.get("py:class"):
            candidates.insert(0, f"{context}.{node['py:class']}.{target}")
    if target.split(".")[0] == PACKAGE:
        candidates.append(target)
    index = None
    for candidate in candidates:
        key = identity(resolve_python(candidate))
        if key is None:
            continue
        index = documented(app, env) if index is None else index
        if key in index:
            return resolve_as(app, env, node, contnode, index[key])
    if "." not in target and context.split(".")[0] == PACKAGE:
        # a method or attribute named alone (:meth:`lr_at`) in its own chapter: the one that chapter documents
        scope = ".".join(context.split(".")[:2]) + "."
        found = [name for name in env.get_domain("py").objects
                 if name.startswith(scope) and name.endswith("." + target)]
        if len(found) > 1:  # a method its subclasses override: the base class's
            owners = {name: resolve_python(name.rsplit(".", 1)[0]) for name in found}
            if all(inspect.isclass(c) for c in owners.values()):
                found = [name for name, c in owners.items() if all(issubclass(o, c) for o in owners.values())]
        if len(found) == 1:
            return resolve_as(app, env, node, contnode, found[0])
    return None


def resolve_as(app: Sphinx, env, node, contnode, name: str):
    plain = node.deepcopy()
    plain["refspecific"] = False
    return env.get_domain("py").resolve_xref(env, node["refdoc"], app.builder, node["reftype"], name,
                                             plain, contnode)


def setup(app: Sphinx):
    app.connect("config-inited", write_pages, priority=400)  # before sphinx-external-toc reads the globs (900)
    app.connect("missing-reference", resolve_alias)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

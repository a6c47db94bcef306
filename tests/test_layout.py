"""The shape of the package: one folder per chapter, a one-way infrastructure, and a wheel that holds it all.

book/NN_slug.ipynb ↔ dlbook/slug/ ↔ tests/slug/ for every chapter; no module imports
another in a circle (at the top or inside a function); a built wheel contains every
chapter folder and imports without the source tree.
"""
import ast
import importlib
import pkgutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import dlbook

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "dlbook"
CHAPTERS = sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
INFRASTRUCTURE_CHAPTER = "toolkit"  # chapter 0 is about the infrastructure itself: no folder of its own


def slug(notebook: Path) -> str:
    return notebook.stem.split("_", 1)[1]


def chapter_folders() -> list[str]:
    return sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists() and p.name != "data")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every dlbook module that ``path`` imports, anywhere in the file (call-time imports included)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("dlbook")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = ".".join(base[: len(base) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            if not target.startswith("dlbook"):
                continue
            for alias in node.names:  # `from . import data` imports the module dlbook.data
                sub = f"{target}.{alias.name}"
                found.add(sub if (ROOT / Path(*sub.split("."))).with_suffix(".py").exists()
                          or (ROOT / Path(*sub.split(".")) / "__init__.py").exists() else target)
    return found - {name}


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        edges = set()
        for target in imported_modules(path):
            edges.add(target)
            parts = target.split(".")  # importing a.b.c runs a/__init__ and a/b/__init__ first
            edges |= {".".join(parts[:i]) for i in range(2, len(parts))}
        graph[name] = {t for t in edges if t in modules and t != name}
    return graph


def find_cycle(graph: dict[str, set[str]], ignore_parents: bool = True) -> list[str] | None:
    """A list of modules that import each other in a circle, or None. A package importing its own
    submodules (``__init__`` re-exports) is the normal direction, not a circle."""
    def edges(node):
        return [t for t in graph[node] if not (ignore_parents and node.startswith(t + "."))]

    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for target in edges(node):
            if state.get(target) == "open":
                return stack[stack.index(target):] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_module_imports_another_in_a_circle():
    graph = import_graph()
    assert graph["dlbook.train"] >= {"dlbook.config", "dlbook.history", "dlbook.batches"}  # the reader sees edges
    assert find_cycle(graph) is None, f"import circle: {' → '.join(find_cycle(graph))}"


def test_the_circle_finder_finds_circles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_infrastructure_never_imports_a_chapter():
    infrastructure = {module_name(p) for p in PACKAGE.glob("*.py")} | {module_name(p) for p in (PACKAGE / "data").rglob("*.py")}
    chapters = {f"dlbook.{c}" for c in chapter_folders()}
    for name, targets in import_graph().items():
        if name in infrastructure and name != "dlbook":
            used = {t for t in targets if any(t == c or t.startswith(c + ".") for c in chapters)}
            assert not used, f"{name} (infrastructure) imports chapter code {sorted(used)}"


def test_chapters_use_other_chapters_only_through_public_names():
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level >= 2 and node.module:
                target = node.module.split(".")[0]
                if target in chapter_folders():
                    assert "." not in node.module, f"{path}: import other chapters from their package, not {node.module}"
                    assert not any(a.name.startswith("_") for a in node.names), f"{path}: private name from {target}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_each_chapter_has_its_folder_and_its_tests(path):
    if slug(path) == INFRASTRUCTURE_CHAPTER:
        return
    folder, tests = PACKAGE / slug(path), ROOT / "tests" / slug(path)
    assert (folder / "__init__.py").exists(), f"{path.name} has no package folder dlbook/{slug(path)}/"
    assert list(tests.glob("test_*.py")), f"{path.name} has no tests in tests/{slug(path)}/"
    untested = [m.name for m in folder.glob("*.py")
                if m.name != "__init__.py" and not (tests / f"test_{m.stem}.py").exists()]
    assert not untested, f"no tests/{slug(path)}/test_<module>.py for {sorted(untested)}"


def test_each_chapter_folder_belongs_to_a_chapter():
    slugs = {slug(p) for p in CHAPTERS}
    for folder in chapter_folders():
        assert folder in slugs, f"dlbook/{folder}/ has no notebook book/NN_{folder}.ipynb"


@pytest.mark.parametrize("folder", chapter_folders())
def test_a_chapter_init_only_re_exports(folder):
    tree = ast.parse((PACKAGE / folder / "__init__.py").read_text())
    for node in tree.body:
        assert isinstance(node, (ast.Import, ast.ImportFrom, ast.Expr, ast.Assign)), \
            f"dlbook/{folder}/__init__.py defines code ({type(node).__name__}); it should only re-export"
        if isinstance(node, ast.Assign):
            assert [t.id for t in node.targets] == ["__all__"]
    module = importlib.import_module(f"dlbook.{folder}")
    assert len(module.__all__) == len(set(module.__all__)), "a name is listed twice in __all__"
    assert all(hasattr(module, name) for name in module.__all__)


def test_no_name_is_both_a_function_and_a_module():
    for info in pkgutil.walk_packages(dlbook.__path__, "dlbook."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            child = f"{info.name}.{name}"
            if child in sys.modules and not isinstance(value, type(module)):
                pytest.fail(f"{child} is both a module and a {type(value).__name__}")


def test_every_module_is_small():
    for path in PACKAGE.rglob("*.py"):
        lines = len(path.read_text().splitlines())
        assert lines <= 330, f"{path.relative_to(ROOT)} has {lines} lines; split it by concept"


def test_top_level_all_lists_each_name_once():
    assert len(dlbook.__all__) == len(set(dlbook.__all__))
    assert all(hasattr(dlbook, name) for name in dlbook.__all__)


def test_the_wheel_holds_every_chapter_and_imports_without_the_source_tree(tmp_path):
    """What `pip install git+…` builds in Colab: a non-editable install must not drop a folder."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path / "dist"), str(ROOT)], check=True, cwd=tmp_path)
    (wheel,) = (tmp_path / "dist").glob("dlbook-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in chapter_folders() + ["data"]:
        for module in (PACKAGE / folder).glob("*.py"):
            assert f"dlbook/{folder}/{module.name}" in names, f"the wheel lacks dlbook/{folder}/{module.name}"
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, cwd=tmp_path)
    code = ("import importlib, pkgutil, dlbook; "
            f"assert dlbook.__file__.startswith({str(site)!r}), dlbook.__file__; "
            "[importlib.import_module(m.name) for m in pkgutil.walk_packages(dlbook.__path__, 'dlbook.')]")
    subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r}); {code}"],
                   check=True, cwd=tmp_path)

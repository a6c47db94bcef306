"""The book's structure: every chapter follows the pattern, so readers and CI can rely on it."""
import ast
import importlib
import pkgutil
import re
from pathlib import Path

import nbformat
import pytest
import yaml

import dlbook

ROOT = Path(__file__).resolve().parent.parent
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
CHAPTERS = sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))


def toc_files():
    return [entry["file"] for part in TOC["parts"] for entry in part["chapters"]]


def notebook(path):
    return nbformat.read(path, as_version=4)


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_every_chapter_is_in_the_table_of_contents_and_back():
    listed = {f for f in toc_files() if f.startswith("book/") and (ROOT / f"{f}.ipynb").exists()}
    assert listed == {f"book/{p.stem}" for p in CHAPTERS}
    for f in toc_files():
        assert (ROOT / f"{f}.ipynb").exists() or (ROOT / f"{f}.md").exists(), f"{f} is in _toc.yml but missing"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_follows_the_pattern(path):
    nb = notebook(path)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), "a chapter opens with its title"
    cells = code_cells(nb)
    url = CONFIG["repository"]["url"]
    setup = cells[0].source
    assert '"google.colab" in sys.modules' in setup, "the first code cell installs dlbook in Colab"
    assert f"git+{url}" in setup, f"the Colab setup installs from the configured repository {url}"
    assert "dlbook.start_chapter(" in cells[1].source, "the second code cell starts the chapter"
    assert "SIZES" in cells[1].source and '"quick"' in cells[1].source and '"full"' in cells[1].source
    assert cells[-1].source.strip() == "run.provenance()", "a chapter ends with its provenance line"
    source = "\n".join(c.source for c in cells)
    assert "check." in source, "a chapter verifies its derivations with dlbook.check"
    assert "explore(" in source, "a chapter has an experiment widget"
    assert re.search(r"\{cite(:[a-z]+)?\}", "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")), \
        "a chapter cites its sources"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_is_stored_with_clean_outputs(path):
    nb = notebook(path)
    assert "widgets" not in nb.metadata, "no ipywidgets state: the website must not need a kernel"
    for cell in code_cells(nb):
        if not cell.source.strip():
            continue
        assert cell.execution_count is not None, f"cell not executed: {cell.source[:60]!r}"
        for out in cell.outputs:
            assert out.output_type != "error", f"stored error in {cell.source[:60]!r}"
            assert "application/vnd.jupyter.widget-view+json" not in out.get("data", {})
            if out.output_type == "stream":
                assert "\r" not in out.text and "it/s" not in out.text, "no progress bars in stored outputs"
        images = [out.data["image/png"] for out in cell.outputs if "image/png" in out.get("data", {})]
        assert len(images) == len(set(images)), f"a figure is stored twice in {cell.source[:60]!r}"
    assert "wall time" in "".join(o.get("text", "") for o in code_cells(nb)[-1].outputs)


def package_names():
    names = set()
    for info in pkgutil.walk_packages(dlbook.__path__, "dlbook."):
        module = importlib.import_module(info.name)
        names |= {n for n, v in vars(module).items()
                  if getattr(v, "__module__", None) == module.__name__ and not n.startswith("_")}
    return names


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_notebooks_do_not_redefine_package_code(path):
    defined = package_names()
    for cell in code_cells(notebook(path)):
        source = re.sub(r"^(\s*)[%!].*$", r"\1pass", cell.source, flags=re.M)  # IPython magics are not Python
        for node in ast.parse(source).body:  # top-level definitions; a Module's forward is not a copy
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                assert node.name not in defined, f"{path.name} redefines dlbook's {node.name}; use show_source"

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


def test_notation_page_is_in_the_table_of_contents():
    assert "book/notation" in toc_files()


# -- one repository URL ---------------------------------------------------------------------------------

GITHUB = re.compile(r"(?:git\+)?https://github\.com/[\w.-]+/[\w.-]+?(?=\.git\b|[/\s`'\")\]]|$)")


def test_the_repository_url_is_one_setting():
    """_config.yml's repository.url is the only repository: the README, the introduction and every
    chapter's Colab cell name the same one, so a fork changes it in one place (and these follow)."""
    url = CONFIG["repository"]["url"].rstrip("/")
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url), url
    assert CONFIG["html"]["use_repository_button"] and "colab_url" in CONFIG["launch_buttons"]
    texts = {"README.md": (ROOT / "README.md").read_text(), "pyproject.toml": (ROOT / "pyproject.toml").read_text()}
    texts |= {str(p.relative_to(ROOT)): p.read_text() for p in (ROOT / "book").glob("*.md")}
    texts |= {p.name: "\n".join(c.source for c in code_cells(notebook(p))) for p in CHAPTERS}
    for name, text in texts.items():
        for found in GITHUB.findall(text):
            assert found.removeprefix("git+") == url, f"{name} names {found}, but _config.yml's repository is {url}"
    assert f"git+{url}" in texts["README.md"], "the README's Colab line installs from the configured repository"


# -- the API reference ----------------------------------------------------------------------------------

def test_every_package_has_its_api_page():
    """book/_ext/dlbook_api.py writes one page per chapter package (and the infrastructure), numbered
    like the chapter's notebook; _toc.yml takes them in with a glob."""
    import sys

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    try:
        import dlbook_api
    finally:
        sys.path.remove(str(ROOT / "book" / "_ext"))
    pages = dlbook_api.pages(ROOT / "book")
    folders = sorted(p.name for p in (ROOT / "dlbook").iterdir() if (p / "__init__.py").exists() and p.name != "data")
    for folder in folders:
        number = dlbook_api.chapter_number(folder, ROOT / "book")
        page = pages[f"{number}_{folder}.md"]
        for name in importlib.import_module(f"dlbook.{folder}").__all__:
            assert f"dlbook.{folder}.{name}" in page or f":: dlbook.{folder}.{name}" in page, \
                f"dlbook.{folder}.{name} is not in its API page"
    infrastructure = pages["00_infrastructure.md"]
    for module in ["config", "train", "callbacks", "check", "widgets", "source", "data"]:
        assert f".. automodule:: dlbook.{module}" in infrastructure
    api = next(e for part in TOC["parts"] for e in part["chapters"] if e["file"] == "book/api/index")
    assert {"glob": "book/api/[0-9]*"} in api["sections"]
    assert "sphinx.ext.autodoc" in CONFIG["sphinx"]["extra_extensions"]
    assert CONFIG["sphinx"]["config"]["nitpicky"], "every {func}/{class} role must resolve"


# -- the exercises' solutions run -----------------------------------------------------------------------

SOLUTION = re.compile(r"^(?P<fence>:{3,})\{admonition\}[ \t]*(?P<title>Solution[^\n]*)\n(?P<body>.*?)^(?P=fence)[ \t]*$",
                      re.M | re.S)
PYTHON = re.compile(r"^(?P<fence>`{3,}|~{3,})[ \t]*(?:python|py|python3|\{code-block\}[ \t]*python)[ \t]*\n"
                    r"(?P<code>.*?)^(?P=fence)[ \t]*$", re.M | re.S)


def solutions(nb):
    """(label, code) for each ```python block inside a chapter's ``:::{admonition} Solution`` blocks."""
    found, count = [], 0
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for solution in SOLUTION.finditer(cell.source):
            count += 1
            blocks = [m.group("code") for m in PYTHON.finditer(solution.group("body"))]
            for k, code in enumerate(blocks, 1):
                label = f"solution {count} ({solution.group('title').strip()})"
                found.append((label + (f", block {k}" if len(blocks) > 1 else ""), code))
    return found


RUN_SOLUTIONS = r'''
import json, sys, traceback
import torch
torch.set_num_threads(1)
import matplotlib.pyplot as plt
failures = []
for label, code in json.load(sys.stdin):
    try:
        exec(compile(code, "<" + label + ">", "exec"), {"__name__": "__main__"})
    except BaseException as error:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == "<" + label + ">"]
        where = ""
        if frames:
            line = frames[-1].lineno
            where = f" at line {line}: {code.splitlines()[line - 1].strip()}"
        failures.append(f"{label}{where}: {type(error).__name__}: {error}".splitlines()[0][:300])
    plt.close("all")
print(json.dumps(failures))
'''


def test_solutions_are_found():
    sample = "x\n::::{admonition} Solution to 2\n:class: dropdown\ntext\n```python\na = 1\n```\n\n```python\nb = 2\n```\n::::\n"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(sample)])
    assert solutions(nb) == [("solution 1 (Solution to 2), block 1", "a = 1\n"),
                             ("solution 1 (Solution to 2), block 2", "b = 2\n")]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_solution_runs(path, tmp_path):
    """The code of every folded solution runs as it is printed: in a fresh interpreter, each block in a fresh
    namespace (a solution imports and makes what it uses), headless, in the quick profile, on one thread."""
    import json
    import os
    import subprocess
    import sys

    blocks = solutions(notebook(path))
    if not blocks:
        pytest.skip(f"{path.name} has no solution with code")
    env = os.environ | {"DLBOOK_HEADLESS": "1", "DLBOOK_PROFILE": "quick", "MPLBACKEND": "Agg",
                        "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}
    result = subprocess.run([sys.executable, "-c", RUN_SOLUTIONS], input=json.dumps(blocks), capture_output=True,
                            text=True, env=env, cwd=tmp_path, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    failures = json.loads(result.stdout.strip().splitlines()[-1])
    assert not failures, f"{path.name}: {len(failures)} of {len(blocks)} solution blocks fail:\n" + "\n".join(failures)

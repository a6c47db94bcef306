"""The website: it builds with warnings as errors and every reference resolved (nitpicky), it needs no
network (MathJax ships with it), and its experiments and equations work in a real browser with no kernel.

The browser part drives Debian's chromium through Playwright; it is skipped where
chromium is not installed, except under CI (CI=true), where that is a failure.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHAPTERS = sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run([str(jupyter_book), "build", str(ROOT), "--path-output", str(out),
                             "--warningiserror", "--keep-going", "-n"], capture_output=True, text=True, timeout=900)
    warnings = [line for line in (result.stdout + result.stderr).splitlines() if "WARNING" in line or "ERROR" in line]
    assert result.returncode == 0, "the website build failed:\n" + "\n".join(warnings or [result.stderr[-3000:]])
    return out / "_build" / "html"


def test_every_chapter_page_is_built_with_its_figures(site):
    import nbformat

    for path in sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb")):
        page = (site / "book" / f"{path.stem}.html").read_text()
        nb = nbformat.read(path, as_version=4)
        figures = sum(1 for c in nb.cells if c.cell_type == "code" for o in c.outputs
                      if "image/png" in o.get("data", {}))
        assert page.count("data:image/png;base64,") + page.count('<img alt=') >= figures, path.name
        assert "widget-view" not in page and "require.js" not in page and "html-manager" not in page


def test_pages_load_nothing_from_the_internet(site):
    for page in site.rglob("*.html"):
        html = page.read_text()
        for tag in re.findall(r"<(?:script|img|iframe|source|link)\b[^>]*>", html):
            if tag.startswith("<link") and not re.search(r'rel="(stylesheet|preload|modulepreload|icon)"', tag):
                continue
            assert not re.search(r'(src|href)="(https?:)?//', tag), f"{page.relative_to(site)} loads {tag}"
    for sheet in site.joinpath("_static").rglob("*.css"):
        assert not re.search(r"(url\(|@import)\s*['\"]?(https?:)?//", sheet.read_text()), f"{sheet.name} loads from the web"
    assert (site / "_static" / "mathjax" / "tex-chtml.js").exists(), "MathJax ships with the site"


def test_equations_are_numbered_per_chapter(site):
    for path in CHAPTERS:
        html = (site / "book" / f"{path.stem}.html").read_text()
        numbers = re.findall(r'<span class="eqno">\((\d+)\.(\d+)\)', html)
        if not numbers:
            continue
        chapter = int(path.stem[:2])
        assert {int(c) for c, _ in numbers} == {chapter}, f"{path.name}: equations numbered {numbers[:3]}..."
        assert [int(k) for _, k in numbers] == list(range(1, len(numbers) + 1)), f"{path.name} does not count from 1"


def test_launch_buttons_use_the_configured_repository(site):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]["url"].removeprefix("https://github.com/").rstrip("/")
    branch = config["repository"]["branch"]
    for path in CHAPTERS:
        html = (site / "book" / f"{path.stem}.html").read_text()
        assert f"https://colab.research.google.com/github/{repo}/blob/{branch}/book/{path.name}" in html, path.name
        assert f'href="https://github.com/{repo}"' in html


def test_chapter_roles_link_into_the_api_reference(site):
    html = (site / "book" / "00_toolkit.html").read_text()
    assert 'href="api/00_infrastructure.html#dlbook.train.fit"' in html
    for page in ["index", "00_infrastructure"] + [p.stem for p in CHAPTERS if (ROOT / "dlbook" / p.stem[3:]).is_dir()]:
        assert (site / "book" / "api" / f"{page}.html").exists(), f"no API page {page}"


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed, and CI must run the browser test (.ci/run installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


def open_offline(context, url, requested=None):
    page = context.new_page()

    def block(route):  # no internet, as promised
        if requested is not None:
            requested.append(route.request.url)
        route.abort()

    page.route(re.compile(r"^(https?|wss?)://"), block)
    page.goto(url, wait_until="load")
    return page


@pytest.mark.parametrize("name", [f"book/{p.stem}.html" for p in CHAPTERS] + ["book/notation.html"])
def test_equations_render_without_internet(site, browser, name):
    context = browser.new_context()
    requested = []
    page = open_offline(context, (site / name).as_uri(), requested)
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    assert page.locator(".math").count() > 0, f"{name} has no mathematics to render"
    try:
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30_000)
    except PlaywrightTimeout:
        pytest.fail(f"{name}: MathJax did not load without internet (requested {requested[:3]})")
    page.evaluate("() => MathJax.startup.promise")
    state = page.evaluate("""() => {
        const main = document.querySelector('main') || document.body;
        const text = [...main.querySelectorAll('p, li, td, th, dd, dt, h1, h2, h3, h4, .math')]
            .map(e => e.innerText).join('\\n');
        return {
            typeset: document.querySelectorAll('mjx-container').length,
            unrendered: [...document.querySelectorAll('.math')].filter(e => !e.querySelector('mjx-container')).length,
            errors: [...document.querySelectorAll('mjx-merror')].map(e => e.getAttribute('data-mjx-error')),
            raw: (text.match(/\\\\[(\\[]|\\$\\$/g) || []).length,
            fonts: [...document.fonts].filter(f => f.family.startsWith('MJX') && f.status === 'loaded').length,
        };
    }""")
    assert state["typeset"] > 0 and state["unrendered"] == 0, f"{name}: {state['unrendered']} equations left as TeX"
    assert state["raw"] == 0, rf"{name}: raw \( \[ or $$ in the visible text"
    assert not state["errors"], f"{name}: TeX errors {state['errors'][:5]}"
    assert state["fonts"] > 0, f"{name}: MathJax's fonts did not load"
    assert not requested, f"{name} asked the internet for {requested[:5]}"
    context.close()


def test_widget_switches_frames_in_a_browser_without_kernel(site, browser):
    context = browser.new_context()
    page = open_offline(context, (site / "book" / "00_toolkit.html").as_uri())
    explorer = page.locator(".dlbook-explore").first
    controls = explorer.locator("form.dlx-controls")
    assert controls.is_visible()
    image = explorer.locator("img.dlx-frame")
    first = image.get_attribute("src")
    assert first.startswith("data:image/png;base64,")
    slider = controls.locator('input[type="range"]').first
    slider.focus()
    page.keyboard.press("ArrowRight")
    second = image.get_attribute("src")
    assert second != first and second.startswith("data:image/png;base64,")
    assert controls.locator("output").first.text_content() == "64"
    page.keyboard.press("ArrowLeft")
    assert image.get_attribute("src") == first
    context.close()


def test_default_figure_shows_with_javascript_off(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = open_offline(context, (site / "book" / "00_toolkit.html").as_uri())
    explorer = page.locator(".dlbook-explore").first
    image = explorer.locator("img.dlx-frame")
    assert image.is_visible()
    assert image.evaluate("img => img.naturalWidth") > 100
    assert not explorer.locator("form.dlx-controls").is_visible()
    context.close()

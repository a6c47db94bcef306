"""The website: it builds with warnings as errors, and its experiments work in a real browser with no kernel.

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

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run([str(jupyter_book), "build", str(ROOT), "--path-output", str(out),
                             "--warningiserror", "--keep-going"], capture_output=True, text=True, timeout=900)
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


def test_pages_load_no_script_from_the_internet_but_mathjax(site):
    for page in site.rglob("*.html"):
        for src in re.findall(r'<script[^>]+src="(https?:[^"]+)"', page.read_text()):
            assert "mathjax" in src.lower(), f"{page.name} loads {src}"


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


def open_offline(context, url):
    page = context.new_page()
    page.route(re.compile(r"^https?://"), lambda route: route.abort())  # no internet, as promised
    page.goto(url, wait_until="load")
    return page


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

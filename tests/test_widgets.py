import base64
import re

import matplotlib.pyplot as plt
import pytest

import dlbook
from dlbook import widgets
from dlbook.widgets import choice, explore

CALLS = []


def make_fig(width=2, shape="line"):
    CALLS.append((width, shape))
    fig, ax = dlbook.plot.subplots(height=2)
    ax.plot([0, width], [0, 1] if shape == "line" else [1, 1])
    ax.set_title(f"{shape} {width}")
    return fig


def experiment():
    return explore(make_fig, title="demo", width=choice([1, 2, 4], default=2, label="width"), shape=["line", "flat"])


def test_grid_and_defaults():
    ex = experiment()
    assert ex.defaults == {"width": 2, "shape": "line"}
    assert len(ex.grid()) == 6 and ex.grid()[0] == {"width": 1, "shape": "line"}


def test_frames_are_rendered_once_and_cached():
    CALLS.clear()
    ex = experiment()
    frames = ex.frames()
    assert len(frames) == 6 and all(png.startswith(b"\x89PNG") for png in frames.values())
    ex.render(width=4, shape="flat")
    ex.frames()
    assert len(CALLS) == 6
    assert frames["1,0"] == ex.render()  # the default frame
    assert len(set(frames.values())) == 6


def test_static_html_is_self_contained():
    ex = experiment()
    page = ex.html()
    assert "<script src" not in page and "require" not in page and "http" not in page
    default = re.search(r'<img class="dlx-frame"[^>]*src="data:image/png;base64,([^"]+)"', page).group(1)
    assert base64.b64decode(default) == ex.render()
    assert page.count('type="range"') == 1 and page.count("<select") == 1


def test_float_values_are_shown_to_four_significant_digits():
    ex = explore(lambda scale: make_fig(width=scale), scale=choice([1 / 3, 1.0, 3.0], default=1 / 3))
    page = ex.html()
    assert "<output>0.3333</output>" in page and '"0.3333", "1", "3"' in page
    assert "0.3333333" not in page
    (slider,) = ex.widget().children[0].children
    assert slider.label == "0.3333" and slider.value == 1 / 3  # the label is shown, the value kept
    assert [label for label, _ in slider.options] == ["0.3333", "1", "3"]


def test_headless_bundle_has_no_widget_view(monkeypatch):
    monkeypatch.setenv("DLBOOK_HEADLESS", "1")
    bundle = experiment()._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}


def test_live_bundle_adds_the_ipywidgets_view(monkeypatch):
    monkeypatch.setenv("DLBOOK_HEADLESS", "0")
    bundle = experiment()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle and "text/html" in bundle


def test_live_widget_redraws_from_the_cache():
    ex = experiment()
    box = ex.widget()
    header, controls, image = box.children
    width, shape = controls.children
    assert image.value == ex.render()
    width.value = 4
    assert image.value == ex.render(width=4)
    shape.value = "flat"
    assert image.value == ex.render(width=4, shape="flat")


@pytest.mark.parametrize("call, error, message", [
    (lambda: explore(make_fig), ValueError, "at least one control"),
    (lambda: explore(make_fig, width=list(range(50))), ValueError, "50 combinations"),
    (lambda: explore(42, width=[1]), TypeError, "callable"),
    (lambda: choice([]), ValueError, "at least one value"),
    (lambda: choice([1, 2], default=3), ValueError, "not one of"),
    (lambda: choice([1, 1]), ValueError, "distinct"),
    (lambda: experiment().render(depth=3), ValueError, "unknown controls"),
    (lambda: experiment().render(width=3), ValueError, "not one of"),
    (lambda: explore(lambda width: None, width=[1]).render(), TypeError, "matplotlib Figure"),
])
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()
    plt.close("all")

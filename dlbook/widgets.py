"""Live experiments from a pure function ``make_fig(**params) -> Figure``.

One call, :func:`explore`, serves three places:

* in a live kernel (Jupyter, VS Code, Colab) ipywidgets controls switch the figure;
* on the static website the figures for every combination of control values
  are rendered when the notebook runs and a self-contained HTML control (no
  kernel, no CDN, no require.js) switches between them; with JavaScript off the
  default figure still shows as a plain image;
* in tests, :meth:`Explorer.render` and :meth:`Explorer.frames` call
  ``make_fig`` without a browser.

Every figure is rendered once and cached, so a redraw costs a dictionary look-up.
"""
from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
import math
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import matplotlib.figure
import matplotlib.pyplot as plt

from .config import headless


@dataclass(frozen=True)
class Choice:
    """A control: a finite list of ``values`` with a ``default`` and an optional display ``label``."""

    values: tuple
    default: Any
    label: str | None = None

    @property
    def numeric(self) -> bool:
        return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in self.values)

    @staticmethod
    def text(value: Any) -> str:
        """How a value is shown next to its control: floats to 4 significant digits (1/3 → "0.3333")."""
        return f"{value:.4g}" if isinstance(value, float) else str(value)


def choice(values: Sequence, default: Any = None, label: str | None = None) -> Choice:
    """A control over ``values``; ``default`` must be one of them (the first one if omitted)."""
    values = tuple(values)
    if not values:
        raise ValueError("a control needs at least one value")
    if len(set(map(repr, values))) != len(values):
        raise ValueError(f"control values must be distinct, got {values}")
    if default is None:
        default = values[0]
    if default not in values:
        raise ValueError(f"default {default!r} is not one of the values {values}")
    return Choice(values, default, label)


class Explorer:
    """The experiment built by :func:`explore`; displaying it shows the controls and the figure."""

    _count = itertools.count()

    def __init__(self, make_fig: Callable[..., matplotlib.figure.Figure], controls: dict[str, Choice],
                 title: str | None, dpi: int):
        self.make_fig, self.controls, self.title, self.dpi = make_fig, controls, title, dpi
        self._cache: dict[tuple, bytes] = {}
        self._id = f"dlx-{next(self._count)}-{hashlib.sha1(repr(sorted(controls)).encode()).hexdigest()[:6]}"

    @property
    def defaults(self) -> dict[str, Any]:
        return {name: c.default for name, c in self.controls.items()}

    def grid(self) -> list[dict[str, Any]]:
        """Every combination of control values, in row-major order."""
        names = list(self.controls)
        return [dict(zip(names, combo)) for combo in itertools.product(*(c.values for c in self.controls.values()))]

    def _key(self, params: dict[str, Any]) -> tuple:
        unknown = set(params) - set(self.controls)
        if unknown:
            raise ValueError(f"unknown controls {sorted(unknown)}; this experiment has {list(self.controls)}")
        full = {**self.defaults, **params}
        key = []
        for name, c in self.controls.items():
            if full[name] not in c.values:
                raise ValueError(f"{name}={full[name]!r} is not one of {c.values}")
            key.append(c.values.index(full[name]))
        return tuple(key)

    def render(self, **params) -> bytes:
        """PNG bytes of ``make_fig`` at ``params`` (defaults for the rest), rendered once then cached."""
        key = self._key(params)
        if key not in self._cache:
            values = {name: c.values[i] for (name, c), i in zip(self.controls.items(), key)}
            fig = self.make_fig(**values)
            if not isinstance(fig, matplotlib.figure.Figure):
                raise TypeError(f"make_fig must return a matplotlib Figure, got {type(fig).__name__} for {values}")
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=self.dpi)
            plt.close(fig)
            self._cache[key] = buffer.getvalue()
        return self._cache[key]

    def frames(self) -> dict[str, bytes]:
        """Every frame of the grid, keyed ``"i,j,..."`` by the index of each control's value."""
        return {",".join(map(str, self._key(p))): self.render(**p) for p in self.grid()}

    # ---------------------------------------------------------- the static website

    def _control_html(self, name: str, c: Choice) -> str:
        label = html.escape(c.label or name)
        index = c.values.index(c.default)
        if c.numeric:
            return (f'<label>{label} <input type="range" name="{html.escape(name)}" min="0" '
                    f'max="{len(c.values) - 1}" step="1" value="{index}"> '
                    f'<output>{html.escape(c.text(c.default))}</output></label>')
        options = "".join(f'<option value="{i}"{" selected" if i == index else ""}>{html.escape(c.text(v))}</option>'
                          for i, v in enumerate(c.values))
        return f'<label>{label} <select name="{html.escape(name)}">{options}</select></label>'

    def _describe(self, params: dict[str, Any]) -> str:
        return ", ".join(f"{c.label or name} = {c.text(params[name])}" for name, c in self.controls.items())

    def html(self) -> str:
        """A self-contained HTML experiment: every frame inlined, a few lines of plain JavaScript."""
        frames = {k: base64.b64encode(v).decode() for k, v in self.frames().items()}
        default_key = ",".join(map(str, self._key({})))
        labels = {name: [c.text(v) for v in c.values] for name, c in self.controls.items()}
        data = json.dumps({"names": list(self.controls), "labels": labels, "frames": frames}).replace("</", "<\\/")
        controls = "".join(self._control_html(n, c) for n, c in self.controls.items())
        title = f"<strong>{html.escape(self.title)}</strong> " if self.title else ""
        return f"""<div class="dlbook-explore" id="{self._id}">
<form class="dlx-controls" style="display:none;gap:0.4em 1.5em;flex-wrap:wrap;align-items:center;margin:0.3em 0">{title}{controls}</form>
<img class="dlx-frame" style="max-width:100%" alt="{html.escape(self.title or 'experiment')}: {html.escape(self._describe(self.defaults))}" src="data:image/png;base64,{frames[default_key]}">
<script type="application/json" class="dlx-data">{data}</script>
<script>(function () {{
  var root = document.getElementById("{self._id}");
  var data = JSON.parse(root.querySelector(".dlx-data").textContent);
  var form = root.querySelector(".dlx-controls"), img = root.querySelector(".dlx-frame");
  function update() {{
    var key = data.names.map(function (name) {{
      var input = form.elements[name], out = input.parentNode.querySelector("output");
      if (out) out.textContent = data.labels[name][input.value];
      return input.value;
    }}).join(",");
    img.src = "data:image/png;base64," + data.frames[key];
    img.alt = key;
  }}
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.style.display = "flex";
}})();</script>
</div>"""

    # ---------------------------------------------------------- the live kernel

    def widget(self):
        """The ipywidgets version: one control per parameter above an image of the current frame."""
        import ipywidgets as W

        inputs = {}
        for name, c in self.controls.items():
            description = c.label or name
            if c.numeric:
                inputs[name] = W.SelectionSlider(options=[(c.text(v), v) for v in c.values], index=c.values.index(c.default), description=description,
                                                 continuous_update=False, style={"description_width": "initial"})
            else:
                inputs[name] = W.Dropdown(options=[(c.text(v), v) for v in c.values], index=c.values.index(c.default), description=description,
                                          style={"description_width": "initial"})
        image = W.Image(value=self.render(), format="png", layout=W.Layout(max_width="100%"))

        def redraw(_change=None):
            image.value = self.render(**{n: w.value for n, w in inputs.items()})

        for w in inputs.values():
            w.observe(redraw, names="value")
        header = [W.HTML(f"<strong>{html.escape(self.title)}</strong>")] if self.title else []
        return W.VBox(header + [W.HBox(list(inputs.values()), layout=W.Layout(flex_flow="row wrap")), image])

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/html": self.html(), "text/plain": repr(self)}
        if not headless():
            live = self.widget()._repr_mimebundle_()
            bundle["application/vnd.jupyter.widget-view+json"] = live["application/vnd.jupyter.widget-view+json"]
        return bundle

    def __repr__(self) -> str:
        return f"Explorer({self.title or self.make_fig.__name__!s}: {len(self.grid())} frames over {list(self.controls)})"


def explore(make_fig: Callable[..., matplotlib.figure.Figure], *, title: str | None = None, max_frames: int = 48,
            dpi: int = 80, **controls: Choice | Sequence) -> Explorer:
    """A live experiment over ``controls``: each a :func:`choice` or a plain list (default: its first value).

    ``make_fig(**params)`` must be pure and return a matplotlib Figure. The
    grid of all combinations is at most ``max_frames`` figures, each rendered
    once.
    """
    if not callable(make_fig):
        raise TypeError(f"make_fig must be callable, got {type(make_fig).__name__}")
    if not controls:
        raise ValueError("explore needs at least one control, e.g. width=choice([2, 8, 32])")
    specs = {name: c if isinstance(c, Choice) else choice(c) for name, c in controls.items()}
    size = math.prod(len(c.values) for c in specs.values())
    if size > max_frames:
        raise ValueError(f"the controls span {size} combinations, more than max_frames={max_frames}; "
                         "use fewer values per control (the website stores every frame)")
    return Explorer(make_fig, specs, title, dpi)

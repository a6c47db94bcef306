"""Figures that several chapters draw, in one consistent style sized for the website.

Every function draws on ``ax`` when given one and otherwise makes its own
figure; it returns the Figure so a widget can render it.
"""
from __future__ import annotations

import matplotlib

import matplotlib.pyplot as plt
import numpy as np
import torch

from .train import predict

WIDTH = 7.0  # inches: the width of the book's text column at the website's resolution

STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.constrained_layout.use": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "font.size": 10,
    "axes.titlesize": 11,
    "legend.frameon": False,
    "image.cmap": "viridis",
}
matplotlib.rcParams.update(STYLE)

CLASS_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]


def subplots(nrows: int = 1, ncols: int = 1, *, height: float | None = None, width: float = WIDTH, **kwargs):
    """``plt.subplots`` at the book's width; the height defaults to a pleasant ratio per row."""
    if height is None:
        height = min(2.6 + 0.4 * (ncols == 1), width / ncols * 0.85) * nrows
    return plt.subplots(nrows, ncols, figsize=(width, height), squeeze=kwargs.pop("squeeze", True), **kwargs)


def _axis(ax, **kwargs):
    if ax is None:
        fig, ax = subplots(**kwargs)
        return fig, ax
    return ax.figure, ax


def training_curves(history, names: list[str] | None = None, *, ax=None, logy: bool = False):
    """Loss curves (names ending in ``loss``) on the left axis, other metrics on a right one."""
    fig, ax = _axis(ax)
    names = names or history.keys()
    losses = [n for n in names if n.endswith("loss")]
    others = [n for n in names if n not in losses]
    for n in losses:
        ax.plot(history.epochs, history[n], label=n, ls="--" if n.startswith("val_") else "-")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    if logy:
        ax.set_yscale("log")
    handles, labels = ax.get_legend_handles_labels()
    if others:
        right = ax.twinx()
        right.grid(False)
        for i, n in enumerate(others):
            right.plot(history.epochs, history[n], label=n, color=f"C{i + len(losses)}",
                       ls="--" if n.startswith("val_") else "-")
        right.set_ylabel(", ".join(sorted({n.removeprefix("val_") for n in others})))
        more_handles, more_labels = right.get_legend_handles_labels()
        handles, labels = handles + more_handles, labels + more_labels
    if handles:
        ax.legend(handles, labels, loc="best")
    return fig


def grid_2d(X: torch.Tensor, resolution: int = 150, padding: float = 0.25):
    """A ``resolution²`` grid covering the points ``X: (N, 2)``: returns ``(xx, yy, points: (R², 2))``."""
    X = torch.as_tensor(X, dtype=torch.float32)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (N, 2), got {tuple(X.shape)}")
    low, high = X.min(0).values, X.max(0).values
    pad = padding * (high - low).clamp_min(1e-6)
    xs = torch.linspace(float(low[0] - pad[0]), float(high[0] + pad[0]), resolution)
    ys = torch.linspace(float(low[1] - pad[1]), float(high[1] + pad[1]), resolution)
    xx, yy = torch.meshgrid(xs, ys, indexing="xy")
    return xx, yy, torch.stack([xx.reshape(-1), yy.reshape(-1)], dim=1)


def scatter_classes(X: torch.Tensor, y: torch.Tensor, *, ax=None, size: float = 12):
    """Points ``X: (N, 2)`` coloured by integer class ``y: (N,)``."""
    fig, ax = _axis(ax)
    X, y = torch.as_tensor(X).detach().cpu(), torch.as_tensor(y).detach().cpu().reshape(-1)
    if len(X) != len(y):
        raise ValueError(f"X and y differ in length: {len(X)} vs {len(y)}")
    for k in torch.unique(y).tolist():
        pts = X[y == k]
        ax.scatter(pts[:, 0].numpy(), pts[:, 1].numpy(), s=size, color=CLASS_COLORS[int(k) % 10], edgecolor="white",
                   linewidth=0.4, label=f"class {int(k)}")
    ax.set_aspect("equal", adjustable="box")
    return fig


def decision_boundary(model, X: torch.Tensor, y: torch.Tensor, *, ax=None, resolution: int = 150,
                      padding: float = 0.25, title: str | None = None):
    """Regions a 2-D classifier assigns to each class, with the data on top.

    ``model(points: (M, 2))`` returns ``(M, K)`` class scores or ``(M,)``/``(M, 1)``
    binary logits; it is evaluated on the model's own device in eval mode.
    """
    fig, ax = _axis(ax)
    xx, yy, points = grid_2d(X, resolution, padding)
    scores = predict(model, points)
    if scores.ndim == 2 and scores.shape[1] > 1:
        labels = scores.argmax(1)
        n_classes = scores.shape[1]
    else:
        labels = (scores.reshape(-1) > 0).long()
        n_classes = 2
    cmap = matplotlib.colors.ListedColormap(CLASS_COLORS[:n_classes])
    ax.contourf(xx.numpy(), yy.numpy(), labels.reshape(xx.shape).numpy(), levels=np.arange(n_classes + 1) - 0.5, cmap=cmap, alpha=0.25)
    scatter_classes(X, y, ax=ax)
    ax.set_xlim(float(xx.min()), float(xx.max()))
    ax.set_ylim(float(yy.min()), float(yy.max()))
    if title:
        ax.set_title(title)
    return fig


def linear_boundary(weight, *, ax=None, span: tuple[float, float] = (-1.2, 1.2), **line_kwargs):
    """The line ``w1·x1 + w2·x2 + b = 0`` of a linear unit ``weight = (w1, w2, b)``, drawn across ``span``.

    The two end points sit at the ends of ``span`` along the axis the line runs
    closer to, so steep and flat lines both cross the plot; ``line_kwargs`` go to
    ``ax.plot`` (colour, width, label). Returns the Figure.
    """
    w = torch.as_tensor(weight).detach().cpu().reshape(-1).to(torch.float64)
    if w.shape != (3,):
        raise ValueError(f"weight must hold (w1, w2, b), got shape {tuple(torch.as_tensor(weight).shape)}")
    w1, w2, b = w.tolist()
    if w1 == 0 and w2 == 0:
        raise ValueError(f"weight (0, 0, {b:g}) has no line: both input weights are zero")
    fig, ax = _axis(ax)
    ends = np.array(span, dtype=float)
    if abs(w2) >= abs(w1):
        xs, ys = ends, -(w1 * ends + b) / w2
    else:
        xs, ys = -(w2 * ends + b) / w1, ends
    ax.plot(xs, ys, **line_kwargs)
    return fig


def density_2d(log_density, X: torch.Tensor | None = None, *, ax=None, extent=(-3, 3, -3, 3),
               resolution: int = 150, title: str | None = None):
    """Heatmap of ``exp(log_density(points: (M, 2)) -> (M,))`` over ``extent``, with samples ``X`` on top."""
    fig, ax = _axis(ax)
    x0, x1, y0, y1 = extent
    xx, yy = torch.meshgrid(torch.linspace(x0, x1, resolution), torch.linspace(y0, y1, resolution), indexing="xy")
    with torch.no_grad():
        logp = log_density(torch.stack([xx.reshape(-1), yy.reshape(-1)], dim=1))
    ax.imshow(logp.exp().reshape(xx.shape).cpu().numpy(), origin="lower", extent=extent, aspect="auto")
    if X is not None:
        X = torch.as_tensor(X).detach().cpu()
        ax.scatter(X[:, 0].numpy(), X[:, 1].numpy(), s=3, color="white", alpha=0.5)
    if title:
        ax.set_title(title)
    return fig


def image_grid(images: torch.Tensor, labels=None, *, ncols: int = 8, cmap: str = "gray", title: str | None = None):
    """Images ``(N, H, W)``, ``(N, 1, H, W)`` or ``(N, 3, H, W)`` in a grid, each captioned by ``labels[i]``."""
    images = torch.as_tensor(images).detach().cpu()
    if images.ndim == 4 and images.shape[1] in (1, 3):
        images = images.permute(0, 2, 3, 1).squeeze(-1)
    if not (images.ndim == 3 or (images.ndim == 4 and images.shape[-1] == 3)):
        raise ValueError(f"images must be (N, H, W) or (N, C, H, W) with C in (1, 3), got {tuple(images.shape)}")
    n = len(images)
    if n == 0:
        raise ValueError("image_grid needs at least one image")
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = subplots(nrows, ncols, height=WIDTH / ncols * nrows * 1.1, squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(images[i].numpy(), cmap=cmap)
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=9)
    if title:
        fig.suptitle(title)
    return fig


def heatmap(matrix, *, ax=None, xlabels=None, ylabels=None, annotate: bool = False, fmt: str = ".2f",
            cmap: str = "viridis", title: str | None = None, colorbar: bool = True):
    """A matrix as coloured cells (confusion matrices, attention weights, Hessians)."""
    fig, ax = _axis(ax)
    m = np.asarray(torch.as_tensor(matrix).detach().cpu())
    if m.ndim != 2:
        raise ValueError(f"heatmap needs a 2-D matrix, got shape {m.shape}")
    image = ax.imshow(m, cmap=cmap)
    ax.grid(False)
    if xlabels is not None:
        ax.set_xticks(range(m.shape[1]), xlabels)
    if ylabels is not None:
        ax.set_yticks(range(m.shape[0]), ylabels)
    if annotate:
        for (i, j), v in np.ndenumerate(m):
            ax.text(j, i, format(v, fmt), ha="center", va="center", fontsize=8, color="white")
    if colorbar:
        fig.colorbar(image, ax=ax, shrink=0.8)
    if title:
        ax.set_title(title)
    return fig

import matplotlib.pyplot as plt
import pytest
import torch
from torch import nn

from dlbook import data, plot


def test_decision_boundary_colours_each_class_region():
    X, y = data.blobs(60, centers=torch.tensor([[-2.0, 0.0], [2.0, 0.0]]), std=0.3, seed=0)
    model = nn.Linear(2, 2)
    with torch.no_grad():  # scores (-x, x): the boundary is x = 0
        model.weight.copy_(torch.tensor([[-1.0, 0.0], [1.0, 0.0]]))
        model.bias.zero_()
    fig = plot.decision_boundary(model, X, y, title="blobs")
    ax = fig.axes[0]
    assert ax.get_title() == "blobs" and len(ax.collections) >= 2
    assert region_colours(fig) == {plot.CLASS_COLORS[0], plot.CLASS_COLORS[1]}
    plt.close(fig)
    with torch.no_grad():                          # a model that predicts class 1 everywhere
        model.bias.copy_(torch.tensor([-100.0, 100.0]))
    fig = plot.decision_boundary(model, X, y)
    assert region_colours(fig) == {plot.CLASS_COLORS[1]}
    plt.close(fig)


def region_colours(fig) -> set[str]:
    """The class colours that the filled regions (not the scattered points) actually cover, read off the pixels."""
    import matplotlib.colors as mcolors
    import numpy as np

    ax = fig.axes[0]
    for c in ax.collections[1:]:                   # hide the points: only the regions remain
        c.set_visible(False)
    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3].reshape(-1, 3) / 255
    found = set()
    for colour in plot.CLASS_COLORS:
        tinted = 0.25 * np.array(mcolors.to_rgb(colour)) + 0.75  # alpha 0.25 over a white background
        if (np.abs(pixels - tinted).max(axis=1) < 0.02).sum() > 100:
            found.add(colour)
    return found


def test_grid_covers_the_data():
    X = torch.tensor([[0.0, 0.0], [1.0, 2.0]])
    xx, yy, points = plot.grid_2d(X, resolution=11, padding=0.0)
    assert points.shape == (121, 2)
    assert float(xx.min()) == 0 and float(yy.max()) == 2
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        plot.grid_2d(torch.zeros(4, 3))


def test_image_grid_and_heatmap():
    fig = plot.image_grid(torch.rand(10, 1, 8, 8), labels=list(range(10)), ncols=5)
    assert len(fig.axes) == 10 and fig.axes[3].get_title() == "3"
    plt.close(fig)
    with pytest.raises(ValueError, match="images"):
        plot.image_grid(torch.rand(2, 5, 8, 8))
    fig = plot.heatmap(torch.eye(3), annotate=True)
    assert len(fig.axes[0].texts) == 9
    plt.close(fig)
    with pytest.raises(ValueError, match="2-D"):
        plot.heatmap(torch.zeros(2, 2, 2))


def test_density_2d_and_scatter():
    fig = plot.density_2d(lambda p: -0.5 * p.square().sum(1), torch.randn(20, 2))
    assert fig.axes[0].images
    plt.close(fig)
    with pytest.raises(ValueError, match="differ in length"):
        plot.scatter_classes(torch.zeros(3, 2), torch.zeros(2))


@pytest.mark.parametrize("weight", [(1.0, -1.0, 0.2), (3.0, 0.1, -0.5), (0.0, 2.0, 1.0), (-2.0, 0.0, 1.0)])
def test_linear_boundary_draws_points_on_the_line(weight):
    fig = plot.linear_boundary(torch.tensor(weight, dtype=torch.float64), span=(-2, 2), color="k", label="boundary")
    ax = fig.axes[0]
    (line,) = ax.lines
    xs, ys = line.get_xdata(), line.get_ydata()
    w1, w2, b = weight
    assert len(xs) == 2 and abs(xs[0] - xs[1]) + abs(ys[0] - ys[1]) > 1  # two distinct points
    for x1, x2 in zip(xs, ys):
        assert abs(w1 * x1 + w2 * x2 + b) < 1e-12
    # the flatter coordinate spans exactly the requested range
    assert sorted(xs if abs(w2) >= abs(w1) else ys) == [-2, 2]
    assert line.get_label() == "boundary"
    plt.close(fig)


def test_linear_boundary_rejects_weights_without_a_line():
    with pytest.raises(ValueError, match="no line"):
        plot.linear_boundary(torch.tensor([0.0, 0.0, 1.0]))
    with pytest.raises(ValueError, match=r"\(w1, w2, b\)"):
        plot.linear_boundary(torch.zeros(4))

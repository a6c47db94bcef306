"""The network linearised around its initial parameters: ``f_lin(x; θ) = f(x; θ₀) + ∇_θ f(x; θ₀)(θ − θ₀)``.

:class:`LinearizedModel` is a module whose one parameter is the flat vector ``θ`` (started at ``θ₀``),
so :func:`dlbook.fit` trains it like any network. Its forward pass is one Jacobian–vector product
(``torch.func.jvp``); the Jacobian is never formed. Trained by gradient descent on the squared error,
it follows the kernel dynamics of the NTK at ``θ₀`` exactly.
"""
from __future__ import annotations

import copy

import torch
from torch import nn
from torch.func import functional_call, jvp

from ..probe import flat_parameters, parameters_from_flat
from ._args import check_model


class LinearizedModel(nn.Module):
    """First-order Taylor expansion of ``model`` around its current parameters ``θ₀``.

    ``x: (N, ...) → (N, ...)`` as ``model``. Parameter: ``theta: (P,)``, initialised to ``θ₀``
    (:func:`dlbook.probe.flat_parameters` order); buffer ``theta0: (P,)``. ``model`` is copied, so
    training this module leaves it untouched. Every parameter of ``model`` must require gradients.
    """

    def __init__(self, model: nn.Module):
        super().__init__()
        check_model(model)
        if not all(p.requires_grad for p in model.parameters()):
            raise ValueError("every parameter of model must require gradients to be linearised")
        frozen = copy.deepcopy(model)
        for p in frozen.parameters():
            p.requires_grad_(False)
        self._frozen = [frozen]  # a list, so the copy's parameters are not this module's
        self.register_buffer("theta0", flat_parameters(model).clone())
        self.theta = nn.Parameter(self.theta0.clone())

    def _apply(self, fn, recurse=True):
        self._frozen[0]._apply(fn)
        return super()._apply(fn, recurse)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        model = self._frozen[0]
        buffers = dict(model.named_buffers())

        def f(theta):
            return functional_call(model, (parameters_from_flat(model, theta), buffers), (x,))

        out, change = jvp(f, (self.theta0,), (self.theta - self.theta0,))
        return out + change

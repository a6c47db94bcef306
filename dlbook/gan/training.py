"""The two training loops of the chapter, written out top to bottom: the GAN (a discriminator step,
then a generator step) and the Wasserstein GAN (``n_critic`` critic steps, then a generator step)."""
from __future__ import annotations

import sys
from typing import Callable

import torch
from torch import nn
from torch.nn.utils import parametrize

from dlbook.history import History
from dlbook.train import autocast, model_device

from ._loop import Batches, Log, call, check_arguments
from .game import GENERATOR_LOSSES, discriminator_loss, generator_loss
from .penalties import clip_weights_, gradient_penalty, r1_penalty

OnLog = Callable[[int, nn.Module, nn.Module], None]
PENALTIES = ("gp", "clip")


def _interrupted(history: History, where: str, step: int) -> History:
    history.interrupted = True
    print(f"{where} interrupted at step {step}; returning the history of {len(history)} logged intervals",
          file=sys.stderr)
    return history


def train_gan(generator: nn.Module, discriminator: nn.Module, real: torch.Tensor, *, latent_dim: int, steps: int,
              g_optimizer: torch.optim.Optimizer, d_optimizer: torch.optim.Optimizer, batch_size: int = 256,
              loss: str = "non_saturating", r1_gamma: float = 0.0, labels: torch.Tensor | None = None,
              log_every: int = 100, on_log: OnLog | None = None, device: torch.device | str | None = None,
              amp: bool = False, seed: int = 0) -> History:
    """Train a GAN for ``steps`` steps of one discriminator update and one generator update; return its ``History``.

    ``real: (N, ...)`` training samples (``labels: (N,)`` for a conditional GAN, whose networks are then
    called as ``generator(z, labels)`` and ``discriminator(x, labels)``); ``generator: (B, latent_dim) → (B, ...)``;
    ``discriminator: (B, ...) → (B, 1)`` logits. ``loss`` picks the generator's loss
    (``generator_loss``); ``r1_gamma > 0`` adds the R1 penalty to the discriminator's.
    Every ``log_every`` steps the history gets the mean ``d_loss`` and ``g_loss`` of the interval, and
    ``on_log(step, generator, discriminator)`` is called (snapshots, live plots). The optimisers are
    arguments, so a second call continues where the first stopped.

    A non-finite loss raises ``dlbook.TrainingDiverged`` naming the step; Ctrl-C returns the history so far.
    """
    check_arguments(generator, discriminator, real, labels, {"g_optimizer": g_optimizer, "d_optimizer": d_optimizer},
                    steps, batch_size, latent_dim, log_every)
    if loss not in GENERATOR_LOSSES:
        raise ValueError(f"loss must be one of {GENERATOR_LOSSES}, got {loss!r}")
    if not r1_gamma >= 0:
        raise ValueError(f"r1_gamma must be non-negative, got {r1_gamma}")
    device = model_device(generator, device)
    generator.to(device).train()
    discriminator.to(device).train()
    data = Batches(real, labels, batch_size, latent_dim, device, seed)
    log = Log("train_gan", log_every, device)
    step = 0
    try:
        for step in range(1, steps + 1):
            x, y = data.real_batch()
            # discriminator: minimise −E log D(x) − E log(1 − D(G(z))) (+ R1 on real data); a parametrised
            # weight (spectral norm) is computed once for all of the step's calls, not once per call
            with parametrize.cached():
                with autocast(device, amp):
                    fake = call(generator, data.latent(), y)
                    d_loss = discriminator_loss(call(discriminator, x, y), call(discriminator, fake.detach(), y))
                d_total = d_loss
                if r1_gamma > 0:
                    d_total = d_total + r1_penalty(lambda inputs: call(discriminator, inputs, y), x, r1_gamma)
            d_optimizer.zero_grad(set_to_none=True)
            d_total.backward()
            d_optimizer.step()
            # generator: its loss on the updated discriminator's verdict about the same fakes
            with autocast(device, amp):
                g_loss = generator_loss(call(discriminator, fake, y), loss)
            g_optimizer.zero_grad(set_to_none=True)
            g_loss.backward()
            g_optimizer.step()
            if log.add(step, d_loss=d_loss, g_loss=g_loss) and on_log is not None:
                on_log(step, generator, discriminator)
    except KeyboardInterrupt:
        return _interrupted(log.history, "train_gan", step)
    return log.history


def train_wgan(generator: nn.Module, critic: nn.Module, real: torch.Tensor, *, latent_dim: int, steps: int,
               g_optimizer: torch.optim.Optimizer, c_optimizer: torch.optim.Optimizer, n_critic: int = 5,
               penalty: str = "gp", lam: float = 10.0, clip_value: float = 0.01, batch_size: int = 256,
               labels: torch.Tensor | None = None, log_every: int = 100, on_log: OnLog | None = None,
               device: torch.device | str | None = None, amp: bool = False, seed: int = 0) -> History:
    """Train a Wasserstein GAN for ``steps`` generator steps, each after ``n_critic`` critic steps; return its ``History``.

    The critic ``(B, ...) → (B, 1)`` maximises ``E f(x) − E f(G(z))``, an estimate of ``W1`` once ``f`` is
    1-Lipschitz; ``penalty="gp"`` enforces that softly with ``gradient_penalty`` (weight ``lam``),
    ``penalty="clip"`` by clipping the critic's weights to ``[−clip_value, clip_value]`` (the original WGAN).
    The generator minimises ``−E f(G(z))``. The history's rows hold the interval means of
    ``critic_loss``, ``g_loss``, ``w_estimate`` (the critic's ``E f(x) − E f(G(z))``) and ``penalty``.
    Other arguments, errors and interruption as ``train_gan``.
    """
    check_arguments(generator, critic, real, labels, {"g_optimizer": g_optimizer, "c_optimizer": c_optimizer},
                    steps, batch_size, latent_dim, log_every)
    if penalty not in PENALTIES:
        raise ValueError(f"penalty must be one of {PENALTIES}, got {penalty!r}")
    if isinstance(n_critic, bool) or not isinstance(n_critic, int) or n_critic < 1:
        raise ValueError(f"n_critic must be a positive int, got {n_critic!r}")
    if not (lam >= 0 and clip_value > 0):
        raise ValueError(f"lam must be non-negative and clip_value positive, got lam={lam}, clip_value={clip_value}")
    device = model_device(generator, device)
    generator.to(device).train()
    critic.to(device).train()
    data = Batches(real, labels, batch_size, latent_dim, device, seed)
    gp_seed = torch.Generator(device=device).manual_seed(seed + 1)
    log = Log("train_wgan", log_every, device)
    step = 0
    try:
        for step in range(1, steps + 1):
            for _ in range(n_critic):
                x, y = data.real_batch()
                with torch.no_grad(), autocast(device, amp):  # the critic's step needs fakes, not G's graph
                    fake = call(generator, data.latent(), y)
                with parametrize.cached():  # parametrised weights once for the step's three critic calls
                    with autocast(device, amp):
                        w_estimate = call(critic, x, y).mean() - call(critic, fake, y).mean()
                    # critic: maximise E f(x) − E f(G(z)), i.e. minimise its negative (+ λ·GP)
                    reg = (gradient_penalty(lambda inputs: call(critic, inputs, y), x, fake, lam, gp_seed)
                           if penalty == "gp" else torch.zeros((), device=device))
                c_loss = -w_estimate + reg
                c_optimizer.zero_grad(set_to_none=True)
                c_loss.backward()
                c_optimizer.step()
                if penalty == "clip":
                    clip_weights_(critic, clip_value)
            with autocast(device, amp):
                g_loss = -call(critic, call(generator, data.latent(), y), y).mean()
            g_optimizer.zero_grad(set_to_none=True)
            g_loss.backward()
            g_optimizer.step()
            if (log.add(step, critic_loss=c_loss, g_loss=g_loss, w_estimate=w_estimate, penalty=reg)
                    and on_log is not None):
                on_log(step, generator, critic)
    except KeyboardInterrupt:
        return _interrupted(log.history, "train_wgan", step)
    return log.history

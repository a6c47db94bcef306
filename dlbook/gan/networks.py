"""The generators and discriminators of the chapter: small MLPs for 2-D data, and DCGAN-style
convolutional networks for 28×28 digits, optionally conditioned on the class."""
from __future__ import annotations

import torch
from torch import nn

from dlbook.normalization import ConditionalBatchNorm, spectral_norm
from dlbook.perceptron_mlp import MLP

from .ensembles import grouped_mlp


def _positive(**sizes) -> None:
    for name, value in sizes.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")


def toy_generator(latent_dim: int = 2, hidden: int = 64, depth: int = 3, out_features: int = 2,
                  members: int = 1) -> nn.Module:
    """A ReLU MLP ``z: (N, latent_dim) → x: (N, out_features)`` with ``depth`` hidden layers of ``hidden`` units.

    ``members > 1`` builds that many independent generators as one module
    (``dlbook.gan.ensembles.grouped_mlp``): member ``m`` maps rows ``m·B … (m+1)·B − 1``.
    """
    _positive(latent_dim=latent_dim, hidden=hidden, depth=depth, out_features=out_features, members=members)
    if members > 1:
        return grouped_mlp(members, latent_dim, hidden, depth, out_features)
    return MLP(latent_dim, [hidden] * depth, out_features)


def toy_discriminator(in_features: int = 2, hidden: int = 64, depth: int = 3, spectral: bool = False,
                      members: int = 1) -> nn.Module:
    """A ReLU MLP ``x: (N, in_features) → (N, 1)`` logits (or critic scores).

    ``spectral=True`` wraps every linear layer in ``dlbook.normalization.spectral_norm``, which
    makes the whole network (about) 1-Lipschitz: the SN-GAN discriminator. ``members > 1`` as in
    ``toy_generator``, with every member normalised separately.
    """
    _positive(in_features=in_features, hidden=hidden, depth=depth, members=members)
    if members > 1:
        return grouped_mlp(members, in_features, hidden, depth, 1, spectral)
    net = MLP(in_features, [hidden] * depth, 1)
    if spectral:
        for layer in net.linears():
            spectral_norm(layer)
    return net


def _labels(labels, num_classes: int | None, n: int) -> None:
    if num_classes is None:
        if labels is not None:
            raise ValueError("this network is unconditional: build it with num_classes to pass labels")
        return
    if labels is None:
        raise ValueError(f"this network is conditional on {num_classes} classes: pass labels (N,)")
    if not isinstance(labels, torch.Tensor) or labels.dtype not in (torch.int32, torch.int64):
        raise TypeError("labels must be an integer tensor of class indices")
    if labels.shape != (n,):
        raise ValueError(f"need one label per sample: {n} samples, labels {tuple(labels.shape)}")


class DCGenerator(nn.Module):
    """DCGAN-style generator ``z: (N, latent_dim) → images (N, 1, 28, 28)`` in ``[−1, 1]``.

    A linear layer to ``2c × 7 × 7``, then two stride-2 transposed convolutions (7 → 14 → 28), batch
    norm and ReLU between them, ``tanh`` at the end. With ``num_classes`` the batch norms are
    ``dlbook.normalization.ConditionalBatchNorm``: the class picks their scale and shift, and
    ``forward(z, labels)`` takes ``labels: (N,)``.
    """

    def __init__(self, latent_dim: int = 32, channels: int = 32, num_classes: int | None = None):
        super().__init__()
        _positive(latent_dim=latent_dim, channels=channels)
        if num_classes is not None:
            _positive(num_classes=num_classes)
        self.latent_dim, self.channels, self.num_classes = latent_dim, channels, num_classes
        c = channels
        self.project = nn.Linear(latent_dim, 2 * c * 7 * 7)
        self.up1 = nn.ConvTranspose2d(2 * c, c, 4, stride=2, padding=1)  # 7 → 14
        self.up2 = nn.ConvTranspose2d(c, 1, 4, stride=2, padding=1)  # 14 → 28
        if num_classes is None:
            self.norm0, self.norm1 = nn.BatchNorm2d(2 * c), nn.BatchNorm2d(c)
        else:
            self.norm0, self.norm1 = ConditionalBatchNorm(2 * c, num_classes), ConditionalBatchNorm(c, num_classes)

    def _norm(self, norm: nn.Module, h: torch.Tensor, labels) -> torch.Tensor:
        return norm(h) if self.num_classes is None else norm(h, labels)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"z must have shape (N, {self.latent_dim}), got {tuple(z.shape)}")
        _labels(labels, self.num_classes, len(z))
        h = self.project(z).view(len(z), 2 * self.channels, 7, 7)
        h = torch.relu(self._norm(self.norm0, h, labels))
        h = torch.relu(self._norm(self.norm1, self.up1(h), labels))
        return torch.tanh(self.up2(h))


class DCDiscriminator(nn.Module):
    """DCGAN-style discriminator ``images (N, 1, 28, 28) → (N, 1)`` logits: two stride-2 convolutions with leaky ReLU.

    With ``num_classes`` it is a *projection* discriminator (Miyato & Koyama, 2018): the logit adds
    ``⟨e_y, φ(x)⟩``, the features ``φ(x)`` against a learned embedding of the label, and
    ``forward(x, labels)`` takes ``labels: (N,)``. ``spectral=True`` normalises every weight.
    """

    def __init__(self, channels: int = 32, num_classes: int | None = None, spectral: bool = False):
        super().__init__()
        _positive(channels=channels)
        if num_classes is not None:
            _positive(num_classes=num_classes)
        self.num_classes = num_classes
        c = channels
        self.features = nn.Sequential(
            nn.Conv2d(1, c, 4, stride=2, padding=1), nn.LeakyReLU(0.2),  # 28 → 14
            nn.Conv2d(c, 2 * c, 4, stride=2, padding=1), nn.LeakyReLU(0.2),  # 14 → 7
            nn.Flatten())
        self.out = nn.Linear(2 * c * 7 * 7, 1)
        self.embed = None if num_classes is None else nn.Embedding(num_classes, 2 * c * 7 * 7)
        if spectral:
            for layer in [*self.features, self.out, self.embed]:
                if isinstance(layer, (nn.Conv2d, nn.Linear, nn.Embedding)):
                    spectral_norm(layer)

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        if x.ndim != 4 or x.shape[1:] != (1, 28, 28):
            raise ValueError(f"x must have shape (N, 1, 28, 28), got {tuple(x.shape)}")
        _labels(labels, self.num_classes, len(x))
        phi = self.features(x)
        logits = self.out(phi)
        if self.embed is not None:
            logits = logits + (self.embed(labels) * phi).sum(dim=1, keepdim=True)
        return logits

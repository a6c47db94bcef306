"""What a training run leaves behind: per-epoch losses and metrics, optionally per-step losses."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class History:
    """Per-epoch values by name (``"loss"``, ``"val_loss"``, ``"accuracy"``, ...).

    ``history["loss"]`` is the list of epoch means; ``history.epochs`` the epoch
    numbers; ``history.step_loss`` every step's loss when ``fit(record_steps=True)``.
    """

    epochs: list[int] = field(default_factory=list)
    values: dict[str, list[float]] = field(default_factory=dict)
    step_loss: list[float] = field(default_factory=list)
    interrupted: bool = False

    def append(self, epoch: int, row: dict[str, float], step_losses: list[float] | None = None) -> None:
        if self.values and set(row) != set(self.values):
            raise ValueError(f"epoch {epoch} reports {sorted(row)}, earlier epochs {sorted(self.values)}")
        self.epochs.append(epoch)
        for name, value in row.items():
            self.values.setdefault(name, []).append(float(value))
        if step_losses is not None:
            self.step_loss.extend(step_losses)

    def __len__(self) -> int:
        return len(self.epochs)

    def __getitem__(self, name: str) -> list[float]:
        if name not in self.values:
            raise KeyError(f"no {name!r} in this history; it has {sorted(self.values)}")
        return self.values[name]

    def __contains__(self, name: str) -> bool:
        return name in self.values

    def keys(self) -> list[str]:
        return list(self.values)

    def best(self, name: str = "val_loss", mode: str = "min") -> tuple[int, float]:
        """``(epoch, value)`` of the best epoch for ``name``."""
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        series = self[name]
        if not series:
            raise ValueError("the history is empty")
        pick = min if mode == "min" else max
        i = pick(range(len(series)), key=series.__getitem__)
        return self.epochs[i], series[i]

    def to_dict(self) -> dict:
        """Plain lists and numbers, safe for ``torch.load(..., weights_only=True)``."""
        return {"epochs": list(self.epochs), "values": {k: list(v) for k, v in self.values.items()},
                "step_loss": list(self.step_loss), "interrupted": self.interrupted}

    @classmethod
    def from_dict(cls, d: dict) -> "History":
        return cls(list(d["epochs"]), {k: list(v) for k, v in d["values"].items()},
                   list(d.get("step_loss", [])), bool(d.get("interrupted", False)))

    def __repr__(self) -> str:
        last = ", ".join(f"{k}={v[-1]:.4g}" for k, v in self.values.items())
        flag = ", interrupted" if self.interrupted else ""
        return f"History({len(self)} epochs{': ' + last if last else ''}{flag})"

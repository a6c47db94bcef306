"""dlbook: the shared code of an executable deep-learning textbook.

The infrastructure is imported here; each chapter's from-scratch code lives in a
folder named after its notebook (``book/07_normalization.ipynb`` ↔
``dlbook/normalization/``), imported on demand: ``from dlbook import normalization``.
"""
from . import batches, check, data, plot, probe, widgets
from .callbacks import Checkpoint, EarlyStopping, GradientClipping, LivePlot, LRSchedule, load_checkpoint
from .config import ChapterRun, data_dir, get_device, headless, profile, seed_everything, start_chapter
from .history import History
from .source import show_source
from .train import Callback, FitState, TrainingDiverged, accuracy, evaluate, fit, predict

__version__ = "0.1.0"

__all__ = [
    "Callback", "ChapterRun", "Checkpoint", "EarlyStopping", "FitState", "GradientClipping", "History", "LivePlot",
    "LRSchedule",
    "TrainingDiverged", "accuracy", "batches", "check", "data", "data_dir", "evaluate", "fit", "get_device",
    "headless", "load_checkpoint", "plot", "predict", "probe", "profile", "seed_everything", "show_source",
    "start_chapter", "widgets",
]

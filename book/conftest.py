"""pytest settings for running the chapters with nbval.

Set before any kernel starts, so every notebook runs headless (no progress
bars, no live widgets) in the quick profile unless a profile is asked for.
"""
import os

os.environ["DLBOOK_HEADLESS"] = "1"
os.environ.setdefault("DLBOOK_PROFILE", "quick")
os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")

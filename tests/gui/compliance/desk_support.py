"""Helpers of the compliance-desk GUI tests (a unique module name: ``conftest`` is ambiguous)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

SCREENSHOTS = Path(__file__).resolve().parents[3] / "screenshots"


def screenshot(widget: Any, name: str) -> Path:
    """Save what the widget shows to screenshots/<name>.png (git-ignored), to be looked at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    assert widget.grab().save(str(path))
    return path

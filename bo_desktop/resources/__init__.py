"""Package data: icons and stylesheets, located relative to this package (works installed,
editable and inside a PyInstaller bundle)."""

from __future__ import annotations

from pathlib import Path

RESOURCES = Path(__file__).resolve().parent


def icon_path(name: str) -> Path:
    return RESOURCES / "icons" / name

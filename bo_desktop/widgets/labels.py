"""Label helpers: plain-text labels and secondary ("muted") text that follows the theme."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel


def plain_label(text: str = "", *, wrap: bool = False) -> QLabel:
    """A QLabel that never interprets its text as HTML (server and player text is data)."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    return label


def mute(label: QLabel) -> QLabel:
    """Show secondary text in the palette's placeholder colour.

    Not ``setEnabled(False)``: disabled text is too faint to read and tells assistive technology
    the label is unavailable. The role (not a fixed colour) follows light/dark switches.
    """
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label

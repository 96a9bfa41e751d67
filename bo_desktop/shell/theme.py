"""Light/dark appearance that follows the OS (QStyleHints.colorScheme), with a user override.

We use the Fusion style everywhere and set its palette ourselves: native styles differ in how (and
whether) they honour the OS scheme, and a back office that is half dark on one desk and light on
the next is confusing. Semantic colours (the environment banner, connection dot) are chosen per
scheme in :func:`semantic_colors` so they keep their contrast in both.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from bo_desktop.core.settings import ThemeOverride


@dataclass(frozen=True)
class SemanticColors:
    online: str
    reconnecting: str
    offline: str
    muted_text: str


_LIGHT = SemanticColors(online="#1e7d32", reconnecting="#b26a00", offline="#b3261e", muted_text="#5f6368")
_DARK = SemanticColors(online="#81c995", reconnecting="#fdd663", offline="#f28b82", muted_text="#9aa0a6")


def _dark_palette() -> QPalette:
    p = QPalette()
    window, base, text = QColor("#202124"), QColor("#17181a"), QColor("#e8eaed")
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        p.setColor(group, QPalette.ColorRole.Window, window)
        p.setColor(group, QPalette.ColorRole.WindowText, text)
        p.setColor(group, QPalette.ColorRole.Base, base)
        p.setColor(group, QPalette.ColorRole.AlternateBase, QColor("#26282b"))
        p.setColor(group, QPalette.ColorRole.ToolTipBase, QColor("#303134"))
        p.setColor(group, QPalette.ColorRole.ToolTipText, text)
        p.setColor(group, QPalette.ColorRole.PlaceholderText, QColor("#80868b"))
        p.setColor(group, QPalette.ColorRole.Text, text)
        p.setColor(group, QPalette.ColorRole.Button, QColor("#2d2f31"))
        p.setColor(group, QPalette.ColorRole.ButtonText, text)
        p.setColor(group, QPalette.ColorRole.BrightText, QColor("#ff8a80"))
        p.setColor(group, QPalette.ColorRole.Link, QColor("#8ab4f8"))
        p.setColor(group, QPalette.ColorRole.Highlight, QColor("#1a73e8"))
        p.setColor(group, QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
        p.setColor(group, QPalette.ColorRole.Light, QColor("#3c4043"))
        p.setColor(group, QPalette.ColorRole.Midlight, QColor("#303134"))
        p.setColor(group, QPalette.ColorRole.Mid, QColor("#2a2b2e"))
        p.setColor(group, QPalette.ColorRole.Dark, QColor("#111213"))
        p.setColor(group, QPalette.ColorRole.Shadow, QColor("#000000"))
    disabled = QColor("#6f7378")
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Window, window)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Base, window)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Button, QColor("#2d2f31"))
    return p


class ThemeManager(QObject):
    """Applies the palette for the effective scheme and re-applies it when the OS switches."""

    changed = Signal(bool)  # dark?

    def __init__(self, app: QApplication, override: ThemeOverride = ThemeOverride.SYSTEM) -> None:
        # Owned by the Application object rather than parented to the QApplication: the process
        # may host several Applications in turn (the GUI tests do), and each theme goes with its
        # Application instead of piling up on the QApplication.
        super().__init__()
        self._app = app
        self._override = override
        self._dark = False
        if app.style().name().lower() != "fusion":
            app.setStyle("Fusion")  # replacing the style re-polishes every widget: only once
        self._light_palette = app.style().standardPalette()
        # A bound slot, not a lambda: the connection ends with this object.
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._scheme_changed)
        self.apply()

    def _scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        self.apply()

    @property
    def dark(self) -> bool:
        return self._dark

    @property
    def colors(self) -> SemanticColors:
        return _DARK if self._dark else _LIGHT

    def set_override(self, override: ThemeOverride) -> None:
        self._override = override
        self.apply()

    def apply(self) -> None:
        if self._override is ThemeOverride.SYSTEM:
            dark = QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
        else:
            dark = self._override is ThemeOverride.DARK
        self._dark = dark
        self._app.setPalette(_dark_palette() if dark else self._light_palette)
        self.changed.emit(dark)

"""KPI tiles: a caption, a big value, a small detail line; red when something needs attention.

Tiles are plain QFrames styled by a dynamic ``alert`` property, so the red state is one
stylesheet rule, readable in light and dark themes, and tests can read it (``tile.alert``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from bo_desktop.widgets.labels import mute, plain_label

TILE_STYLE = """
QFrame[kpiTile="true"] {
    border: 1px solid palette(mid); border-radius: 6px; background: palette(base);
}
QFrame[kpiTile="true"][alert="true"] { background: #c62828; border-color: #8e0000; }
QFrame[kpiTile="true"][alert="true"] QLabel { color: white; }
QFrame[kpiTile="true"][stale="true"] QLabel#value { color: palette(placeholder-text); }
"""


class KpiTile(QFrame):
    def __init__(self, key: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"kpi.{key}")
        self.setProperty("kpiTile", True)
        self.setProperty("alert", False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.caption = mute(plain_label(caption))
        self.value = plain_label("—")
        self.value.setObjectName("value")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.value.setFont(font)
        self.detail = mute(plain_label(" "))
        for label in (self.caption, self.value, self.detail):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(1)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)

    @property
    def alert(self) -> bool:
        return bool(self.property("alert"))

    def set_value(self, value: str, detail: str = " ", *, alert: bool = False) -> None:
        self.value.setText(value)
        self.detail.setText(detail)
        self.setToolTip(f"{self.caption.text()}: {value}" + (f" — {detail}" if detail.strip() else ""))
        if alert != self.alert:
            self.setProperty("alert", alert)
            # A dynamic property does not re-apply the stylesheet by itself.
            self.style().unpolish(self)
            self.style().polish(self)
            for label in self.findChildren(QLabel):
                label.style().unpolish(label)
                label.style().polish(label)


class TileGrid(QWidget):
    """Tiles in as many columns as fit: a narrow dock stacks them, a wide one spreads them."""

    def __init__(self, min_tile_width: int = 170, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._min_width = min_tile_width
        self._tiles: list[QWidget] = []
        self._columns = 0
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(6)

    def add(self, tile: QWidget) -> None:
        self._tiles.append(tile)
        self._relayout(force=True)

    def _relayout(self, *, force: bool = False) -> None:
        width = max(self.width(), self._min_width)
        columns = max(1, min(len(self._tiles), width // (self._min_width + self._grid.spacing())))
        if columns == self._columns and not force:
            return
        self._columns = columns
        for tile in self._tiles:
            self._grid.removeWidget(tile)
        for index, tile in enumerate(self._tiles):
            self._grid.addWidget(tile, index // columns, index % columns)
        for column in range(self._grid.columnCount()):
            self._grid.setColumnStretch(column, 1 if column < columns else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._relayout()

"""KPI tiles: a caption, a big value, a small detail line; red when something needs attention.

Colours come from the palette, not a style sheet: a normal tile paints with the theme's Base
colour and follows a light/dark switch by itself; the red state is a partial palette (only the
roles it overrides), so everything else still follows the theme. Tests read ``tile.alert``.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QPalette, QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLayout, QSizePolicy, QVBoxLayout, QWidget

from bo_desktop.widgets.labels import mute, plain_label

ALERT_BACKGROUND = QColor("#c62828")  # readable white text on it in both themes


def _alert_palette() -> QPalette:
    palette = QPalette()  # only the roles set here are overridden; the rest follow the theme
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
        palette.setColor(role, ALERT_BACKGROUND)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text):
        palette.setColor(role, QColor("white"))
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#ffe3e3"))
    return palette


class KpiTile(QFrame):
    def __init__(self, key: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.alert = False
        self.setObjectName(f"kpi.{key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.caption = mute(plain_label(caption))
        self.value = plain_label("—")
        self.value.setObjectName("value")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        self.value.setFont(font)
        self.detail = mute(plain_label(" "))
        for label in (self.caption, self.value, self.detail):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(0)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)

    def set_value(self, value: str, detail: str = " ", *, alert: bool = False) -> None:
        self.value.setText(value)
        self.detail.setText(detail)
        self.setToolTip(f"{self.caption.text()}: {value}" + (f" — {detail}" if detail.strip() else ""))
        if alert != self.alert:
            self.alert = alert
            self.setPalette(_alert_palette() if alert else QPalette())
            # The value label is not muted: it takes Text/WindowText, which the palette sets.


class TileGrid(QWidget):
    """Tiles in as many columns as fit: a narrow dock stacks them, a wide one spreads them.

    The grid's own minimum would be "columns x tile width" for the columns chosen at the
    current width, which would stop the dock from ever shrinking again; so the layout is
    unconstrained and the minimum reported to the parent is one column.
    """

    def __init__(self, min_tile_width: int = 170, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._min_width = min_tile_width
        self._tiles: list[QWidget] = []
        self._columns = 0
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(6)
        self._grid.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)

    def add(self, tile: QWidget) -> None:
        tile.setMinimumWidth(self._min_width)  # overrides the labels' text width: columns fit
        self._tiles.append(tile)
        self._relayout(force=True)

    def columns_for(self, width: int) -> int:
        return max(
            1,
            min(len(self._tiles), (width + self._grid.spacing()) // (self._min_width + self._grid.spacing())),
        )

    def _relayout(self, *, force: bool = False) -> None:
        columns = self.columns_for(max(self.width(), self._min_width))
        if columns == self._columns and not force:
            return
        self._columns = columns
        for tile in self._tiles:
            self._grid.removeWidget(tile)
        for index, tile in enumerate(self._tiles):
            self._grid.addWidget(tile, index // columns, index % columns)
        for column in range(self._grid.columnCount()):
            self._grid.setColumnStretch(column, 1 if column < columns else 0)
        self.updateGeometry()  # the height changed with the number of rows

    def _height(self) -> int:
        if not self._tiles:
            return 0
        rows = -(-len(self._tiles) // max(1, self._columns))
        tile = max(t.sizeHint().height() for t in self._tiles)
        return rows * tile + (rows - 1) * self._grid.spacing()

    def minimumSizeHint(self) -> QSize:
        return QSize(self._min_width, self._height())

    def sizeHint(self) -> QSize:
        return QSize((self._min_width + self._grid.spacing()) * min(len(self._tiles), 6), self._height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._relayout()

"""The risk badge: the score on a pill coloured by level, readable in light and dark themes."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

# (fill, text) per level: saturated fills with white or near-black text keep the contrast above
# 4.5:1 on both themes, and the level is also in the tooltip for those who do not see colour.
RISK_COLOURS: dict[str, tuple[str, str]] = {
    "low": ("#2e7d32", "#ffffff"),
    "medium": ("#f9a825", "#1a1a1a"),
    "high": ("#e65100", "#ffffff"),
    "critical": ("#b71c1c", "#ffffff"),
}


def risk_colours(level: str) -> tuple[QColor, QColor]:
    fill, text = RISK_COLOURS.get(level, ("#607d8b", "#ffffff"))
    return QColor(fill), QColor(text)


class RiskBadgeDelegate(QStyledItemDelegate):
    """Paints ``DisplayRole`` (the score) on a pill whose colour comes from ``level_role``."""

    def __init__(self, level_role: int, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self._level_role = level_role

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        # The background first (selection, alternating rows), then the pill on top of it.
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        fill, ink = risk_colours(str(index.data(self._level_role) or ""))
        metrics = opt.fontMetrics
        width = max(metrics.horizontalAdvance("100") + 14, metrics.horizontalAdvance(text) + 14)
        height = metrics.height() + 2
        rect: QRect = opt.rect
        pill = QRect(rect.x() + 6, rect.center().y() - height // 2 + 1, width, height)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(pill, height / 2, height / 2)
        painter.setPen(ink)
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        base = super().sizeHint(option, index)
        return QSize(max(base.width(), option.fontMetrics.horizontalAdvance("100") + 26), base.height())

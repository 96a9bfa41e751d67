"""The alerts table: one row per alert, sorted model-side, updated in place by live events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from bo_desktop.contract.alerts import Alert
from bo_desktop.contract.enums import Severity
from bo_desktop.widgets.money import format_money
from bo_desktop.widgets.record_table import RecordTableModel

from .service import STATUS_LABELS

SortRole = Qt.ItemDataRole.UserRole + 1
AlertRole = Qt.ItemDataRole.UserRole + 2
Index = QModelIndex | QPersistentModelIndex

SEVERITY_RANK = {s: rank for rank, s in enumerate(Severity)}
# Muted fills readable with dark text in both themes; critical/high must stand out in a long list.
SEVERITY_COLOURS = {
    Severity.CRITICAL: QColor("#f4b4b4"),
    Severity.HIGH: QColor("#f8d3a6"),
    Severity.MEDIUM: QColor("#f3e8a8"),
}


class Col(IntEnum):
    SEVERITY = 0
    RULE = 1
    PLAYER = 2
    AMOUNT = 3
    AGE = 4
    ASSIGNEE = 5
    STATUS = 6


HEADERS = {
    Col.SEVERITY: "Severity",
    Col.RULE: "Rule",
    Col.PLAYER: "Player",
    Col.AMOUNT: "Amount",
    Col.AGE: "Age",
    Col.ASSIGNEE: "Assignee",
    Col.STATUS: "Status",
}


def age_text(created: datetime, now: datetime) -> str:
    seconds = max(0, int((now - created).total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"


class AlertsModel(RecordTableModel[Alert]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__([HEADERS[col] for col in Col], parent)
        self._sort: tuple[int, Qt.SortOrder] = (Col.AGE, Qt.SortOrder.AscendingOrder)
        self.now: Callable[[], datetime] = lambda: datetime.now(UTC)

    # -- Qt API ----------------------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        alert = self.record(index)
        if alert is None:
            return None
        col = Col(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(alert, col)
        if role == SortRole:
            return self._sort_key(alert, col)
        if role == AlertRole:
            return alert
        if role == Qt.ItemDataRole.BackgroundRole and col == Col.SEVERITY:
            return SEVERITY_COLOURS.get(alert.severity)
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and col == Col.SEVERITY
            and alert.severity in SEVERITY_COLOURS
        ):
            return QColor("#1a1a1a")
        if role == Qt.ItemDataRole.TextAlignmentRole and col == Col.AMOUNT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col == Col.RULE:
            return alert.rule
        return None

    def _display(self, alert: Alert, col: Col) -> str:
        if col == Col.SEVERITY:
            return alert.severity.value.capitalize()
        if col == Col.RULE:
            return alert.rule_label
        if col == Col.PLAYER:
            return f"{alert.player_name} ({alert.player_id})"
        if col == Col.AMOUNT:
            return format_money(alert.amount_minor, alert.currency) if alert.amount_minor is not None else ""
        if col == Col.AGE:
            return age_text(alert.created_at, self.now())
        if col == Col.ASSIGNEE:
            return alert.assignee_name or "—"
        return STATUS_LABELS[alert.status]

    def _sort_key(self, alert: Alert, col: Col) -> Any:
        if col == Col.SEVERITY:
            return SEVERITY_RANK[alert.severity]
        if col == Col.AMOUNT:
            return alert.amount_minor if alert.amount_minor is not None else -1
        if col == Col.AGE:
            return -alert.created_at.timestamp()  # ascending age = newest first
        if col == Col.PLAYER:
            return alert.player_name.casefold()
        return self._display(alert, col).casefold()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(Col):
            return
        self._sort = (column, order)
        col = Col(column)
        # Through the base's reorder: the selected alert stays selected (a sort in place left the
        # selection on the row position, i.e. on a different alert).
        self._sort_by(lambda a: (self._sort_key(a, col), a.id), order)

    # -- content ---------------------------------------------------------------------------------

    def refresh_ages(self) -> None:
        """Ages are relative to now: repaint that one column (no reload, no re-sort)."""
        if self._rows:
            self.dataChanged.emit(self.index(0, Col.AGE), self.index(len(self._rows) - 1, Col.AGE))

    def set_alerts(self, alerts: list[Alert]) -> None:
        self.beginResetModel()
        self._rows = list(alerts)
        self.endResetModel()
        self.sort(*self._sort)

    def alert_at(self, row: int) -> Alert | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, alert_id: str) -> int:
        return next((i for i, a in enumerate(self._rows) if a.id == alert_id), -1)

    def upsert(self, alert: Alert, keep: bool) -> None:
        """Apply a newer representation: update in place, add, or drop it when ``keep`` is false
        (it no longer matches the filter). Older versions arriving late are ignored."""
        row = self.row_of(alert.id)
        if row >= 0:
            if self._rows[row].version > alert.version:
                return
            if not keep:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
                return
            self._rows[row] = alert
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(Col) - 1))
            return
        if keep:
            self.beginInsertRows(QModelIndex(), 0, 0)
            self._rows.insert(0, alert)
            self.endInsertRows()
            self.sort(*self._sort)  # a new alert lands where the user's sort puts it

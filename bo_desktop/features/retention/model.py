"""The cohort table: one row per cohort, its totals, then one column per period offset.

Offset columns show period-N or rolling retention (``set_rolling``); the triangle's empty corner
(periods that have not happened yet) is blank, and sorts after every value. Sorting is model-side
on raw values (``SORT_ROLE``).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from bo_desktop.contract.retention import Cohort, CohortReport
from bo_desktop.widgets.money import format_money

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class CohortColumn(IntEnum):
    START = 0
    SIZE = 1
    CHURNED = 2
    DEPOSITS = 3
    NGR = 4
    ARPU = 5
    LTV = 6


HEADERS = {
    CohortColumn.START: "Cohort",
    CohortColumn.SIZE: "Players",
    CohortColumn.CHURNED: "Churned",
    CohortColumn.DEPOSITS: "Deposits",
    CohortColumn.NGR: "NGR",
    CohortColumn.ARPU: "ARPU / period",
    CohortColumn.LTV: "LTV to date",
}
_MONEY = {CohortColumn.DEPOSITS, CohortColumn.NGR, CohortColumn.ARPU, CohortColumn.LTV}
FIXED = len(CohortColumn)


def cohort_label(cohort: Cohort, period: str) -> str:
    return f"{cohort.start:%Y-%m-%d}" if period == "week" else f"{cohort.start:%Y-%m}"


class CohortTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.cohorts: list[Cohort] = []
        self.period = "month"
        self.offsets = 0
        self.rolling = False

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.cohorts)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else FIXED + self.offsets

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section < FIXED:
            return HEADERS[CohortColumn(section)]
        return f"{'W' if self.period == 'week' else 'M'}{section - FIXED}"

    def raw(self, cohort: Cohort, column: int) -> Any:
        if column >= FIXED:
            offset = column - FIXED
            if offset >= len(cohort.cells):
                return None
            cell = cohort.cells[offset]
            return cell.rolling_retention if self.rolling else cell.retention
        return {
            CohortColumn.START: cohort.start,
            CohortColumn.SIZE: cohort.size,
            CohortColumn.CHURNED: cohort.churned,
            CohortColumn.DEPOSITS: cohort.deposits_eur_minor,
            CohortColumn.NGR: cohort.ngr_eur_minor,
            CohortColumn.ARPU: cohort.arpu_eur_minor,
            CohortColumn.LTV: cohort.ltv_eur_minor,
        }[CohortColumn(column)]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        cohort, column = self.cohorts[index.row()], index.column()
        raw = self.raw(cohort, column)
        if role == Qt.ItemDataRole.DisplayRole:
            if raw is None:
                return ""
            if column == CohortColumn.START:
                return cohort_label(cohort, self.period)
            if column in _MONEY:
                return format_money(raw, "EUR")
            if column >= FIXED:
                return f"{raw:.0%}" if cohort.size else "—"
            return f"{raw:,}"
        if role == SORT_ROLE:
            return raw
        if role == Qt.ItemDataRole.TextAlignmentRole and column != CohortColumn.START:
            return _RIGHT
        if role == Qt.ItemDataRole.ToolTipRole and column >= FIXED and raw is not None:
            cell = cohort.cells[column - FIXED]
            deposits, ngr = (
                format_money(cell.deposits_eur_minor, "EUR"),
                format_money(cell.ngr_eur_minor, "EUR"),
            )
            return f"{cell.active:,} of {cohort.size:,} active · deposits {deposits} · NGR {ngr}"
        return None

    def show_report(self, report: CohortReport) -> None:
        self.beginResetModel()
        self.cohorts = list(report.cohorts)
        self.period = report.period.value
        self.offsets = max((len(c.cells) for c in self.cohorts), default=0)
        self.endResetModel()

    def set_rolling(self, rolling: bool) -> None:
        self.rolling = rolling
        if self.cohorts and self.offsets:
            self.dataChanged.emit(
                self.index(0, FIXED), self.index(len(self.cohorts) - 1, FIXED + self.offsets - 1)
            )

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        descending = order == Qt.SortOrder.DescendingOrder

        def key(cohort: Cohort) -> tuple[bool, Any]:
            value = self.raw(cohort, column)
            return (value is None) != descending, value if value is not None else 0

        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        ids = [id(c) for c in self.cohorts]
        self.cohorts.sort(key=key, reverse=descending)
        position = {id(c): row for row, c in enumerate(self.cohorts)}
        new = [self.index(position[ids[i.row()]], i.column()) for i in old]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

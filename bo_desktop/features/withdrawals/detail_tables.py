"""Small read-only tables of the detail pane (a player's last transactions, accounts, cases).

They hold at most a few dozen rows, so one generic model over prepared rows is enough; each row
carries display strings and, per cell, a raw value to sort by.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from bo_desktop.widgets.record_table import RecordTableModel

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Cell:
    text: str
    sort: Any = None
    right: bool = False  # numbers and money align right
    tooltip: str | None = None


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    emphasis: bool = False  # bold: the row the reviewer should look at (the payout account)


class RowsModel(RecordTableModel[Row]):
    SortRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, headers: Sequence[str], parent: Any = None) -> None:
        super().__init__(headers, parent)
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.reset_rows(rows)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.record(index)
        if row is None or not 0 <= index.column() < len(row.cells):
            return None
        cell = row.cells[index.column()]
        match role:
            case Qt.ItemDataRole.DisplayRole:
                return cell.text
            case Qt.ItemDataRole.ToolTipRole:
                return cell.tooltip
            case Qt.ItemDataRole.TextAlignmentRole:
                horizontal = Qt.AlignmentFlag.AlignRight if cell.right else Qt.AlignmentFlag.AlignLeft
                return horizontal | Qt.AlignmentFlag.AlignVCenter
            case Qt.ItemDataRole.FontRole:
                return self._bold if row.emphasis else None
            case self.SortRole:
                return cell.sort if cell.sort is not None else cell.text
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._headers):
            return  # -1: "unsorted", i.e. the order the rows came in

        def key(row: Row) -> Any:
            cell = row.cells[column] if column < len(row.cells) else Cell("")
            value = cell.sort if cell.sort is not None else cell.text
            return (value is None, value)

        self._sort_by(key, order)


def small_table(model: RowsModel, name: str, parent: QWidget | None = None) -> QTableView:
    """A compact, sortable, read-only table for the detail pane."""
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(model)
    # No sort indicator at first: rows come in the order that matters (newest first), and a
    # click on a header sorts by that column.
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    view.setMinimumHeight(view.fontMetrics().height() * 7)
    return view

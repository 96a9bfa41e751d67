"""The table view the compliance desks share: rows selected whole, one at a time, sortable by
header click, compact single-line rows, and starting column widths."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from bo_desktop.widgets.naming import named


def record_view(
    model: QAbstractItemModel,
    name: str,
    *,
    sort_column: int,
    sort_order: Qt.SortOrder,
    widths: Mapping[int, int],
    alternating_rows: bool = False,
) -> QTableView:
    view = named(QTableView(), name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setSortingEnabled(True)
    view.sortByColumn(sort_column, sort_order)
    view.setAlternatingRowColors(alternating_rows)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    for column, width in widths.items():
        header.resizeSection(column, width)
    return view

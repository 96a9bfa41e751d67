"""Audit records loaded so far (newest first, "load more" appends), sorted model-side."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from bo_desktop.contract.audit import AuditRecord
from bo_desktop.widgets.record_table import RecordTableModel
from bo_desktop.widgets.tooltip import plain_tooltip

SortRole = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


class Col(IntEnum):
    SEQ = 0
    TIME = 1
    ACTOR = 2
    ACTION = 3
    ENTITY = 4
    REASON = 5


HEADERS = ["Record", "Time", "Actor", "Action", "Entity", "Reason"]


class AuditModel(RecordTableModel[AuditRecord]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(HEADERS, parent)
        self._sort: tuple[int, Qt.SortOrder] = (Col.SEQ, Qt.SortOrder.DescendingOrder)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        record = self.record(index)
        if record is None:
            return None
        col = Col(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(record, col)
        if role == SortRole:
            return record.seq if col in (Col.SEQ, Col.TIME) else self._display(record, col).casefold()
        if role == Qt.ItemDataRole.TextAlignmentRole and col == Col.SEQ:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col == Col.REASON and record.reason:
            return plain_tooltip(record.reason)  # reasons quote free text: never markup
        return None

    def _display(self, record: AuditRecord, col: Col) -> str:
        if col == Col.SEQ:
            return str(record.seq)
        if col == Col.TIME:
            return record.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        if col == Col.ACTOR:
            return record.actor_name
        if col == Col.ACTION:
            return record.action
        if col == Col.ENTITY:
            return f"{record.entity_type} {record.entity_id}"
        return (record.reason or "").replace("\n", " ")

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(Col):
            return
        self._sort = (column, order)
        role_col = Col(column)
        # The selected record (and its before/after diff) stays selected across a sort.
        self._sort_by(
            lambda r: (
                r.seq if role_col in (Col.SEQ, Col.TIME) else self._display(r, role_col).casefold(),
                r.seq,
            ),
            order,
        )

    def set_records(self, records: list[AuditRecord]) -> None:
        self.beginResetModel()
        self._rows = list(records)
        self.endResetModel()
        self.sort(*self._sort)

    def append(self, records: Sequence[AuditRecord]) -> None:
        if records:
            super().append(records)
            self.sort(*self._sort)

    def record_at(self, row: int) -> AuditRecord | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, seq: int) -> int:
        return next((i for i, r in enumerate(self._rows) if r.seq == seq), -1)

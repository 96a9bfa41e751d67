"""The saved-segments table: built-ins, shared and own segments with their current counts.

A few dozen rows at most, so rows are kept as (definition, evaluation) pairs; sorting is still
model-side over raw values (``SORT_ROLE``) like every table of the app.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from bo_desktop.contract.segments import SegmentDefinition, SegmentEvaluation
from bo_desktop.widgets.record_table import RecordTableModel
from bo_desktop.widgets.tooltip import plain_tooltip

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class SegmentColumn(IntEnum):
    NAME = 0
    KIND = 1
    MEMBERS = 2
    EXCLUDED = 3
    OWNER = 4


HEADERS = {
    SegmentColumn.NAME: "Segment",
    SegmentColumn.KIND: "Kind",
    SegmentColumn.MEMBERS: "Members",
    SegmentColumn.EXCLUDED: "Left out (RG)",
    SegmentColumn.OWNER: "Created by",
}


def kind_of(segment: SegmentDefinition) -> str:
    if segment.builtin:
        return "Built-in"
    kind = "Shared" if segment.shared else "Private"
    return kind if segment.marketing else f"{kind}, no marketing"


Segment = tuple[SegmentDefinition, SegmentEvaluation]


class SegmentListModel(RecordTableModel[Segment]):
    def __init__(self, staff_names: dict[str, str] | None = None, parent: Any = None) -> None:
        super().__init__([HEADERS[column] for column in SegmentColumn], parent)
        self._staff = staff_names or {}

    def _raw(self, row: int, column: SegmentColumn) -> Any:
        segment, evaluation = self._rows[row]
        if column == SegmentColumn.NAME:
            return segment.name
        if column == SegmentColumn.KIND:
            return kind_of(segment)
        if column == SegmentColumn.MEMBERS:
            return evaluation.members
        if column == SegmentColumn.EXCLUDED:
            return evaluation.excluded_by_rg_guard
        if segment.created_by is None:
            return ""
        return self._staff.get(segment.created_by, segment.created_by)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.record(index) is None:
            return None
        row, column = index.row(), SegmentColumn(index.column())
        raw = self._raw(row, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{raw:,}" if isinstance(raw, int) else raw
        if role == SORT_ROLE:
            return raw
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(raw, int):
            return _RIGHT
        if role == Qt.ItemDataRole.ToolTipRole and column == SegmentColumn.NAME:
            segment = self._rows[row][0]
            return plain_tooltip(segment.description or segment.name)
        return None

    def segment(self, row: int) -> SegmentDefinition:
        return self._rows[row][0]

    def row_of(self, segment_id: str) -> int:
        return next((i for i, (s, _e) in enumerate(self._rows) if s.id == segment_id), -1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SegmentColumn(column)
        permutation = sorted(
            range(len(self._rows)),
            key=lambda i: (self._raw(i, key), self._rows[i][0].id),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        self._reorder(permutation)

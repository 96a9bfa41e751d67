"""The part every record table shares: a list of contract records, a fixed header row.

Feature models keep what differs (display text, sort keys, colours, live updates) and inherit the
Qt bookkeeping from here instead of restating it, so a fix to counts, headers, resets, appended
pages or the selection kept across a sort lands everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex


def missing_last(value: Any, descending: bool) -> tuple[bool, Any]:
    """A sort key that puts None (no figure yet) after every value, whichever the direction."""
    return (value is None) != descending, value if value is not None else 0


class RecordTableModel(QAbstractTableModel, Generic[R]):
    """A flat table over ``self._rows`` (one record per row) with ``headers`` as its columns."""

    def __init__(self, headers: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._rows: list[R] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._headers)
        ):
            return self._headers[section]
        return None

    def record(self, index: Index) -> R | None:
        """The record behind ``index``, or None for an invalid or stale index."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._rows[index.row()]

    def reset_rows(self, rows: Iterable[R] = ()) -> None:
        """Replace every row in one model reset."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def append(self, rows: Sequence[R]) -> None:
        """Add a page of rows at the end in one insert (views keep their scroll position)."""
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    def _reorder(self, permutation: Sequence[int]) -> None:
        """Put row ``permutation[i]`` at ``i`` as one layout change; selections follow their rows."""
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        position = {source: target for target, source in enumerate(permutation)}
        self._rows = [self._rows[i] for i in permutation]
        self.changePersistentIndexList(old, [self.index(position[i.row()], i.column()) for i in old])
        self.layoutChanged.emit()

    def _sort_by(self, key: Callable[[R], Any], order: Qt.SortOrder) -> None:
        """A stable sort of the records on ``key``, applied with ``_reorder``."""
        permutation = sorted(
            range(len(self._rows)),
            key=lambda i: key(self._rows[i]),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        self._reorder(permutation)

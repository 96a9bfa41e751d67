"""Small table models of a ticket's links and attachments (tens of rows, rebuilt on reload)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from bo_desktop.contract.disputes import DisputeAttachment, DisputeLink
from bo_desktop.widgets.money import format_money
from bo_desktop.widgets.record_table import RecordTableModel

from .domain import LINK_LABELS

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex
Column = tuple[str, Callable[[Any], str], Callable[[Any], Any]]  # header, display, sort value


def _when(value: Any) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value is not None else "—"


def _size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{max(1, round(size / 1000))} kB"


class RecordsModel(RecordTableModel[T]):
    """Read-only rows of contract models, one column per (header, display, sort) triple."""

    SORT_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, columns: Sequence[Column], parent: Any = None) -> None:
        super().__init__([header for header, _display, _sort in columns], parent)
        self._columns = list(columns)

    def set_items(self, items: Sequence[T]) -> None:
        self.reset_rows(items)

    def item(self, row: int) -> T:
        return self._rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.record(index)
        if item is None:
            return None
        _header, display, sort_value = self._columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return display(item)
        if role == self.SORT_ROLE:
            return sort_value(item)
        return None


def _amount(link: DisputeLink) -> str:
    return format_money(link.amount_minor, link.currency) if link.amount_minor is not None else "—"


LINK_COLUMNS: list[Column] = [
    ("Kind", lambda link: LINK_LABELS.get(link.kind, link.kind), lambda link: link.kind),
    ("Id", lambda link: link.target_id, lambda link: link.target_id),
    ("What", lambda link: link.detail or "—", lambda link: link.detail or ""),
    ("Amount", _amount, lambda link: link.amount_minor or 0),
    ("When", lambda link: _when(link.occurred_at), lambda link: link.occurred_at),
]
ATTACHMENT_COLUMNS: list[Column] = [
    ("File", lambda a: a.file_name, lambda a: a.file_name.lower()),
    ("Type", lambda a: a.content_type, lambda a: a.content_type),
    ("Size", lambda a: _size(a.size_bytes), lambda a: a.size_bytes),
    (
        "From",
        lambda a: a.uploaded_by_name + ("" if a.uploaded_by_id else " (player)"),
        lambda a: a.uploaded_by_name,
    ),
    ("When", lambda a: _when(a.uploaded_at), lambda a: a.uploaded_at),
]


def links_model(parent: Any = None) -> RecordsModel[DisputeLink]:
    return RecordsModel(LINK_COLUMNS, parent)


def attachments_model(parent: Any = None) -> RecordsModel[DisputeAttachment]:
    return RecordsModel(ATTACHMENT_COLUMNS, parent)

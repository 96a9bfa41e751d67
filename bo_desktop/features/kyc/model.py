"""The KYC queue table: oldest upload first, model-side sort, rows leave when decided."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from bo_desktop.contract.compliance import KycQueueItem
from bo_desktop.widgets.record_table import RecordTableModel

from .service import KIND_LABELS, bank_identity

SortRole = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


class Col(IntEnum):
    WAITING = 0
    PLAYER = 1
    DOCUMENT = 2
    FILE = 3
    COUNTRY = 4
    KYC = 5
    IDENTITY = 6


HEADERS = ["Waiting", "Player", "Document", "File", "Country", "Player KYC", "Bank-verified identity"]


def waiting_text(uploaded: datetime | None, now: datetime) -> str:
    if uploaded is None:
        return ""
    hours = max(0, int((now - uploaded).total_seconds() // 3600))
    return f"{hours} h" if hours < 48 else f"{hours // 24} d"


class KycQueueModel(RecordTableModel[KycQueueItem]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(HEADERS, parent)
        self._sort: tuple[int, Qt.SortOrder] = (Col.WAITING, Qt.SortOrder.DescendingOrder)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.record(index)
        if item is None:
            return None
        col = Col(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(item, col)
        if role == SortRole:
            return self._sort_key(item, col)
        if role == Qt.ItemDataRole.ToolTipRole and col == Col.IDENTITY and item.pay_n_play:
            return "Identity confirmed by the player's bank at registration (Pay-n-Play)."
        return None

    def _display(self, item: KycQueueItem, col: Col) -> str:
        if col == Col.WAITING:
            return waiting_text(item.uploaded_at, datetime.now(UTC))
        if col == Col.PLAYER:
            return f"{item.player_name} ({item.player_id})"
        if col == Col.DOCUMENT:
            return KIND_LABELS[item.kind]
        if col == Col.FILE:
            return item.file_name or ""
        if col == Col.COUNTRY:
            return item.player_country
        if col == Col.KYC:
            return item.player_kyc_status.replace("_", " ").capitalize()
        return bank_identity(item) or "—"

    def _sort_key(self, item: KycQueueItem, col: Col) -> Any:
        if col == Col.WAITING:
            # Longest waiting first when descending: sort on how long ago it arrived.
            return -(item.uploaded_at.timestamp() if item.uploaded_at else 0.0)
        return self._display(item, col).casefold()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(Col):
            return
        self._sort = (column, order)
        col = Col(column)
        # The selected document stays selected (see RecordTableModel._reorder).
        self._sort_by(lambda i: (self._sort_key(i, col), i.id), order)

    def set_items(self, items: list[KycQueueItem]) -> None:
        self.beginResetModel()
        self._rows = list(items)
        self.endResetModel()
        self.sort(*self._sort)

    def item_at(self, row: int) -> KycQueueItem | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, document_id: str) -> int:
        return next((i for i, item in enumerate(self._rows) if item.id == document_id), -1)

    def remove(self, document_id: str) -> None:
        row = self.row_of(document_id)
        if row >= 0:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    def upsert(self, item: KycQueueItem) -> None:
        row = self.row_of(item.id)
        if row >= 0:
            self._rows[row] = item
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(Col) - 1))
        else:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
            self._rows.append(item)
            self.endInsertRows()

    def update_player(self, player_id: str, kyc_status: str, version: int) -> None:
        """A player's KYC state changed elsewhere (another document, another reviewer)."""
        for row, item in enumerate(self._rows):
            if item.player_id == player_id and item.player_version < version:
                self._rows[row] = item.model_copy(
                    update={"player_kyc_status": kyc_status, "player_version": version}
                )
                self.dataChanged.emit(self.index(row, Col.KYC), self.index(row, Col.KYC))

"""Table models of the players feature: search results and a profile's transactions.

Both keep compact columns (one Python list per column) rather than a list of pydantic models:
a heavy player's 50k transactions then cost a few lists of ints and short strings, ``data()`` is
an index into a list, and appending a page is ``beginInsertRows`` + ``list.extend``. Sorting is
model-side over the raw values (``SORT_ROLE``), never a QSortFilterProxyModel.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from bo_desktop.contract.payments import Transaction
from bo_desktop.contract.players import PlayerSummary
from bo_desktop.core.cache import ReferenceCache
from bo_desktop.widgets.tooltip import plain_tooltip

from .format import money, when, words

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_RISKY = QBrush(QColor("#c62828"))
_RISKY_LEVELS = {"high", "critical"}


class PlayerColumn(IntEnum):
    ID = 0
    NAME = 1
    USERNAME = 2
    EMAIL = 3
    COUNTRY = 4
    STATUS = 5
    KYC = 6
    RISK = 7
    VIP = 8
    BALANCE = 9


PLAYER_HEADERS = {
    PlayerColumn.ID: "ID",
    PlayerColumn.NAME: "Name",
    PlayerColumn.USERNAME: "Username",
    PlayerColumn.EMAIL: "E-mail",
    PlayerColumn.COUNTRY: "Country",
    PlayerColumn.STATUS: "Status",
    PlayerColumn.KYC: "KYC",
    PlayerColumn.RISK: "Risk",
    PlayerColumn.VIP: "VIP",
    PlayerColumn.BALANCE: "Balance",
}


class PlayerSearchModel(QAbstractTableModel):
    """Search results, one page after another (``append``), replaced by ``reset_rows``."""

    def __init__(self, cache: ReferenceCache | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._cache = cache
        self._cols: list[list[Any]] = [[] for _ in PlayerColumn]
        self._currency: list[str] = []
        self._pay_n_play: list[bool] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._currency)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(PlayerColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return PLAYER_HEADERS[PlayerColumn(section)]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), PlayerColumn(index.column())
        raw = self._cols[column][row]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == PlayerColumn.BALANCE:
                return money(self._cache, raw, self._currency[row])
            if column in (PlayerColumn.STATUS, PlayerColumn.KYC, PlayerColumn.RISK, PlayerColumn.VIP):
                return words(raw) if raw != "none" else ""
            if column == PlayerColumn.NAME and self._pay_n_play[row]:
                return f"{raw}  · PnP"
            return raw
        if role == SORT_ROLE:
            return raw
        if role == ID_ROLE:
            return self._cols[PlayerColumn.ID][row]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == PlayerColumn.BALANCE:
            return _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and column == PlayerColumn.RISK and raw in _RISKY_LEVELS:
            return _RISKY
        if role == Qt.ItemDataRole.ToolTipRole and column == PlayerColumn.NAME:
            return plain_tooltip(f"{raw} ({self._cols[PlayerColumn.USERNAME][row]})")
        return None

    def player_id(self, row: int) -> str:
        return str(self._cols[PlayerColumn.ID][row])

    def reset_rows(self, players: Sequence[PlayerSummary] = ()) -> None:
        self.beginResetModel()
        for col in self._cols:
            col.clear()
        self._currency.clear()
        self._pay_n_play.clear()
        self._extend(players)
        self.endResetModel()

    def append(self, players: Sequence[PlayerSummary]) -> None:
        if not players:
            return
        first = len(self._currency)
        self.beginInsertRows(QModelIndex(), first, first + len(players) - 1)
        self._extend(players)
        self.endInsertRows()

    def _extend(self, players: Sequence[PlayerSummary]) -> None:
        C = PlayerColumn
        for p in players:
            values = {
                C.ID: p.id,
                C.NAME: f"{p.first_name} {p.last_name}",
                C.USERNAME: p.username,
                C.EMAIL: p.email,
                C.COUNTRY: p.country,
                C.STATUS: p.status.value,
                C.KYC: p.kyc_status.value,
                C.RISK: p.risk_level.value,
                C.VIP: p.vip_tier.value,
                C.BALANCE: p.balance_minor,
            }
            for column, value in values.items():
                self._cols[column].append(value)
            self._currency.append(p.currency)
            self._pay_n_play.append(p.pay_n_play)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        keys = self._cols[column]
        permutation = sorted(
            range(len(keys)), key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder
        )
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        position = {source: target for target, source in enumerate(permutation)}
        self._cols = [[col[i] for i in permutation] for col in self._cols]
        self._currency = [self._currency[i] for i in permutation]
        self._pay_n_play = [self._pay_n_play[i] for i in permutation]
        self.changePersistentIndexList(old, [self.index(position[i.row()], i.column()) for i in old])
        self.layoutChanged.emit()


class TxColumn(IntEnum):
    TIME = 0
    ID = 1
    TYPE = 2
    STATUS = 3
    AMOUNT = 4
    EUR = 5
    PSP = 6
    REFERENCE = 7
    DETAIL = 8


TX_HEADERS = {
    TxColumn.TIME: "Time",
    TxColumn.ID: "ID",
    TxColumn.TYPE: "Type",
    TxColumn.STATUS: "Status",
    TxColumn.AMOUNT: "Amount",
    TxColumn.EUR: "EUR",
    TxColumn.PSP: "PSP",
    TxColumn.REFERENCE: "PSP reference",
    TxColumn.DETAIL: "Method / game",
}
# Money leaving the player's balance is shown negative: staff read a ledger, not a log.
_DEBITS = {"withdrawal", "bet", "bonus_forfeit", "chargeback"}


class TransactionsModel(QAbstractTableModel):
    """A player's transactions in server order (newest first), appended page by page."""

    def __init__(self, cache: ReferenceCache | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._cache = cache
        self._cols: list[list[Any]] = [[] for _ in TxColumn]
        self._currency: list[str] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._currency)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(TxColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return TX_HEADERS[TxColumn(section)]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), TxColumn(index.column())
        raw = self._cols[column][row]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == TxColumn.TIME:
                return when(raw, seconds=True)
            if column == TxColumn.AMOUNT:
                return money(self._cache, raw, self._currency[row])
            if column == TxColumn.EUR:
                return money(self._cache, raw, "EUR")
            if column in (TxColumn.TYPE, TxColumn.STATUS):
                return words(raw)
            if column == TxColumn.PSP:
                return self._cache.psp_name(raw) if self._cache is not None and raw else (raw or "")
            if column == TxColumn.DETAIL and raw:
                game = self._cache.label("games", raw, default="") if self._cache is not None else ""
                return game or words(raw)  # a payment method ("bank_transfer") is not a game
            return raw or ""
        if role == SORT_ROLE:
            return raw
        if role == ID_ROLE:
            return self._cols[TxColumn.ID][row]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (TxColumn.AMOUNT, TxColumn.EUR):
            return _RIGHT
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and column == TxColumn.STATUS
            and raw in ("failed", "reversed")
        ):
            return _RISKY
        return None

    def clear(self) -> None:
        self.beginResetModel()
        for col in self._cols:
            col.clear()
        self._currency.clear()
        self.endResetModel()

    def append(self, transactions: Sequence[Transaction]) -> None:
        if not transactions:
            return
        first = len(self._currency)
        self.beginInsertRows(QModelIndex(), first, first + len(transactions) - 1)
        C = TxColumn
        cols = self._cols
        for t in transactions:
            signed = -t.amount_minor if t.type.value in _DEBITS else t.amount_minor
            cols[C.TIME].append(t.created_at)
            cols[C.ID].append(t.id)
            cols[C.TYPE].append(t.type.value)
            cols[C.STATUS].append(t.status.value)
            cols[C.AMOUNT].append(signed)
            cols[C.EUR].append(-t.amount_eur_minor if t.type.value in _DEBITS else t.amount_eur_minor)
            cols[C.PSP].append(t.psp.value if t.psp else None)
            cols[C.REFERENCE].append(t.psp_reference)
            cols[C.DETAIL].append(t.method or t.game_id)
            self._currency.append(t.currency)
        self.endInsertRows()

    def created_at(self, row: int) -> datetime:
        value: datetime = self._cols[TxColumn.TIME][row]
        return value

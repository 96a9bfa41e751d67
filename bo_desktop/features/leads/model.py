"""The funnel table: one row per source/affiliate/campaign, stages as counts and rates.

The "All" total row is kept apart (``total``) so sorting never moves it into the middle; the
panel shows it in the status line. Sorting is model-side over raw values (``SORT_ROLE``), with
rates that cannot exist (no registrations) after every number.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from bo_desktop.contract.leads import FunnelRow
from bo_desktop.contract.players import PlayerSummary
from bo_desktop.widgets.money import format_money
from bo_desktop.widgets.record_table import RecordTableModel, missing_last

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class FunnelColumn(IntEnum):
    KEY = 0
    LEADS = 1
    REGISTRATIONS = 2
    KYC = 3
    KYC_RATE = 4
    FIRST_DEPOSIT = 5
    DEPOSIT_RATE = 6
    DAY30 = 7
    DAY30_RATE = 8
    CPA = 9
    NGR = 10


HEADERS = {
    FunnelColumn.KEY: "Group",
    FunnelColumn.LEADS: "Leads",
    FunnelColumn.REGISTRATIONS: "Registrations",
    FunnelColumn.KYC: "KYC verified",
    FunnelColumn.KYC_RATE: "KYC %",
    FunnelColumn.FIRST_DEPOSIT: "First deposit",
    FunnelColumn.DEPOSIT_RATE: "Deposit %",
    FunnelColumn.DAY30: "Active day 30",
    FunnelColumn.DAY30_RATE: "Day-30 % of FTD",
    FunnelColumn.CPA: "CPA",
    FunnelColumn.NGR: "NGR to date",
}
_RATES = {FunnelColumn.KYC_RATE, FunnelColumn.DEPOSIT_RATE, FunnelColumn.DAY30_RATE}
_MONEY = {FunnelColumn.CPA, FunnelColumn.NGR}


def raw_value(row: FunnelRow, column: FunnelColumn) -> Any:
    return {
        FunnelColumn.KEY: row.key,
        FunnelColumn.LEADS: row.leads,
        FunnelColumn.REGISTRATIONS: row.registrations,
        FunnelColumn.KYC: row.kyc_verified,
        FunnelColumn.KYC_RATE: row.kyc_rate,
        FunnelColumn.FIRST_DEPOSIT: row.first_deposit,
        FunnelColumn.DEPOSIT_RATE: row.deposit_rate,
        FunnelColumn.DAY30: row.active_day30,
        FunnelColumn.DAY30_RATE: row.day30_rate,
        FunnelColumn.CPA: row.cpa_eur_minor,
        FunnelColumn.NGR: row.ngr_eur_minor,
    }[column]


def shown_value(column: FunnelColumn, raw: Any) -> str:
    if raw is None:
        return "—"  # not known (leads, spend) or not defined (a rate over nobody)
    if column in _RATES:
        return f"{raw:.1%}"
    if column in _MONEY:
        return format_money(raw, "EUR")
    return f"{raw:,}" if isinstance(raw, int) else str(raw).replace("_", " ")


class FunnelModel(RecordTableModel[FunnelRow]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__([HEADERS[column] for column in FunnelColumn], parent)

    @property
    def rows(self) -> list[FunnelRow]:
        return self._rows

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.record(index)
        if row is None:
            return None
        column = FunnelColumn(index.column())
        raw = raw_value(row, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return shown_value(column, raw)
        if role == SORT_ROLE:
            return raw
        if role == Qt.ItemDataRole.TextAlignmentRole and column != FunnelColumn.KEY:
            return _RIGHT
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and column in (FunnelColumn.LEADS, FunnelColumn.CPA)
            and raw is None
        ):
            return "The platform has no lead or spend figures for this group."
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        descending = order == Qt.SortOrder.DescendingOrder
        key_column = FunnelColumn(column)
        self._sort_by(lambda row: missing_last(raw_value(row, key_column), descending), order)


class DrillColumn(IntEnum):
    ID = 0
    NAME = 1
    COUNTRY = 2
    STATUS = 3
    KYC = 4
    REGISTERED = 5


DRILL_HEADERS = {0: "Player", 1: "Name", 2: "Country", 3: "Status", 4: "KYC", 5: "Registered (UTC)"}


class DrillModel(RecordTableModel[PlayerSummary]):
    """The players behind one funnel cell, a page at a time (``append``)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__([DRILL_HEADERS[column] for column in DrillColumn], parent)

    @property
    def players(self) -> list[PlayerSummary]:
        return self._rows

    def raw(self, p: PlayerSummary, column: int) -> Any:
        return (
            p.id,
            f"{p.first_name} {p.last_name}",
            p.country,
            p.status.value,
            p.kyc_status.value,
            p.registered_at,
        )[column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        player = self.record(index)
        if player is None:
            return None
        raw = self.raw(player, index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return raw.strftime("%Y-%m-%d %H:%M") if index.column() == DrillColumn.REGISTERED else raw
        if role == SORT_ROLE:
            return raw
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_by(lambda player: self.raw(player, column), order)

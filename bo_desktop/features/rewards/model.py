"""Table models of the rewards dock: template results, granted bonuses, loyalty per tier.

Each keeps its rows as contract objects (templates and tiers are a handful; bonuses arrive a page
at a time and are appended with ``beginInsertRows``). ``SORT_ROLE`` gives the raw value, and
sorting is model-side on it, with None (no outcome yet) after every number.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import Any, TypeVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from bo_desktop.contract.players import Bonus
from bo_desktop.contract.rewards import LoyaltyTierStats, TemplateStats
from bo_desktop.widgets.money import format_money
from bo_desktop.widgets.record_table import RecordTableModel, missing_last

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
RowT = TypeVar("RowT")


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


class RowsModel(RecordTableModel[RowT]):
    """Rows of one contract type; subclasses say what each column's raw and shown values are."""

    COLUMNS: type[IntEnum]
    HEADERS: dict[int, str]
    NUMERIC: frozenset[int] = frozenset()

    def __init__(self, parent: Any = None) -> None:
        super().__init__([self.HEADERS[column] for column in self.COLUMNS], parent)
        self._sorted_by: tuple[int, Qt.SortOrder] | None = None  # re-applied when rows are replaced

    @property
    def rows(self) -> list[RowT]:
        return self._rows

    def raw(self, row: RowT, column: int) -> Any:
        raise NotImplementedError

    def shown(self, row: RowT, column: int, raw: Any) -> str:
        return "" if raw is None else f"{raw:,}" if isinstance(raw, int) else str(raw)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.record(index)
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.shown(row, column, self.raw(row, column))
        if role == SORT_ROLE:
            return self.raw(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.NUMERIC:
            return _RIGHT
        return None

    def reset_rows(self, rows: Iterable[RowT] = ()) -> None:
        super().reset_rows(rows)
        if self._sorted_by is not None:
            self.sort(*self._sorted_by)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sorted_by = (column, order)
        descending = order == Qt.SortOrder.DescendingOrder
        self._sort_by(lambda row: missing_last(self.raw(row, column), descending), order)


class TemplateColumn(IntEnum):
    NAME = 0
    KIND = 1
    VALUE = 2
    WAGERING = 3
    GRANTED = 4
    ACTIVE = 5
    PROGRESS = 6
    CONVERTED = 7
    CONVERSION = 8
    COST = 9


class TemplateStatsModel(RowsModel[TemplateStats]):
    COLUMNS = TemplateColumn
    HEADERS = {0: "Template", 1: "Kind", 2: "Value", 3: "Wagering", 4: "Granted", 5: "Active",
               6: "Avg progress", 7: "Converted", 8: "Conversion", 9: "Cost (EUR)"}  # fmt: skip
    NUMERIC = frozenset(range(2, 10))

    def raw(self, row: TemplateStats, column: int) -> Any:
        C = TemplateColumn
        return {
            C.NAME: row.name,
            C.KIND: row.kind.replace("_", " "),
            C.VALUE: row.amount_eur_minor,
            C.WAGERING: row.wagering_multiplier,
            C.GRANTED: row.granted,
            C.ACTIVE: row.active,
            C.PROGRESS: row.avg_wagering_progress,
            C.CONVERTED: row.converted,
            C.CONVERSION: row.conversion_rate,
            C.COST: row.cost_eur_minor,
        }[TemplateColumn(column)]

    def shown(self, row: TemplateStats, column: int, raw: Any) -> str:
        if column in (TemplateColumn.VALUE, TemplateColumn.COST):
            return format_money(raw, "EUR")
        if column in (TemplateColumn.PROGRESS, TemplateColumn.CONVERSION):
            return percent(raw)
        if column == TemplateColumn.WAGERING:
            return f"{raw}×"
        return super().shown(row, column, raw)


class BonusColumn(IntEnum):
    ID = 0
    PLAYER = 1
    NAME = 2
    AMOUNT = 3
    PROGRESS = 4
    STATUS = 5
    GRANTED = 6
    EXPIRES = 7
    BY = 8


class BonusModel(RowsModel[Bonus]):
    COLUMNS = BonusColumn
    HEADERS = {0: "Bonus", 1: "Player", 2: "Bonus name", 3: "Amount", 4: "Wagering progress",
               5: "Status", 6: "Granted (UTC)", 7: "Expires (UTC)", 8: "Granted by"}  # fmt: skip
    NUMERIC = frozenset({BonusColumn.AMOUNT, BonusColumn.PROGRESS})

    def __init__(self, staff_names: dict[str, str] | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.staff = staff_names or {}

    def raw(self, row: Bonus, column: int) -> Any:
        C = BonusColumn
        progress = row.wagered_minor / row.wagering_required_minor if row.wagering_required_minor else None
        return {
            C.ID: row.id,
            C.PLAYER: row.player_id,
            C.NAME: row.name,
            C.AMOUNT: row.amount_minor,
            C.PROGRESS: None if progress is None else min(1.0, progress),
            C.STATUS: row.status.value,
            C.GRANTED: row.granted_at,
            C.EXPIRES: row.expires_at,
            C.BY: self.staff.get(row.granted_by, row.granted_by) if row.granted_by else "",
        }[BonusColumn(column)]

    def shown(self, row: Bonus, column: int, raw: Any) -> str:
        if column == BonusColumn.AMOUNT:
            return format_money(raw, row.currency)
        if column == BonusColumn.PROGRESS:
            return f"{percent(raw)} of {format_money(row.wagering_required_minor, row.currency)}"
        if column in (BonusColumn.GRANTED, BonusColumn.EXPIRES):
            return raw.strftime("%Y-%m-%d %H:%M") if raw else ""
        return super().shown(row, column, raw)


class TierColumn(IntEnum):
    TIER = 0
    PLAYERS = 1
    EARNED = 2
    REDEEMED = 3
    BALANCE = 4


class LoyaltyTierModel(RowsModel[LoyaltyTierStats]):
    COLUMNS = TierColumn
    HEADERS = {0: "VIP tier", 1: "Players", 2: "Points earned", 3: "Points redeemed", 4: "Points held"}
    NUMERIC = frozenset(range(1, 5))

    def raw(self, row: LoyaltyTierStats, column: int) -> Any:
        C = TierColumn
        return {
            C.TIER: "No tier" if row.tier.value == "none" else row.tier.value.capitalize(),
            C.PLAYERS: row.players,
            C.EARNED: row.points_earned,
            C.REDEEMED: row.points_redeemed,
            C.BALANCE: row.points_balance,
        }[TierColumn(column)]

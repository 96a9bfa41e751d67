"""``WithdrawalQueueModel``: the queue table over a :class:`QueueStore`, sorted and filtered here.

The view shows ``_rows`` (slots, in display order). Sorting is a ``sorted`` over one key column and
a layout change that carries persistent indexes along, so the selection survives a re-sort.
Filtering recomputes ``_rows`` with a model reset; the panel re-selects the current item by id.

Live changes (:meth:`apply`) keep the user's place: an updated row changes *in place* (no jump
to its new sort position under the cursor), a row that stops matching is removed, new rows are
inserted at their sorted position in as few ``beginInsertRows`` calls as there are gaps.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont

from bo_desktop.contract.payments import Withdrawal

from .columns import DEFAULT_SORT, HEADERS, Col, insert_position, sort_value, sorted_slots
from .formatting import format_age, format_money, format_time, status_label
from .queue_store import QueueFilter, QueueStore, Upsert

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_NUMERIC = {Col.AMOUNT, Col.AMOUNT_EUR, Col.AGE}


class WithdrawalQueueModel(QAbstractTableModel):
    SortRole = Qt.ItemDataRole.UserRole + 1  # raw, comparable value of the cell
    IdRole = Qt.ItemDataRole.UserRole + 2  # the withdrawal id of the row
    RiskLevelRole = Qt.ItemDataRole.UserRole + 3  # "low".."critical", for the risk badge

    #: Open items per status (unfiltered), after every change: the panel's counters.
    counts_changed = Signal(object)  # dict[str, int], in queue order (not a QVariantMap)

    def __init__(
        self,
        me_staff_id: str,
        *,
        psp_name: Callable[[str], str] = str,
        minor_units: Callable[[str], int] = lambda _currency: 2,
        clock: Callable[[], float] = time.time,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.me = me_staff_id
        self._psp_name = psp_name
        self._minor_units = minor_units
        self._digits: dict[str, int] = {}
        self._clock = clock
        self.store = QueueStore()
        self._rows: list[int] = []
        self._visible = bytearray()  # per slot: 1 when it is in _rows
        self._filter = QueueFilter()
        self._unfiltered = True
        self._sort: tuple[Col, bool] = DEFAULT_SORT
        self._italic = QFont()
        self._italic.setItalic(True)

    # -- Qt model interface ------------------------------------------------------------------------

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(Col)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(Col):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[Col(section)]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _RIGHT if Col(section) in _NUMERIC else _LEFT
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        slot, col, st = self._rows[index.row()], Col(index.column()), self.store
        match role:
            case Qt.ItemDataRole.DisplayRole:
                return self._display(slot, col)
            case Qt.ItemDataRole.ToolTipRole:
                return self._tooltip(slot, col)
            case Qt.ItemDataRole.TextAlignmentRole:
                return _RIGHT if col in _NUMERIC else _LEFT
            case Qt.ItemDataRole.FontRole:
                holder = st.holder(slot, self._clock())
                return self._italic if holder is not None and holder != self.me else None
            case self.SortRole:
                return sort_value(st, col, slot)
            case self.IdRole:
                return st.ids[slot]
            case self.RiskLevelRole:
                return st.risk_levels[slot]
        return None

    def _display(self, slot: int, col: Col) -> str:
        st = self.store
        match col:
            case Col.ID:
                return st.ids[slot]
            case Col.PLAYER:
                return f"{st.player_names[slot]} · {st.player_ids[slot]}"
            case Col.AMOUNT:
                currency = st.currencies[slot]
                return format_money(st.amounts[slot], currency, self._digits_of(currency))
            case Col.AMOUNT_EUR:
                return format_money(st.amounts_eur[slot], "EUR")
            case Col.PSP:
                return f"{self._psp_name(st.psps[slot])} · {st.destinations[slot]}"
            case Col.REQUESTED:
                return format_time(datetime.fromtimestamp(st.requested[slot], UTC))
            case Col.AGE:
                return format_age(self._clock() - st.requested[slot])
            case Col.RISK:
                return str(st.risk_scores[slot])
            case Col.SIGNALS:
                return st.signals[slot]
            case Col.STATUS:
                return status_label(st.statuses[slot])
            case Col.CLAIMED_BY:
                holder = st.holder(slot, self._clock())
                if holder is None:
                    return ""
                return "You" if holder == self.me else st.claimed_by_names[slot]
            case Col.APPROVALS:
                needed = 2 if st.four_eyes[slot] else 1
                return f"{len(st.approvers[slot])} of {needed}"
        return ""

    def _tooltip(self, slot: int, col: Col) -> str | None:
        st = self.store
        match col:
            case Col.SIGNALS:
                return st.signal_details[slot] or None
            case Col.RISK:
                return f"Risk {st.risk_scores[slot]}/100 ({st.risk_levels[slot]})"
            case Col.PSP:
                method = st.methods[slot].replace("_", " ")
                return f"{self._psp_name(st.psps[slot])}, {method}, to {st.destinations[slot]}"
            case Col.APPROVALS:
                names = ", ".join(st.approver_names[slot])
                return f"Approved by {names}" if names else "No approval yet"
            case Col.CLAIMED_BY:
                if st.holder(slot, self._clock()) is None:
                    return None
                left = int(st.claim_expires[slot] - self._clock())
                return f"Claimed by {st.claimed_by_names[slot]} for another {max(left, 0)} s"
        return None

    def _digits_of(self, currency: str) -> int:
        digits = self._digits.get(currency)
        if digits is None:
            digits = self._digits[currency] = self._minor_units(currency)
        return digits

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (Col(column), order == Qt.SortOrder.DescendingOrder)
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        slots = [self._rows[p.row()] for p in persistent]
        self._rows = sorted_slots(self.store, self._rows, *self._sort)
        if persistent:
            position = {slot: row for row, slot in enumerate(self._rows)}
            self.changePersistentIndexList(
                persistent,
                [self.index(position[s], p.column()) for s, p in zip(slots, persistent, strict=True)],
            )
        self.layoutChanged.emit()

    # -- queries -----------------------------------------------------------------------------------

    @property
    def sort_state(self) -> tuple[Col, bool]:
        return self._sort

    @property
    def filter(self) -> QueueFilter:
        return self._filter

    def id_at(self, row: int) -> str | None:
        return self.store.ids[self._rows[row]] if 0 <= row < len(self._rows) else None

    def row_of(self, withdrawal_id: str) -> int | None:
        slot = self.store.slot_of.get(withdrawal_id)
        if slot is None or slot >= len(self._visible) or not self._visible[slot]:
            return None
        return self._rows.index(slot)

    def version_of(self, withdrawal_id: str) -> int | None:
        slot = self.store.slot_of.get(withdrawal_id)
        return self.store.versions[slot] if slot is not None else None

    def total_open(self) -> int:
        return sum(self.store.open_counts().values())

    # -- changes -----------------------------------------------------------------------------------

    def set_filter(self, f: QueueFilter) -> None:
        self.beginResetModel()
        self._filter = f
        self._unfiltered = f.is_empty
        self._rebuild()
        self.endResetModel()

    def clear(self) -> None:
        """Forget everything (before a full reload)."""
        self.beginResetModel()
        self.store = QueueStore()
        self._rows = []
        self._visible = bytearray()
        self.endResetModel()
        self.counts_changed.emit(self.store.open_counts())

    def refilter_time_dependent(self) -> None:
        """Leases lapse without an event: refresh the lease and age cells, and, when the filter
        depends on leases ("claimed by me"), the row set."""
        if self._filter.claimed_by_me:
            st = self.store
            still = st.matching(self._rows, self._filter, self.me, self._clock())
            if len(still) != len(self._rows):
                self.set_filter(self._filter)
                return
        if self._rows:
            last = len(self._rows) - 1
            for col in (Col.AGE, Col.CLAIMED_BY):
                self.dataChanged.emit(
                    self.index(0, col), self.index(last, col), [Qt.ItemDataRole.DisplayRole]
                )
            self.dataChanged.emit(
                self.index(0, 0), self.index(last, len(Col) - 1), [Qt.ItemDataRole.FontRole]
            )

    def apply(self, withdrawals: Iterable[Withdrawal]) -> None:
        """Store a batch (a page, or coalesced events) and update the view in place."""
        now, st = self._clock(), self.store
        to_insert: list[int] = []
        inserting: set[int] = set()
        changed_rows: list[int] = []
        to_remove: list[int] = []
        for w in withdrawals:
            slot, what = st.upsert(w)
            if what is Upsert.STALE:
                continue
            self._grow_visible(slot)
            wanted = bool(st.live[slot]) and (
                self._unfiltered or bool(st.matching((slot,), self._filter, self.me, now))
            )
            if self._visible[slot]:
                (changed_rows if wanted else to_remove).append(slot)
            elif wanted and slot not in inserting:
                inserting.add(slot)
                to_insert.append(slot)
        for slot in to_remove:
            row = self._rows.index(slot)
            self.beginRemoveRows(_ROOT, row, row)
            del self._rows[row]
            self._visible[slot] = 0
            self.endRemoveRows()
        for slot in changed_rows:
            row = self._rows.index(slot)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(Col) - 1))
        if to_insert:
            self._insert_sorted(to_insert)
        self.counts_changed.emit(st.open_counts())

    def _grow_visible(self, slot: int) -> None:
        if slot >= len(self._visible):
            self._visible.extend(bytes(slot + 1 - len(self._visible)))

    def _insert_sorted(self, slots: Sequence[int]) -> None:
        column, descending = self._sort
        batch = sorted_slots(self.store, list(slots), column, descending)
        rows = self._rows
        # Pages of the initial load arrive in the queue's own order: all after the last row.
        if not rows or insert_position(self.store, rows[-1:], batch[0], column, descending) == 1:
            groups = [(len(rows), batch)]
        else:
            # Positions against the rows as they are now; runs that land in the same gap go in
            # together, and each earlier run shifts the later ones by its length.
            groups = []
            for slot in batch:
                pos = insert_position(self.store, rows, slot, column, descending)
                if groups and groups[-1][0] == pos:
                    groups[-1][1].append(slot)
                else:
                    groups.append((pos, [slot]))
        shift = 0
        for pos, run in groups:
            first = pos + shift
            self.beginInsertRows(_ROOT, first, first + len(run) - 1)
            rows[first:first] = run
            for slot in run:
                self._visible[slot] = 1
            self.endInsertRows()
            shift += len(run)

    def _rebuild(self) -> None:
        st = self.store
        self._visible = bytearray(len(st))
        rows = st.matching(st.live_slots(), self._filter, self.me, self._clock())
        self._rows = sorted_slots(st, rows, *self._sort)
        for slot in self._rows:
            self._visible[slot] = 1

    def replace_store(self, store: QueueStore) -> None:
        """Swap in a freshly loaded store in one reset (a reload after the event stream reset)."""
        self.beginResetModel()
        self.store = store
        self._rebuild()
        self.endResetModel()
        self.counts_changed.emit(store.open_counts())

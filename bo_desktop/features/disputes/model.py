"""The dispute inbox as a table model: compact columns, model-side sort and filter.

Tickets are stored column by column (one Python list per field, no object per row), and the
rows the view shows are a list of storage indices (``_rows``) in display order. Sorting and the
search filter rebuild only that list and tell the view with ``layoutChanged`` (selection kept),
so 50,000 tickets sort in milliseconds where a QSortFilterProxyModel takes seconds (see
tests/bench/bench_disputes.py). The SLA column is computed at paint time from the due date and
``now``, which :meth:`tick` advances; only that column is repainted.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from bo_desktop.contract.disputes import Dispute

from .domain import KIND_LABELS, PRIORITY_LABELS, PRIORITY_RANK, STATUS_LABELS, SlaState, sla_state, sla_text

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
SLA_STATE_ROLE = Qt.ItemDataRole.UserRole + 3
PLAYER_ID_ROLE = Qt.ItemDataRole.UserRole + 4
_STATUS_ORDER = {s: n for n, s in enumerate(STATUS_LABELS)}
_PAUSED_BASE = 1e11  # paused clocks sort after every running one (epoch seconds are ~1.8e9)
_STOPPED_KEY = 1e12
OVERDUE_COLOUR = QColor("#c62828")
AT_RISK_COLOUR = QColor("#b26a00")
PAUSED_COLOUR = QColor("#6d6f73")


class Col(IntEnum):
    ID = 0
    PLAYER = 1
    KIND = 2
    SUBJECT = 3
    PRIORITY = 4
    STATUS = 5
    ASSIGNEE = 6
    SLA = 7
    LAST_ACTIVITY = 8


HEADERS = {
    Col.ID: "Ticket",
    Col.PLAYER: "Player",
    Col.KIND: "Kind",
    Col.SUBJECT: "Subject",
    Col.PRIORITY: "Priority",
    Col.STATUS: "Status",
    Col.ASSIGNEE: "Assignee",
    Col.SLA: "SLA due",
    Col.LAST_ACTIVITY: "Last activity",
}


def _clock_time(epoch: float, now: float) -> str:
    local = time.localtime(epoch)
    if time.strftime("%Y%m%d", local) == time.strftime("%Y%m%d", time.localtime(now)):
        return time.strftime("%H:%M", local)
    return time.strftime("%d %b %H:%M", local)


class DisputeInboxModel(QAbstractTableModel):
    def __init__(self, parent: Any = None, clock: Callable[[], float] = time.time) -> None:
        super().__init__(parent)
        self._clock = clock
        self._now = clock()
        self._ids: list[str] = []
        self._player_ids: list[str] = []
        self._players: list[str] = []
        self._kinds: list[str] = []
        self._subjects: list[str] = []
        self._priorities: list[str] = []
        self._statuses: list[str] = []
        self._assignees: list[str] = []
        self._due: list[float] = []  # nan: no running clock
        self._paused_left: list[float] = []  # nan: not paused
        self._breached: list[bool] = []
        self._activity: list[float] = []
        self._haystack: list[str] = []  # lower-cased text the search box matches
        self._index: dict[str, int] = {}
        self._rows: list[int] = []  # storage indices in display order
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._needle = ""
        self.drafts: frozenset[str] = frozenset()

    # -- loading -------------------------------------------------------------------------------

    def clear(self) -> None:
        self.beginResetModel()
        for column in self._storage():
            column.clear()
        self._index.clear()
        self._rows.clear()
        self.endResetModel()

    def _storage(self) -> tuple[list[Any], ...]:
        return (self._ids, self._player_ids, self._players, self._kinds, self._subjects, self._priorities,
                self._statuses, self._assignees, self._due, self._paused_left, self._breached, self._activity,
                self._haystack)  # fmt: skip

    def _store(self, d: Dispute, at: int | None) -> int:
        values = (
            d.id,
            d.player_id,
            d.player_name,
            d.kind.value,
            d.subject,
            d.priority.value,
            d.status.value,
            d.assignee_name or "",
            d.sla_due_at.timestamp() if d.sla_due_at and not d.sla_paused else math.nan,
            float(d.sla_remaining_seconds or 0) if d.sla_paused else math.nan,
            d.sla_breached,
            d.last_activity_at.timestamp(),
            f"{d.id} {d.player_id} {d.player_name} {KIND_LABELS.get(d.kind, '')} {d.subject} "
            f"{d.assignee_name or ''}".lower(),
        )
        if at is None:
            for column, value in zip(self._storage(), values, strict=True):
                column.append(value)
            at = len(self._ids) - 1
            self._index[d.id] = at
        else:
            for column, value in zip(self._storage(), values, strict=True):
                column[at] = value
        return at

    def append(self, disputes: Sequence[Dispute]) -> None:
        """Add a loaded page at the end (the panel re-sorts once loading is complete)."""
        new = [d for d in disputes if d.id not in self._index]
        for d in disputes:
            if d.id in self._index:
                self.upsert(d)
        stored = [self._store(d, None) for d in new]
        shown = [i for i in stored if self._matches(i)]
        if shown:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(shown) - 1)
            self._rows.extend(shown)
            self.endInsertRows()

    def upsert(self, d: Dispute) -> None:
        """A live change: update the row in place, or insert it where the current sort puts it."""
        self._now = self._clock()  # a changed row shows its countdown as of now, not the last tick
        at = self._index.get(d.id)
        if at is not None:
            self._store(d, at)
            try:
                row = self._rows.index(at)
            except ValueError:
                row = -1
            if row >= 0 and not self._matches(at):
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
            elif row >= 0:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(Col) - 1))
            elif self._matches(at):
                self._insert_sorted(at)
            return
        self._insert_sorted(self._store(d, None))

    def remove(self, dispute_id: str) -> None:
        """Take a ticket out of the shown rows (it left the saved view); storage keeps it."""
        at = self._index.get(dispute_id)
        if at is None or at not in self._rows:
            return
        row = self._rows.index(at)
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()

    def _insert_sorted(self, at: int) -> None:
        if not self._matches(at):
            return
        row = len(self._rows)
        if self._sort is not None:
            key = self._key_function(self._sort[0])
            descending = self._sort[1] == Qt.SortOrder.DescendingOrder
            mine = key(at)
            # Linear scan: live inserts are rare and 50k comparisons take a few milliseconds.
            row = next(
                (r for r, i in enumerate(self._rows) if (key(i) < mine if descending else key(i) > mine)),
                len(self._rows),
            )
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, at)
        self.endInsertRows()

    # -- sort, filter, clock -------------------------------------------------------------------

    def _key_function(self, column: int) -> Callable[[int], Any]:
        match column:
            case Col.ID:
                return self._ids.__getitem__
            case Col.PLAYER:
                return lambda i: self._players[i].lower()
            case Col.KIND:
                return lambda i: KIND_LABELS.get(self._kinds[i], self._kinds[i])
            case Col.SUBJECT:
                return lambda i: self._subjects[i].lower()
            case Col.PRIORITY:
                return lambda i: PRIORITY_RANK.get(self._priorities[i], 1)
            case Col.STATUS:
                return lambda i: _STATUS_ORDER.get(self._statuses[i], 99)
            case Col.ASSIGNEE:
                return lambda i: self._assignees[i].lower()
            case Col.SLA:
                return self._sla_key
            case _:
                return self._activity.__getitem__

    def _sla_key(self, i: int) -> float:
        if self._statuses[i] in ("resolved", "closed"):
            return _STOPPED_KEY
        if not math.isnan(self._paused_left[i]):
            return _PAUSED_BASE + self._paused_left[i]
        return _STOPPED_KEY if math.isnan(self._due[i]) else self._due[i]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        self._relayout(self._ordered(self._rows))

    def resort(self) -> None:
        if self._sort is not None:
            self.sort(*self._sort)

    def _ordered(self, rows: Iterable[int]) -> list[int]:
        if self._sort is None:
            return list(rows)
        column, order = self._sort
        return sorted(rows, key=self._key_function(column), reverse=order == Qt.SortOrder.DescendingOrder)

    def set_filter(self, text: str) -> None:
        self._needle = text.strip().lower()
        self._relayout(self._ordered(i for i in range(len(self._ids)) if self._matches(i)))

    def _matches(self, i: int) -> bool:
        return not self._needle or self._needle in self._haystack[i]

    def _relayout(self, rows: list[int]) -> None:
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        old = [self._rows[p.row()] if p.isValid() and p.row() < len(self._rows) else -1 for p in persistent]
        self._rows = rows
        where = {i: r for r, i in enumerate(rows)} if persistent else {}
        moved = [
            self.index(where[i], p.column()) if i in where else QModelIndex()
            for p, i in zip(persistent, old, strict=True)
        ]
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def tick(self) -> None:
        """Advance the clock: repaint the countdowns (and relative times)."""
        self._now = self._clock()
        if self._rows:
            self.dataChanged.emit(
                self.index(0, Col.SLA),
                self.index(len(self._rows) - 1, Col.LAST_ACTIVITY),
                [Qt.ItemDataRole.DisplayRole],
            )

    def set_drafts(self, ids: Iterable[str]) -> None:
        self.drafts = frozenset(ids)
        if self._rows:
            self.dataChanged.emit(self.index(0, Col.ID), self.index(len(self._rows) - 1, Col.ID))

    # -- lookups -------------------------------------------------------------------------------

    def row_of(self, dispute_id: str) -> int:
        at = self._index.get(dispute_id)
        return self._rows.index(at) if at is not None and at in self._rows else -1

    def id_at(self, row: int) -> str:
        return self._ids[self._rows[row]]

    def total(self) -> int:
        return len(self._ids)

    # -- Qt ------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(Col)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(Col)
        ):
            return HEADERS[Col(section)]
        return None

    def _sla(self, i: int) -> tuple[SlaState, float]:
        paused = None if math.isnan(self._paused_left[i]) else self._paused_left[i]
        due = None if math.isnan(self._due[i]) else self._due[i]
        return sla_state(self._statuses[i], self._priorities[i], due, paused, self._breached[i], self._now)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        i = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(i, column)
        if role == SORT_ROLE:
            return self._key_function(column)(i)
        if role == ID_ROLE:
            return self._ids[i]
        if role == PLAYER_ID_ROLE:
            return self._player_ids[i]
        if role == SLA_STATE_ROLE:
            return self._sla(i)[0].value
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(i, column)
        if role == Qt.ItemDataRole.FontRole and column == Col.PRIORITY and self._priorities[i] == "urgent":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(i, column)
        return None

    def _display(self, i: int, column: int) -> str:
        match column:
            case Col.ID:
                return f"{self._ids[i]} ✎" if self._ids[i] in self.drafts else self._ids[i]
            case Col.PLAYER:
                return self._players[i]
            case Col.KIND:
                return KIND_LABELS.get(self._kinds[i], self._kinds[i])
            case Col.SUBJECT:
                return self._subjects[i]
            case Col.PRIORITY:
                return PRIORITY_LABELS.get(self._priorities[i], self._priorities[i])
            case Col.STATUS:
                return STATUS_LABELS.get(self._statuses[i], self._statuses[i])
            case Col.ASSIGNEE:
                return self._assignees[i] or "—"
            case Col.SLA:
                return sla_text(*self._sla(i))
            case _:
                return _clock_time(self._activity[i], self._now)

    def _foreground(self, i: int, column: int) -> QColor | None:
        if column == Col.SLA:
            state = self._sla(i)[0]
            return {SlaState.OVERDUE: OVERDUE_COLOUR, SlaState.AT_RISK: AT_RISK_COLOUR,
                    SlaState.PAUSED: PAUSED_COLOUR}.get(state)  # fmt: skip
        if column == Col.STATUS and self._statuses[i] == "escalated":
            return OVERDUE_COLOUR
        return None

    def _tooltip(self, i: int, column: int) -> str | None:
        if column == Col.ID and self._ids[i] in self.drafts:
            return "You have an unsent comment draft on this ticket."
        if column == Col.PLAYER:
            return self._player_ids[i]
        if column == Col.SUBJECT:
            return self._subjects[i]
        if column == Col.SLA and not math.isnan(self._due[i]):
            return "Due " + time.strftime("%Y-%m-%d %H:%M", time.localtime(self._due[i]))
        return None

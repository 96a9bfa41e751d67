"""The queue's columns and what each one sorts by (Qt-free, shared by the model and the bench)."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from .queue_store import STATUS_ORDER, QueueStore


class Col(IntEnum):
    ID = 0
    PLAYER = 1
    AMOUNT = 2
    AMOUNT_EUR = 3
    PSP = 4
    REQUESTED = 5
    AGE = 6
    RISK = 7
    SIGNALS = 8
    STATUS = 9
    CLAIMED_BY = 10
    APPROVALS = 11


HEADERS: dict[Col, str] = {
    Col.ID: "ID",
    Col.PLAYER: "Player",
    Col.AMOUNT: "Amount",
    Col.AMOUNT_EUR: "EUR",
    Col.PSP: "PSP / destination",
    Col.REQUESTED: "Requested",
    Col.AGE: "Age",
    Col.RISK: "Risk",
    Col.SIGNALS: "Top signals",
    Col.STATUS: "Status",
    Col.CLAIMED_BY: "Claimed by",
    Col.APPROVALS: "Approvals",
}

# The queue's natural order (DESIGN: "by risk, then age"): riskiest first, oldest first within a
# score. It is also the server's default ``sort=-risk_score``, so pages arrive already in order.
DEFAULT_SORT = (Col.RISK, True)


def key_column(store: QueueStore, column: Col) -> tuple[Sequence[Any], bool]:
    """The flat list ``column`` sorts by, and whether its order runs against that list's.

    Every key already contains the id as the last tie-breaker, so equal rows keep a fixed order.
    "Age" is the request time the other way round: the youngest request has the smallest age.
    """
    match column:
        case Col.ID:
            return store.id_numbers, False
        case Col.PLAYER:
            return store.key_player, False
        case Col.AMOUNT:
            return store.key_amount, False
        case Col.AMOUNT_EUR:
            return store.key_eur, False
        case Col.PSP:
            return store.key_psp, False
        case Col.REQUESTED:
            return store.key_requested, False
        case Col.AGE:
            return store.key_requested, True
        case Col.RISK:
            return store.key_risk, False
        case Col.SIGNALS:
            return store.key_signals, False
        case Col.STATUS:
            return store.key_status, False
        case Col.CLAIMED_BY:
            return store.key_claimed, False
    return store.key_approvals, False


def sort_value(store: QueueStore, column: Col, slot: int) -> Any:
    """The raw value of a cell for ``SortRole``: what the column is ordered by first.

    Not the composite key itself: those are integers wider than 64 bits, which a QVariant
    cannot carry. Text columns give their (already total) text keys.
    """
    match column:
        case Col.ID:
            return store.id_numbers[slot]
        case Col.AMOUNT_EUR:
            return store.amounts_eur[slot]
        case Col.REQUESTED:
            return store.requested[slot]
        case Col.AGE:
            return -store.requested[slot]
        case Col.RISK:
            return store.risk_scores[slot]
        case Col.STATUS:
            return STATUS_ORDER.get(store.statuses[slot], 9)
        case Col.APPROVALS:
            return len(store.approvers[slot])
    keys, _inverted = key_column(store, column)
    return keys[slot]


def sorted_slots(store: QueueStore, slots: list[int], column: Col, descending: bool) -> list[int]:
    keys, inverted = key_column(store, column)
    return sorted(slots, key=keys.__getitem__, reverse=descending != inverted)


def insert_position(store: QueueStore, rows: list[int], slot: int, column: Col, descending: bool) -> int:
    """Where ``slot`` goes in ``rows`` (sorted by ``column``), by binary search on its key."""
    keys, inverted = key_column(store, column)
    value, reverse = keys[slot], descending != inverted
    if not reverse:
        return bisect.bisect_right(rows, value, key=keys.__getitem__)
    lo, hi = 0, len(rows)
    while lo < hi:
        mid = (lo + hi) // 2
        if value > keys[rows[mid]]:
            hi = mid
        else:
            lo = mid + 1
    return lo

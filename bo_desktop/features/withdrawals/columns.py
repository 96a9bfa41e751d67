"""The queue's columns and what each one sorts by (Qt-free, shared by the model and the bench)."""

from __future__ import annotations

from collections.abc import Callable
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


def sort_key(store: QueueStore, column: Col) -> Callable[[int], Any]:
    """A key over slots, ascending, made total with the id so equal rows keep a fixed order."""
    num = store.id_numbers
    if column is Col.ID:
        return num.__getitem__
    if column is Col.PLAYER:
        names = store.player_keys
        return lambda s: (names[s], num[s])
    if column is Col.AMOUNT:
        cur, amt = store.currencies, store.amounts
        return lambda s: (cur[s], amt[s], num[s])
    if column is Col.AMOUNT_EUR:
        eur = store.amounts_eur
        return lambda s: (eur[s], num[s])
    if column is Col.PSP:
        psps, methods = store.psps, store.methods
        return lambda s: (psps[s], methods[s], num[s])
    if column is Col.REQUESTED:
        req = store.requested
        return lambda s: (req[s], num[s])
    if column is Col.AGE:
        req = store.requested
        return lambda s: (-req[s], -num[s])
    if column is Col.RISK:
        # Descending gives: highest score first, then the oldest request, then the lowest id.
        score, req = store.risk_scores, store.requested
        return lambda s: (score[s], -req[s], -num[s])
    if column is Col.SIGNALS:
        signals = store.signals
        return lambda s: (signals[s], num[s])
    if column is Col.STATUS:
        statuses = store.statuses
        return lambda s: (STATUS_ORDER.get(statuses[s], 9), num[s])
    if column is Col.CLAIMED_BY:
        names = store.claimed_by_names
        return lambda s: (names[s], num[s])
    approvers = store.approvers
    return lambda s: (len(approvers[s]), num[s])


def sorted_slots(store: QueueStore, slots: list[int], column: Col, descending: bool) -> list[int]:
    return sorted(slots, key=sort_key(store, column), reverse=descending)


def insert_position(rows: list[int], key: Callable[[int], Any], value: Any, descending: bool) -> int:
    """Where a row with sort key ``value`` goes in ``rows`` (after its equals: new rows last)."""
    lo, hi = 0, len(rows)
    while lo < hi:
        mid = (lo + hi) // 2
        other = key(rows[mid])
        before = value < other if not descending else value > other
        if before:
            hi = mid
        else:
            lo = mid + 1
    return lo

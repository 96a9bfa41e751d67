"""Dispute rules as the client shows them: labels, the SLA countdown, allowed moves, saved views.

Qt-free and pure, so the inbox model, the ticket view and the tests share one definition. The
server enforces every rule again; these only decide what the user is offered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from bo_desktop.contract.disputes import Dispute
from bo_desktop.contract.enums import (
    OPEN_DISPUTE_STATUSES,
    DisputeKind,
    DisputeOutcome,
    DisputePriority,
    DisputeStatus,
    DisputeView,
)

KIND_LABELS: dict[str, str] = {
    DisputeKind.PAYMENT_DELAY: "Payment delay",
    DisputeKind.CHARGEBACK: "Chargeback",
    DisputeKind.BONUS_DISPUTE: "Bonus dispute",
    DisputeKind.GAME_MALFUNCTION: "Game malfunction",
    DisputeKind.ACCOUNT_CLOSURE: "Account closure",
    DisputeKind.RG_COMPLAINT: "RG complaint",
    DisputeKind.OTHER: "Other",
}
STATUS_LABELS: dict[str, str] = {
    DisputeStatus.NEW: "New",
    DisputeStatus.OPEN: "Open",
    DisputeStatus.WAITING_ON_PLAYER: "Waiting on player",
    DisputeStatus.ESCALATED: "Escalated",
    DisputeStatus.RESOLVED: "Resolved",
    DisputeStatus.CLOSED: "Closed",
}
PRIORITY_LABELS: dict[str, str] = {
    DisputePriority.LOW: "Low",
    DisputePriority.NORMAL: "Normal",
    DisputePriority.HIGH: "High",
    DisputePriority.URGENT: "Urgent",
}
PRIORITY_RANK: dict[str, int] = {"low": 0, "normal": 1, "high": 2, "urgent": 3}
OUTCOME_LABELS: dict[str, str] = {
    DisputeOutcome.UPHELD: "Upheld",
    DisputeOutcome.PARTIALLY_UPHELD: "Partially upheld",
    DisputeOutcome.REJECTED: "Rejected",
}
VIEW_LABELS: dict[DisputeView, str] = {
    DisputeView.MINE: "Assigned to me",
    DisputeView.UNASSIGNED: "Unassigned",
    DisputeView.WAITING: "Waiting on player",
    DisputeView.SLA: "SLA at risk / overdue",
    DisputeView.ESCALATED: "Escalated",
    DisputeView.ALL: "All",
}
# Tab texts: short enough that all six views fit a docked panel; the tooltip has the long name.
VIEW_TABS: dict[DisputeView, str] = {
    DisputeView.MINE: "Mine",
    DisputeView.UNASSIGNED: "Unassigned",
    DisputeView.WAITING: "Waiting",
    DisputeView.SLA: "SLA risk",
    DisputeView.ESCALATED: "Escalated",
    DisputeView.ALL: "All",
}
LINK_LABELS: dict[str, str] = {
    "transaction": "Transaction",
    "withdrawal": "Withdrawal",
    "game_round": "Game round",
}

# The server's state machine (sandbox disputes_actions.TRANSITIONS); "resolved" only via resolve.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("open", "waiting_on_player", "escalated"),
    "open": ("waiting_on_player", "escalated"),
    "waiting_on_player": ("open", "escalated"),
    "escalated": ("open", "waiting_on_player"),
    "resolved": ("closed", "open"),
    "closed": (),
}
RESOLVABLE = frozenset({"new", "open", "waiting_on_player", "escalated"})
OPEN_VALUES = frozenset(s.value for s in OPEN_DISPUTE_STATUSES)
SLA_HOURS: dict[str, int] = {"urgent": 4, "high": 24, "normal": 72, "low": 168}
AT_RISK_FRACTION = 0.25  # same share of the window as the server's "at risk"


class SlaState(Enum):
    RUNNING = "running"
    AT_RISK = "at_risk"
    OVERDUE = "overdue"
    PAUSED = "paused"
    STOPPED = "stopped"  # resolved or closed: the clock no longer matters


@dataclass(frozen=True, slots=True)
class SlaClock:
    """What the inbox needs to draw a countdown: due time (epoch s) or frozen time left."""

    state_hint: str  # status value
    priority: str
    due_epoch: float | None
    paused_left: float | None
    breached: bool

    @classmethod
    def of(cls, d: Dispute) -> SlaClock:
        return cls(
            d.status.value,
            d.priority.value,
            d.sla_due_at.timestamp() if d.sla_due_at else None,
            float(d.sla_remaining_seconds) if d.sla_paused and d.sla_remaining_seconds is not None else None,
            d.sla_breached,
        )


def sla_state(status: str, priority: str, due_epoch: float | None, paused_left: float | None,
              breached: bool, now: float) -> tuple[SlaState, float]:  # fmt: skip
    """(state, seconds left — negative when overdue) at ``now``."""
    if status in ("resolved", "closed"):
        return SlaState.STOPPED, 0.0
    if paused_left is not None or status == "waiting_on_player":
        return SlaState.PAUSED, paused_left or 0.0
    if due_epoch is None:
        return SlaState.STOPPED, 0.0
    left = due_epoch - now
    if left < 0 or breached:
        return SlaState.OVERDUE, left
    if left < SLA_HOURS.get(priority, 72) * 3600 * AT_RISK_FRACTION:
        return SlaState.AT_RISK, left
    return SlaState.RUNNING, left


def duration_text(seconds: float) -> str:
    """``2d 4h``, ``3h 12m``, ``45m`` (never seconds: the inbox ticks every 15 s)."""
    minutes = int(abs(seconds) // 60)
    days, rem = divmod(minutes, 24 * 60)
    hours, mins = divmod(rem, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {mins:02d}m"
    return f"{mins}m"


def sla_text(state: SlaState, left: float) -> str:
    match state:
        case SlaState.STOPPED:
            return "—"
        case SlaState.PAUSED:
            # Words, not a pause glyph: common UI fonts lack U+23F8 and would draw a box.
            return f"Paused · {duration_text(left)} left" if left > 0 else "Paused · overdue"
        case SlaState.OVERDUE:
            return f"overdue {duration_text(left)}"
        case _:
            return f"{duration_text(left)} left"


def in_view(d: Dispute, view: DisputeView, me: str, now: float) -> bool:
    """The server's saved-view rule, to keep a live inbox right between reloads."""
    status = d.status.value
    match view:
        case DisputeView.MINE:
            return status in OPEN_VALUES and d.assignee_id == me
        case DisputeView.UNASSIGNED:
            return status in OPEN_VALUES and d.assignee_id is None
        case DisputeView.WAITING:
            return status == "waiting_on_player"
        case DisputeView.SLA:
            clock = SlaClock.of(d)
            state, _ = sla_state(
                status, clock.priority, clock.due_epoch, clock.paused_left, clock.breached, now
            )
            return state in (SlaState.AT_RISK, SlaState.OVERDUE) and status != "waiting_on_player"
        case DisputeView.ESCALATED:
            return status == "escalated"
        case DisputeView.ALL:
            return True


# Fields a handler cares about when their change was refused with 412, in reading order.
_DIFF_FIELDS: tuple[tuple[str, str], ...] = (
    ("status", "Status"),
    ("priority", "Priority"),
    ("assignee_name", "Assignee"),
    ("subject", "Subject"),
    ("sla_due_at", "SLA due"),
    ("sla_paused", "SLA paused"),
    ("resolution", "Resolution"),
)


def _show(field: str, value: object) -> str:
    if value is None:
        return "—"
    if field == "status":
        return STATUS_LABELS.get(str(value), str(value))
    if field == "priority":
        return PRIORITY_LABELS.get(str(value), str(value))
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field == "resolution":
        outcome = getattr(value, "outcome", None)
        return OUTCOME_LABELS.get(str(outcome), str(outcome))
    return str(value)


def changes(seen: Dispute, current: Dispute) -> list[tuple[str, str, str]]:
    """(what, as you saw it, as it is now) for every field that differs."""
    rows = []
    for field, label in _DIFF_FIELDS:
        before, after = getattr(seen, field), getattr(current, field)
        if before != after:
            rows.append((label, _show(field, before), _show(field, after)))
    if seen.version != current.version and not rows:
        rows.append(("Links or details", f"version {seen.version}", f"version {current.version}"))
    return rows

"""The dispute SLA clock: due dates by priority, pause while waiting on the player, escalation.

A ticket's clock runs while it is ``new``, ``open`` or ``escalated``. Entering
``waiting_on_player`` pauses it: the time left is frozen in ``sla_remaining_seconds`` and
``sla_due_at`` is cleared; leaving that status resumes it with the frozen time left. A priority
change moves the due date by the difference between the two priorities' windows, so time already
spent (and pauses) still counts. Resolving stops the clock; reopening starts a fresh window.

Overdue tickets escalate on the server: :func:`escalate_overdue` marks every running ticket whose
due date passed as breached and moves ``new``/``open`` ones to ``escalated``, in one
transaction, audited as the "SLA monitor", stamped ``updated_by`` ``SYSTEM`` / "SLA clock" (so a
handler's 412 names the clock, not a person) and published as ``dispute.updated``.
:func:`escalation_watch` runs it every :data:`CHECK_SECONDS` for the life of the app (started from
the API's lifespan). The check is one range scan of ``ix_disputes_status_sla``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bo_desktop.contract.disputes import SYSTEM_ACTOR

from . import audit, db
from .reference_data import DISPUTE_SLA_HOURS
from .state import SandboxState

log = logging.getLogger(__name__)

CHECK_SECONDS = 2.0  # how often overdue tickets are looked for
AT_RISK_FRACTION = 0.25  # "at risk" = less than this share of the priority's window left
RUNNING = ("new", "open", "escalated")  # statuses whose clock runs
ESCALATING = ("new", "open")  # statuses an overdue ticket escalates from
SLA_MONITOR = audit.ActorRef("SYSTEM", "SLA monitor")  # the audit trail's actor
# Who the ticket says changed it (``updated_by``/``updated_by_name``): not a person.
SLA_CLOCK = audit.ActorRef(SYSTEM_ACTOR, "SLA clock")

ToJson = Callable[[Session, db.Dispute], dict[str, Any]]  # the ticket's API representation


def window(priority: str) -> timedelta:
    return timedelta(hours=DISPUTE_SLA_HOURS[priority])


def at_risk_window(priority: str) -> timedelta:
    return window(priority) * AT_RISK_FRACTION


def start(row: db.Dispute, now: datetime) -> None:
    """A fresh window from ``now`` (new ticket, reopened ticket)."""
    row.sla_due_at = now + window(row.priority)
    row.sla_paused = False
    row.sla_remaining_seconds = None
    row.sla_breached = False


def pause(row: db.Dispute, now: datetime) -> None:
    if row.sla_paused or row.sla_due_at is None:
        return
    # Negative when already overdue: resuming then gives a due date in the past, as it should.
    row.sla_remaining_seconds = int((row.sla_due_at - now).total_seconds())
    row.sla_due_at = None
    row.sla_paused = True


def resume(row: db.Dispute, now: datetime) -> None:
    if not row.sla_paused:
        return
    remaining = row.sla_remaining_seconds if row.sla_remaining_seconds is not None else 0
    row.sla_due_at = now + timedelta(seconds=remaining)
    row.sla_paused = False
    row.sla_remaining_seconds = None


def reprioritise(row: db.Dispute, old: str, new: str) -> None:
    shift = window(new) - window(old)
    if row.sla_paused and row.sla_remaining_seconds is not None:
        row.sla_remaining_seconds += int(shift.total_seconds())
    elif row.sla_due_at is not None:
        row.sla_due_at += shift
        if row.sla_breached and row.status in RUNNING and row.sla_due_at > db.utcnow():
            row.sla_breached = False  # a longer window can un-breach; escalation stays as it is


def stop(row: db.Dispute) -> None:
    """Resolved: the clock no longer matters (the due date stays for the record)."""
    if row.sla_paused:
        row.sla_paused = False
        row.sla_remaining_seconds = None


def follow_status(row: db.Dispute, old_status: str, new_status: str, now: datetime) -> None:
    """Adjust the clock for a status change (call after setting ``row.status``)."""
    if new_status == "waiting_on_player":
        pause(row, now)
    elif old_status == "waiting_on_player":
        resume(row, now)
    if new_status in ("resolved", "closed"):
        stop(row)
    elif old_status in ("resolved", "closed"):
        start(row, now)


def overdue_clause(now: datetime) -> sa.ColumnElement[bool]:
    """Running clock, due date passed (or already marked breached)."""
    d = db.Dispute
    return sa.and_(
        d.status.in_(RUNNING),
        d.sla_paused.is_(False),
        sa.or_(d.sla_due_at < now, d.sla_breached.is_(True)),
    )


def attention_clause(now: datetime) -> sa.ColumnElement[bool]:
    """The "SLA at risk / overdue" saved view: overdue, or due within the at-risk window.

    The window depends on the priority, so the condition is one OR branch per priority (portable
    SQL, and each branch is an index range on (status, sla_due_at)).
    """
    d = db.Dispute
    per_priority = [
        sa.and_(d.priority == priority, d.sla_due_at < now + at_risk_window(priority))
        for priority in DISPUTE_SLA_HOURS
    ]
    return sa.and_(
        d.status.in_(RUNNING),
        d.sla_paused.is_(False),
        sa.or_(d.sla_breached.is_(True), *per_priority),
    )


def escalate_overdue(state: SandboxState, to_json: ToJson, now: datetime | None = None) -> list[str]:
    """Escalate every overdue ticket; returns their ids. Safe to run concurrently with requests:
    rows a request holds locked are skipped (PostgreSQL) and picked up on the next check."""
    now = now or db.utcnow()
    d = db.Dispute
    events: list[tuple[str, dict[str, Any]]] = []
    with state.sessionmaker.begin() as session:
        rows = session.scalars(
            sa.select(d)
            .where(
                d.status.in_(RUNNING),
                d.sla_paused.is_(False),
                d.sla_breached.is_(False),  # a ticket breaches once; a handler may de-escalate it
                d.sla_due_at < now,
            )
            .order_by(d.sla_due_at, d.id)
            .limit(500)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            before = {"status": row.status, "sla_breached": row.sla_breached, "version": row.version}
            if row.status in ESCALATING:
                row.status = "escalated"
            row.sla_breached = True
            row.version += 1
            row.last_activity_at = now
            row.updated_at = now
            row.updated_by = SLA_CLOCK.staff_id
            row.updated_by_name = SLA_CLOCK.display_name
            session.flush()
            due = row.sla_due_at.isoformat() if row.sla_due_at else "?"
            audit.append(
                session,
                actor=SLA_MONITOR,
                action="dispute.sla_breach",
                entity_type="dispute",
                entity_id=row.id,
                before=before,
                after={"status": row.status, "sla_breached": True, "version": row.version},
                reason=f"SLA due {due} passed",
            )
            events.append(("dispute.updated", to_json(session, row)))
    for event_type, data in events:
        state.bus.publish(event_type, data)
    return [data["id"] for _type, data in events]


@contextlib.asynccontextmanager
async def escalation_watch(state: SandboxState, to_json: ToJson) -> AsyncIterator[None]:
    """Run :func:`escalate_overdue` every :data:`CHECK_SECONDS` while the context is open."""

    async def loop() -> None:
        while True:
            try:
                # A worker thread: the check does blocking database I/O.
                await asyncio.to_thread(escalate_overdue, state, to_json)
            except Exception:
                # One failed check (database busy, shutting down) must not end the watch.
                log.exception("SLA escalation check failed")
            await asyncio.sleep(CHECK_SECONDS)

    task = asyncio.get_running_loop().create_task(loop(), name="sla-escalation-watch")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

"""The frame every dispute change runs in, shared by the ``disputes_*`` routers.

:func:`change_dispute` locks the ticket, checks If-Match (412 with the current ticket), applies
the change, bumps the version, appends the audit record and publishes ``dispute.updated`` — all
in one ``run_mutation`` transaction. :func:`check_link` validates what a link points at.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from fastapi import Request, Response
from sqlalchemy.orm import Session

from bo_desktop.contract.events import EventType

from ... import audit, db
from ...db import Dispute as DisputeRow
from ...db import utcnow
from ...state import SandboxState
from ..concurrency import check_version, require_if_match
from ..idempotency import Outcome, run_mutation
from ..permissions import Principal
from ..problems import conflict, not_found, validation_problem
from .disputes import dispute_json, dispute_models

LINK_KINDS = ("transaction", "withdrawal", "game_round")
Change = Callable[[Session, DisputeRow], str | None]


def trail(row: DisputeRow) -> dict[str, Any]:
    """The audited state of a ticket: what its changes touch."""
    return {
        "version": row.version,
        "status": row.status,
        "priority": row.priority,
        "subject": row.subject,
        "assignee_id": row.assignee_id,
        "sla_due_at": row.sla_due_at.isoformat() if row.sla_due_at else None,
        "sla_paused": row.sla_paused,
        "resolution_outcome": row.resolution_outcome,
        "compensation_minor": row.compensation_minor,
        "compensation_currency": row.compensation_currency,
        "compensation_approved_by": row.compensation_approved_by,
    }


def stamp(row: DisputeRow, actor: audit.Actor, at: datetime) -> None:
    """Record who made the ticket's new version, and when (the 412's ``current`` shows it)."""
    row.updated_at = at
    row.updated_by = actor.staff_id
    row.updated_by_name = actor.display_name


def locked(session: Session, dispute_id: str) -> DisputeRow:
    row = session.scalar(sa.select(DisputeRow).where(DisputeRow.id == dispute_id).with_for_update())
    if row is None:
        raise not_found("dispute", dispute_id)
    return row


def writable(row: DisputeRow) -> None:
    if row.status == "closed":
        raise conflict("invalid_transition", f"{row.id} is closed; closed tickets cannot change.")


def change_dispute(
    state: SandboxState,
    principal: Principal,
    request: Request,
    dispute_id: str,
    if_match: str | None,
    action: str,
    change: Change,
    *,
    payload: Any = None,
    key: str | None = None,
    key_required: bool = False,
    extra_events: Callable[[Session, DisputeRow], list[tuple[str, dict[str, Any]]]] | None = None,
) -> Response:
    """The frame of every ticket change; ``change`` mutates the row and returns the audit reason."""
    require_if_match(if_match)

    def work(session: Session) -> Outcome:
        row = locked(session, dispute_id)
        check_version(if_match, row.version, lambda: dispute_json(session, row))
        before = trail(row)
        reason = change(session, row)
        row.version += 1
        row.last_activity_at = utcnow()
        stamp(row, principal, row.last_activity_at)
        session.flush()
        audit.append(
            session,
            actor=principal,
            action=action,
            entity_type="dispute",
            entity_id=row.id,
            before=before,
            after=trail(row),
            reason=reason,
        )
        model = dispute_models(session, [row])[0]
        events = [(EventType.DISPUTE_UPDATED.value, model.model_dump(mode="json"))]
        if extra_events is not None:
            events += extra_events(session, row)
        return Outcome(body=model, etag_version=row.version, events=events)

    return run_mutation(state, principal, request, payload, key, work, key_required=key_required)


def check_link(session: Session, player_id: str, kind: str, target_id: str, *, field: str) -> None:
    """422 unless ``target_id`` is a ``kind`` of ``player_id``."""
    target = target_id.strip()
    owner: str | None
    if kind == "transaction":
        owner = session.scalar(sa.select(db.Transaction.player_id).where(db.Transaction.id == target.upper()))
    elif kind == "withdrawal":
        owner = session.scalar(sa.select(db.Withdrawal.player_id).where(db.Withdrawal.id == target.upper()))
    elif kind == "game_round":
        owner = session.scalar(
            sa.select(db.Transaction.player_id)
            .where(db.Transaction.player_id == player_id, db.Transaction.round_id == target)
            .limit(1)
        )
    else:
        raise validation_problem([(field.replace("target_id", "kind"), f"one of {', '.join(LINK_KINDS)}")])
    if owner is None:
        raise validation_problem([(field, f"there is no {kind.replace('_', ' ')} {target}")])
    if owner != player_id:
        raise validation_problem([(field, f"{target} belongs to another player")])

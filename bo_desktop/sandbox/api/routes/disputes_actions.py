"""Dispute tickets, changes: create, PATCH (status, priority, subject), assign, resolve, approve.

State machine (DESIGN §3)::

    new → open → waiting_on_player → escalated → resolved → closed

with the moves a handler needs in between (back to open after the player answered, de-escalate,
reopen a resolved ticket). A move outside :data:`TRANSITIONS` is 409 ``invalid_transition``.
``resolved`` is reached only through ``/resolve`` (it needs an outcome); ``closed`` is final.
A compensation whose EUR equivalent is at or above ``config.compensation_approval_eur_minor``
needs a manager's approval (``/approve-compensation``, a different person from the resolver)
before the ticket can be closed.

Every change: If-Match on the ticket's version (412 with the current ticket), one transaction
with an audit record and a ``dispute.*`` event (``run_mutation``); create, resolve and approve
also require an Idempotency-Key. The SLA clock follows status and priority changes (``sla``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session

from bo_desktop.contract.disputes import DisputeAssign, DisputeCreate, DisputeResolve, DisputeUpdate
from bo_desktop.contract.enums import DisputeOutcome, Permission
from bo_desktop.contract.events import EventType

from ... import audit, db, reference_data, sla
from ...db import Dispute as DisputeRow
from ...db import utcnow
from ...state import SandboxState
from ..concurrency import IfMatch
from ..deps import get_state
from ..idempotency import IdempotencyKeyHeader, Outcome, run_mutation
from ..permissions import Principal, permissions_for, require
from ..problems import conflict, validation_problem
from .disputes import dispute_models
from .disputes_mutation import change_dispute, check_link, stamp, trail, writable

router = APIRouter(prefix="/disputes", tags=["disputes"])

Writer = Annotated[Principal, Depends(require(Permission.DISPUTES_WRITE))]
Approver = Annotated[Principal, Depends(require(Permission.DISPUTES_APPROVE_COMPENSATION))]
State = Annotated[SandboxState, Depends(get_state)]

TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"open", "waiting_on_player", "escalated"}),
    "open": frozenset({"waiting_on_player", "escalated"}),
    "waiting_on_player": frozenset({"open", "escalated"}),
    "escalated": frozenset({"open", "waiting_on_player"}),
    "resolved": frozenset({"closed", "open"}),
    "closed": frozenset(),
}
RESOLVABLE = frozenset({"new", "open", "waiting_on_player", "escalated"})


def clear_resolution(row: DisputeRow) -> None:
    row.resolved_at = None
    row.resolution_outcome = None
    row.resolution_summary = None
    row.compensation_minor = 0
    row.compensation_currency = None
    row.compensation_needs_approval = False
    row.compensation_approved_by = None


@router.post("", response_model=None, status_code=201)
def create_dispute(
    body: DisputeCreate, request: Request, principal: Writer, state: State, key: IdempotencyKeyHeader = None
) -> Response:
    def work(session: Session) -> Outcome:
        player = session.get(db.Player, body.player_id.strip().upper())
        if player is None:
            raise validation_problem([("player_id", f"there is no player {body.player_id}")])
        for index, link in enumerate(body.links):
            check_link(session, player.id, link.kind, link.target_id, field=f"links.{index}.target_id")
        now = utcnow()
        weeks = next(j.adr_weeks for j in reference_data.JURISDICTIONS if j.code.value == player.jurisdiction)
        row = DisputeRow(
            id=db.next_id(session, "dispute"), version=1, player_id=player.id,
            player_name=f"{player.first_name} {player.last_name}", jurisdiction=player.jurisdiction,
            kind=body.kind.value, subject=body.subject.strip(), priority=body.priority.value, status="new",
            created_at=now, last_activity_at=now, adr_deadline=now + timedelta(weeks=weeks),
        )  # fmt: skip
        sla.start(row, now)
        stamp(row, principal, now)
        session.add(row)
        if body.body.strip():
            session.add(
                db.DisputeComment(
                    id=db.next_id(session, "dispute_comment"),
                    dispute_id=row.id,
                    author_id=principal.staff_id,
                    author_name=principal.display_name,
                    internal=True,
                    body=body.body,
                    created_at=now,
                )
            )
        for kind, target_id in {(link.kind, link.target_id.strip()) for link in body.links}:
            session.add(db.DisputeLink(dispute_id=row.id, kind=kind, target_id=target_id, created_at=now,
                                       created_by=principal.staff_id))  # fmt: skip
        session.flush()
        audit.append(session, actor=principal, action="dispute.create", entity_type="dispute",
                     entity_id=row.id, before=None, after=trail(row), reason=body.subject)  # fmt: skip
        model = dispute_models(session, [row])[0]
        event = (EventType.DISPUTE_CREATED.value, model.model_dump(mode="json"))
        return Outcome(body=model, status_code=201, etag_version=row.version, events=[event])

    return run_mutation(state, principal, request, body, key, work, key_required=True)


@router.patch("/{dispute_id}", response_model=None)
def update_dispute(
    dispute_id: str,
    body: DisputeUpdate,
    request: Request,
    principal: Writer,
    state: State,
    if_match: IfMatch = None,
) -> Response:
    if body.status is None and body.priority is None and body.subject is None:
        raise validation_problem([("body", "set at least one of status, priority, subject")])
    if body.subject is not None and not body.subject.strip():
        raise validation_problem([("subject", "the subject must not be empty")])

    def change(_session: Session, row: DisputeRow) -> str | None:
        writable(row)
        now = utcnow()
        notes = []
        if body.status is not None and body.status.value != row.status:
            old, new = row.status, body.status.value
            if new not in TRANSITIONS[old]:
                hint = " Resolve it with an outcome instead." if new == "resolved" else ""
                raise conflict("invalid_transition", f"A ticket cannot go from {old} to {new}.{hint}")
            if new == "closed" and row.compensation_needs_approval and not row.compensation_approved_by:
                raise conflict(
                    "compensation_pending_approval",
                    f"{row.id} cannot be closed before a manager approves its compensation.",
                )
            row.status = new
            sla.follow_status(row, old, new, now)
            if old == "resolved" and new == "open":
                clear_resolution(row)  # reopened: the old outcome is void (the audit trail keeps it)
            notes.append(f"status {old} → {new}")
        if body.priority is not None and body.priority.value != row.priority:
            old_priority = row.priority
            row.priority = body.priority.value
            sla.reprioritise(row, old_priority, row.priority)
            notes.append(f"priority {old_priority} → {row.priority}")
        if body.subject is not None and body.subject.strip() != row.subject:
            row.subject = body.subject.strip()
            notes.append("subject changed")
        return "; ".join(notes) or None

    return change_dispute(
        state, principal, request, dispute_id, if_match, "dispute.update", change, payload=body
    )


@router.post("/{dispute_id}/assign", response_model=None)
def assign_dispute(
    dispute_id: str, body: DisputeAssign, request: Request, principal: Writer, state: State,
    if_match: IfMatch = None, key: IdempotencyKeyHeader = None,
) -> Response:  # fmt: skip
    if not body.reason.strip():
        raise validation_problem([("reason", "say why the ticket changes hands")])
    if body.reason_code is not None and body.reason_code not in reference_data.reason_codes_for(
        "dispute_reassign"
    ):
        raise validation_problem([("reason_code", "not a dispute reassignment reason code")])

    def change(session: Session, row: DisputeRow) -> str | None:
        writable(row)
        if row.status == "resolved":
            raise conflict("invalid_transition", f"{row.id} is resolved; reopen it before reassigning.")
        if body.assignee_id is not None:
            staff = session.get(db.Staff, body.assignee_id)
            if staff is None or not staff.active:
                raise validation_problem(
                    [("assignee_id", f"there is no active staff member {body.assignee_id}")]
                )
            if Permission.DISPUTES_WRITE not in permissions_for(staff.roles):
                raise validation_problem(
                    [("assignee_id", f"{staff.display_name} cannot work dispute tickets")]
                )
        if body.assignee_id == row.assignee_id:
            raise conflict(
                "conflict",
                f"{row.id} is already assigned to {row.assignee_id or 'nobody'}.",
            )
        row.assignee_id = body.assignee_id
        if row.status == "new" and body.assignee_id is not None:
            row.status = "open"  # a handler has it now
        code = f"[{body.reason_code}] " if body.reason_code else ""
        return f"{code}{body.reason.strip()}"

    return change_dispute(
        state, principal, request, dispute_id, if_match, "dispute.assign", change, payload=body, key=key
    )


@router.post("/{dispute_id}/resolve", response_model=None)
def resolve_dispute(
    dispute_id: str, body: DisputeResolve, request: Request, principal: Writer, state: State,
    if_match: IfMatch = None, key: IdempotencyKeyHeader = None,
) -> Response:  # fmt: skip
    currency = (body.currency or "").upper() or None
    if body.compensation_minor and body.outcome == DisputeOutcome.REJECTED:
        raise validation_problem([("compensation_minor", "a rejected complaint gets no compensation")])
    if body.compensation_minor and currency not in reference_data.EUR_RATES:
        raise validation_problem([("currency", "choose the currency of the compensation")])
    if not body.summary.strip():
        raise validation_problem([("summary", "summarise the resolution for the player and the file")])

    def change(_session: Session, row: DisputeRow) -> str | None:
        writable(row)
        if row.status not in RESOLVABLE:
            raise conflict("invalid_transition", f"{row.id} is {row.status}; it cannot be resolved now.")
        eur = reference_data.to_eur_minor(body.compensation_minor, currency) if currency else 0
        old = row.status
        row.status = "resolved"
        sla.follow_status(row, old, "resolved", utcnow())
        row.resolved_at = utcnow()
        row.resolution_outcome = body.outcome.value
        row.resolution_summary = body.summary.strip()
        row.compensation_minor = body.compensation_minor
        row.compensation_currency = currency if body.compensation_minor else None
        row.compensation_needs_approval = (
            body.compensation_minor > 0 and eur >= state.config.compensation_approval_eur_minor
        )
        row.compensation_approved_by = None
        return f"{body.outcome.value}: {body.summary.strip()}"

    return change_dispute(
        state, principal, request, dispute_id, if_match, "dispute.resolve", change,
        payload=body, key=key, key_required=True,
    )  # fmt: skip


def _resolver(session: Session, dispute_id: str) -> str | None:
    a = db.AuditLog
    return session.scalar(
        sa.select(a.actor_id)
        .where(a.entity_type == "dispute", a.entity_id == dispute_id, a.action == "dispute.resolve")
        .order_by(a.seq.desc())
        .limit(1)
    )


@router.post("/{dispute_id}/approve-compensation", response_model=None)
def approve_compensation(
    dispute_id: str, request: Request, principal: Approver, state: State,
    if_match: IfMatch = None, key: IdempotencyKeyHeader = None,
) -> Response:  # fmt: skip
    def change(session: Session, row: DisputeRow) -> str | None:
        if row.status != "resolved" or not row.compensation_needs_approval or row.compensation_approved_by:
            raise conflict("invalid_transition", f"{row.id} has no compensation waiting for approval.")
        if _resolver(session, row.id) == principal.staff_id:
            raise conflict(
                "same_approver", "You resolved this ticket; another manager must approve its compensation."
            )
        row.compensation_approved_by = principal.staff_id
        return f"approved {row.compensation_minor} {row.compensation_currency}"

    return change_dispute(
        state, principal, request, dispute_id, if_match, "dispute.approve_compensation", change,
        key=key, key_required=True,
    )  # fmt: skip

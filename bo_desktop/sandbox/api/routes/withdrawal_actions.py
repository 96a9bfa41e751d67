"""Withdrawal decisions: claim (lease), release, approve (four-eyes), reject (reason code).

State machine (DESIGN §3): pending → in_review (claimed) → [awaiting_second_approval] → approved;
or rejected. Only the holder of an unexpired lease decides. A four-eyes withdrawal (at or above
the threshold, or high/critical risk) needs approvals from two different staff members: the first
approval moves it to awaiting_second_approval and releases the lease so a colleague can claim it.

Every action: If-Match on the withdrawal's version (412 with the current withdrawal when stale),
an audit record, and a ``withdrawal.updated`` event with the full withdrawal, all committed in one
transaction (``run_mutation``). Approve and reject also require an Idempotency-Key.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from bo_desktop.contract.enums import OPEN_WITHDRAWAL_STATUSES, Permission, WithdrawalStatus
from bo_desktop.contract.events import EventType
from bo_desktop.contract.payments import ApproveRequest, ClaimRequest, RejectRequest, Withdrawal

from ... import audit, payouts, reference_data
from ...db import Withdrawal as WithdrawalRow
from ...db import WithdrawalApproval, utcnow
from ...state import SandboxState
from ..concurrency import IfMatch, check_version, require_if_match
from ..deps import get_state
from ..idempotency import IdempotencyKeyHeader, Outcome, run_mutation
from ..permissions import Principal, authenticated, require
from ..problems import ApiProblem, conflict, not_found, validation_problem
from .withdrawals import active_holder, needs_four_eyes, staff_names, trail, withdrawal_model

router = APIRouter(prefix="/withdrawals", tags=["withdrawals"])

Status = WithdrawalStatus
_DECIDABLE = {Status.IN_REVIEW.value, Status.AWAITING_SECOND_APPROVAL.value}
_OPEN = {s.value for s in OPEN_WITHDRAWAL_STATUSES}
Decider = Annotated[Principal, Depends(require(Permission.WITHDRAWALS_DECIDE))]
State = Annotated[SandboxState, Depends(get_state)]


def _locked(session: Session, withdrawal_id: str) -> WithdrawalRow:
    row = session.scalar(sa.select(WithdrawalRow).where(WithdrawalRow.id == withdrawal_id).with_for_update())
    if row is None:
        raise not_found("withdrawal", withdrawal_id)
    return row


def _decide(
    state: SandboxState,
    principal: Principal,
    request: Request,
    withdrawal_id: str,
    if_match: str | None,
    action: str,
    change: Callable[[Session, WithdrawalRow], str | None],
    *,
    payload: BaseModel | None = None,
    key: str | None = None,
    key_required: bool = False,
) -> Response:
    """The common frame of every action; ``change`` mutates the row and returns the audit reason."""
    require_if_match(if_match)

    def work(session: Session) -> Outcome:
        row = _locked(session, withdrawal_id)
        check_version(
            if_match,
            row.version,
            lambda: withdrawal_model(session, row, state.config).model_dump(mode="json"),
        )
        before = trail(row)
        reason = change(session, row)
        row.version += 1
        row.updated_at = utcnow()
        session.flush()
        audit.append(
            session,
            actor=principal,
            action=action,
            entity_type="withdrawal",
            entity_id=row.id,
            before=before,
            after=trail(row),
            reason=reason,
        )
        model = withdrawal_model(session, row, state.config)
        event = (EventType.WITHDRAWAL_UPDATED.value, model.model_dump(mode="json"))
        return Outcome(body=model, etag_version=row.version, events=[event])

    return run_mutation(state, principal, request, payload, key, work, key_required=key_required)


def _holder_only(session: Session, row: WithdrawalRow, principal: Principal) -> None:
    holder = active_holder(row, utcnow())
    if holder != principal.staff_id:
        whom = staff_names(session).get(holder, holder) if holder else "nobody"
        raise conflict(
            "not_lease_holder",
            f"Only the staff member holding the claim can decide {row.id} (claimed by {whom}); "
            "claim it first.",
        )


def _release_lease(row: WithdrawalRow) -> None:
    row.claimed_by = None
    row.claim_expires_at = None


@router.post("/{withdrawal_id}/claim", response_model=Withdrawal)
def claim(
    withdrawal_id: str,
    request: Request,
    principal: Decider,
    state: State,
    if_match: IfMatch = None,
    key: IdempotencyKeyHeader = None,
    body: ClaimRequest | None = None,
) -> Response:
    lease = body or ClaimRequest()

    def change(session: Session, row: WithdrawalRow) -> str | None:
        if row.status not in _OPEN:
            raise conflict("invalid_transition", f"{row.id} is {row.status}; only open items can be claimed.")
        now = utcnow()
        holder = active_holder(row, now)
        if holder is not None and holder != principal.staff_id:
            until = row.claim_expires_at.strftime("%H:%M:%S UTC") if row.claim_expires_at else "?"
            raise conflict(
                "claimed_by_other",
                f"{row.id} is claimed by {staff_names(session).get(holder, holder)} until {until}.",
            )
        if row.status == Status.AWAITING_SECOND_APPROVAL.value and _approved_by(session, row.id, principal):
            raise conflict(
                "same_approver", f"You approved {row.id} already; a colleague must give the second approval."
            )
        row.claimed_by = principal.staff_id
        row.claim_expires_at = now + timedelta(seconds=lease.lease_seconds)
        if row.status == Status.PENDING.value:
            row.status = Status.IN_REVIEW.value
        return f"lease {lease.lease_seconds} s" + (" (renewed)" if holder else "")

    return _decide(
        state, principal, request, withdrawal_id, if_match, "withdrawal.claim", change, payload=lease, key=key
    )


@router.delete("/{withdrawal_id}/claim", response_model=Withdrawal)
def release(
    withdrawal_id: str,
    request: Request,
    principal: Annotated[Principal, Depends(authenticated)],
    state: State,
    if_match: IfMatch = None,
) -> Response:
    if not (
        principal.can(Permission.WITHDRAWALS_DECIDE) or principal.can(Permission.WITHDRAWALS_BREAK_LEASE)
    ):
        raise ApiProblem(403, "forbidden", "Your roles do not include the permission withdrawals.decide.")

    def change(session: Session, row: WithdrawalRow) -> str | None:
        holder = active_holder(row, utcnow())
        if holder is None:
            raise conflict("not_claimed", f"{row.id} is not claimed by anyone.")
        if holder != principal.staff_id and not principal.can(Permission.WITHDRAWALS_BREAK_LEASE):
            raise ApiProblem(
                403, "forbidden", "Only a manager (withdrawals.break_lease) may release a colleague's claim."
            )
        _release_lease(row)
        if row.status == Status.IN_REVIEW.value:
            row.status = Status.PENDING.value
        return None if holder == principal.staff_id else f"lease of {holder} broken"

    return _decide(state, principal, request, withdrawal_id, if_match, "withdrawal.release", change)


def _approved_by(session: Session, withdrawal_id: str, principal: Principal) -> bool:
    return (
        session.scalar(
            sa.select(WithdrawalApproval.id).where(
                WithdrawalApproval.withdrawal_id == withdrawal_id,
                WithdrawalApproval.staff_id == principal.staff_id,
            )
        )
        is not None
    )


@router.post("/{withdrawal_id}/approve", response_model=Withdrawal)
def approve(
    withdrawal_id: str,
    request: Request,
    principal: Decider,
    state: State,
    body: ApproveRequest,
    if_match: IfMatch = None,
    key: IdempotencyKeyHeader = None,
) -> Response:
    def change(session: Session, row: WithdrawalRow) -> str | None:
        if row.status not in _DECIDABLE:
            raise conflict("invalid_transition", f"{row.id} is {row.status}; it cannot be approved now.")
        _holder_only(session, row, principal)
        if _approved_by(session, row.id, principal):
            raise conflict(
                "same_approver", f"You approved {row.id} already; a colleague must give the second approval."
            )
        earlier = session.scalar(sa.select(sa.func.count()).where(WithdrawalApproval.withdrawal_id == row.id))
        now = utcnow()
        session.add(
            WithdrawalApproval(
                withdrawal_id=row.id, staff_id=principal.staff_id, at=now, comment=body.comment
            )
        )
        _release_lease(row)
        if needs_four_eyes(row, state.config) and not earlier:
            row.status = Status.AWAITING_SECOND_APPROVAL.value
        else:
            row.status = Status.APPROVED.value
            row.decided_at = now
            row.decided_by = principal.staff_id  # the approval that completed it
        return body.comment or None

    return _decide(
        state,
        principal,
        request,
        withdrawal_id,
        if_match,
        "withdrawal.approve",
        change,
        payload=body,
        key=key,
        key_required=True,
    )


@router.post("/{withdrawal_id}/reject", response_model=Withdrawal)
def reject(
    withdrawal_id: str,
    request: Request,
    principal: Decider,
    state: State,
    body: RejectRequest,
    if_match: IfMatch = None,
    key: IdempotencyKeyHeader = None,
) -> Response:
    allowed = reference_data.reason_codes_for("withdrawal_reject")
    if body.reason_code not in allowed:
        raise validation_problem(
            [("reason_code", f"unknown reason code; one of: {', '.join(sorted(allowed))}")],
            detail=f"{body.reason_code!r} is not a withdrawal rejection reason.",
        )

    def change(session: Session, row: WithdrawalRow) -> str | None:
        if row.status not in _DECIDABLE:
            raise conflict("invalid_transition", f"{row.id} is {row.status}; it cannot be rejected now.")
        _holder_only(session, row, principal)
        _release_lease(row)
        row.status = Status.REJECTED.value
        row.decided_at = utcnow()
        row.decided_by = principal.staff_id
        row.reject_reason_code = body.reason_code
        row.reject_comment = body.comment
        payouts.release_reserved(session, row, "reversed")  # the money goes back to the balance
        return f"{body.reason_code}: {body.comment}" if body.comment else body.reason_code

    return _decide(
        state,
        principal,
        request,
        withdrawal_id,
        if_match,
        "withdrawal.reject",
        change,
        payload=body,
        key=key,
        key_required=True,
    )

"""Withdrawal queue, reads: ``GET /withdrawals``, ``/withdrawals/counts``, ``/withdrawals/{id}``.

The mutations (claim, release, approve, reject) are in ``withdrawal_actions``; both share the
representation built here (``withdrawal_models``), so an event, a 412's ``current`` and a GET
always show the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.orm import Session

from bo_desktop.contract.common import Page
from bo_desktop.contract.enums import (
    OPEN_WITHDRAWAL_STATUSES,
    Permission,
    Psp,
    RiskLevel,
    WithdrawalStatus,
)
from bo_desktop.contract.payments import Approval, Withdrawal, WithdrawalCounts

from ... import risk
from ...config import SandboxConfig
from ...db import Staff, WithdrawalApproval, utcnow
from ...db import Withdrawal as WithdrawalRow
from ...state import SandboxState
from ..concurrency import set_etag
from ..deps import get_state, read_session
from ..pagination import PageParams, paginate_rows, sort_options
from ..permissions import Principal, require
from ..problems import not_found

router = APIRouter(prefix="/withdrawals", tags=["withdrawals"])

W = WithdrawalRow
SORTS = sort_options(
    W.id,
    {
        "-risk_score": [(W.risk_score, True), (W.requested_at, False)],
        "requested_at": [(W.requested_at, False)],
        "-requested_at": [(W.requested_at, True)],
        "amount_eur_minor": [(W.amount_eur_minor, False)],
        "-amount_eur_minor": [(W.amount_eur_minor, True)],
    },
)
MAX_MINOR = 2**62  # keeps fuzzed filters inside BIGINT instead of overflowing in the driver


def active_holder(row: WithdrawalRow, now: datetime) -> str | None:
    """The staff id holding an unexpired lease, else None (an expired lease is no lease)."""
    if row.claimed_by and row.claim_expires_at and row.claim_expires_at > now:
        return row.claimed_by
    return None


def needs_four_eyes(row: WithdrawalRow, config: SandboxConfig) -> bool:
    return row.requires_four_eyes or risk.requires_four_eyes(
        row.amount_eur_minor, row.risk_level, config.four_eyes_threshold_eur_minor
    )


def staff_names(session: Session) -> dict[str, str]:
    return {staff_id: name for staff_id, name in session.execute(sa.select(Staff.id, Staff.display_name))}


def withdrawal_models(
    session: Session, rows: Sequence[WithdrawalRow], config: SandboxConfig
) -> list[Withdrawal]:
    """Contract models for ``rows``, with approvals and staff names fetched in two queries."""
    if not rows:
        return []
    names = staff_names(session)
    approvals: dict[str, list[Approval]] = {row.id: [] for row in rows}
    for approval in session.scalars(
        sa.select(WithdrawalApproval)
        .where(WithdrawalApproval.withdrawal_id.in_(list(approvals)))
        .order_by(WithdrawalApproval.at, WithdrawalApproval.id)
    ):
        approvals[approval.withdrawal_id].append(
            Approval(
                staff_id=approval.staff_id,
                staff_name=names.get(approval.staff_id, approval.staff_id),
                at=approval.at,
            )
        )
    now = utcnow()
    result = []
    for row in rows:
        holder = active_holder(row, now)
        model = Withdrawal.model_validate(row, from_attributes=True)
        result.append(
            model.model_copy(
                update={
                    "requires_four_eyes": needs_four_eyes(row, config),
                    "approvals": approvals[row.id],
                    "claimed_by": holder,
                    "claimed_by_name": names.get(holder) if holder else None,
                    "claim_expires_at": row.claim_expires_at if holder else None,
                    "decided_by_name": names.get(row.decided_by, row.decided_by) if row.decided_by else None,
                }
            )
        )
    return result


def trail(row: WithdrawalRow) -> dict[str, Any]:
    """The audited state of a withdrawal: what its decisions and its payout change."""

    def iso(at: datetime | None) -> str | None:
        return at.isoformat() if at else None

    return {
        "version": row.version,
        "status": row.status,
        "claimed_by": row.claimed_by,
        "claim_expires_at": iso(row.claim_expires_at),
        "decided_at": iso(row.decided_at),
        "decided_by": row.decided_by,
        "reject_reason_code": row.reject_reason_code,
        "reject_comment": row.reject_comment,
        "psp_reference": row.psp_reference,
        "settled_at": iso(row.settled_at),
        "failure_reason": row.failure_reason,
    }


def withdrawal_model(session: Session, row: WithdrawalRow, config: SandboxConfig) -> Withdrawal:
    return withdrawal_models(session, [row], config)[0]


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@router.get("", response_model=Page[Withdrawal])
def list_withdrawals(
    principal: Annotated[Principal, Depends(require(Permission.WITHDRAWALS_READ))],
    session: Annotated[Session, Depends(read_session)],
    state: Annotated[SandboxState, Depends(get_state)],
    page: Annotated[PageParams, Depends()],
    status: Annotated[
        list[WithdrawalStatus] | None, Query(description="Repeatable; default: the open statuses.")
    ] = None,
    psp: Psp | None = None,
    currency: Annotated[str | None, Query(min_length=3, max_length=3)] = None,
    min_eur: Annotated[
        int | None, Query(ge=0, le=MAX_MINOR, description="amount_eur_minor at least (EUR cents)")
    ] = None,
    max_eur: Annotated[
        int | None, Query(ge=0, le=MAX_MINOR, description="amount_eur_minor at most (EUR cents)")
    ] = None,
    risk_level: RiskLevel | None = None,
    claimed_by: Annotated[
        str | None, Query(max_length=16, description="A staff id, `me`, or `none`.")
    ] = None,
    q: Annotated[
        str | None,
        Query(max_length=200, description="Withdrawal id, player id, player name or PSP reference"),
    ] = None,
    sort: Annotated[str, Query(description=f"One of: {', '.join(SORTS.names)}")] = "-risk_score",
) -> Page[Withdrawal]:
    sort_option = SORTS.get(sort)
    statuses = [s.value for s in (status or sorted(OPEN_WITHDRAWAL_STATUSES))]
    stmt = sa.select(W).where(W.status.in_(statuses))
    if psp is not None:
        stmt = stmt.where(W.psp == psp.value)
    if currency is not None:
        stmt = stmt.where(W.currency == currency.upper())
    if min_eur is not None:
        stmt = stmt.where(W.amount_eur_minor >= min_eur)
    if max_eur is not None:
        stmt = stmt.where(W.amount_eur_minor <= max_eur)
    if risk_level is not None:
        stmt = stmt.where(W.risk_level == risk_level.value)
    if claimed_by is not None:
        now = utcnow()
        if claimed_by == "none":
            stmt = stmt.where(sa.or_(W.claimed_by.is_(None), W.claim_expires_at <= now))
        else:
            holder = principal.staff_id if claimed_by == "me" else claimed_by
            stmt = stmt.where(W.claimed_by == holder, W.claim_expires_at > now)
    if q:
        text = q.strip()
        stmt = stmt.where(
            sa.or_(
                W.id == text.upper(),
                W.player_id == text.upper(),
                W.psp_reference == text,
                sa.func.lower(W.player_name).like(_like(text), escape="\\"),
            )
        )
    result = paginate_rows(session, stmt, sort_option, page)
    return result.to_page(withdrawal_models(session, result.rows, state.config))


@router.get("/counts", response_model=WithdrawalCounts)
def count_withdrawals(
    _principal: Annotated[Principal, Depends(require(Permission.WITHDRAWALS_READ))],
    session: Annotated[Session, Depends(read_session)],
) -> WithdrawalCounts:
    open_statuses = sorted(OPEN_WITHDRAWAL_STATUSES)
    counts = {s: 0 for s in open_statuses}
    rows = session.execute(
        sa.select(W.status, sa.func.count())
        .where(W.status.in_([s.value for s in open_statuses]))
        .group_by(W.status)
    )
    for status_value, count in rows:
        counts[WithdrawalStatus(status_value)] = count
    return WithdrawalCounts(counts=counts)


@router.get("/{withdrawal_id}", response_model=Withdrawal)
def get_withdrawal(
    withdrawal_id: str,
    response: Response,
    _principal: Annotated[Principal, Depends(require(Permission.WITHDRAWALS_READ))],
    session: Annotated[Session, Depends(read_session)],
    state: Annotated[SandboxState, Depends(get_state)],
) -> Withdrawal:
    row = session.get(W, withdrawal_id)
    if row is None:
        raise not_found("withdrawal", withdrawal_id)
    set_etag(response, row.version)
    return withdrawal_model(session, row, state.config)

"""Read-only sections of a player profile: ``GET /players/{id}/...``.

transactions, sessions, kyc, bonuses, loyalty, alerts, disputes and audit. Notes and limits live
with their mutations (``players_notes``, ``players_limits``). Every list is newest first and
cursor-paginated except KYC (a handful of documents, a plain array as docs/api.md says).

Alerts and disputes are read straight from their tables (their own routers belong to other
domains); the player's audit trail covers the player itself and the withdrawals, disputes and
alerts that belong to them, so the trail answers "what happened to this player".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from bo_desktop.contract.alerts import Alert, AlertTransitionRecord
from bo_desktop.contract.audit import AuditRecord
from bo_desktop.contract.common import Page
from bo_desktop.contract.disputes import Dispute, DisputeResolution
from bo_desktop.contract.enums import AlertKind, DisputeOutcome, Permission, Psp, TransactionStatus
from bo_desktop.contract.payments import Transaction
from bo_desktop.contract.players import Bonus, GameSession, KycDocument, LoyaltyEntry

from ... import audit
from ...db import Alert as AlertRow
from ...db import AlertTransitionRow, AuditLog, Staff, utcnow
from ...db import Bonus as BonusRow
from ...db import Dispute as DisputeRow
from ...db import GameSession as SessionRow
from ...db import KycDocument as KycRow
from ...db import LoyaltyEntry as LoyaltyRow
from ...db import Transaction as TransactionRow
from ...db import Withdrawal as WithdrawalRow
from ..deps import read_session
from ..pagination import PageParams, SortOption, paginate, paginate_rows, sort_options
from ..permissions import Principal, require
from .players import ensure_player
from .transactions import SORTS as TX_SORTS
from .transactions import FromFilter, SortParam, ToFilter, TypeFilter, filter_transactions, transaction_model

router = APIRouter(prefix="/players/{player_id}", tags=["players"])

Reader = Annotated[Principal, Depends(require(Permission.PLAYERS_READ))]
ReadSession = Annotated[Session, Depends(read_session)]
Paging = Annotated[PageParams, Depends()]


def _newest_first(column: Any, id_column: Any) -> SortOption:
    """Newest first, ties broken by id (the only order these sections offer)."""
    return sort_options(id_column, {"-default": [(column, True)]}).get("-default")


SESSION_SORT = _newest_first(SessionRow.started_at, SessionRow.id)
BONUS_SORT = _newest_first(BonusRow.granted_at, BonusRow.id)
LOYALTY_SORT = _newest_first(LoyaltyRow.created_at, LoyaltyRow.id)
ALERT_SORT = _newest_first(AlertRow.created_at, AlertRow.id)
DISPUTE_SORT = _newest_first(DisputeRow.created_at, DisputeRow.id)
AUDIT_SORT = sort_options(AuditLog.seq, {"-seq": [(AuditLog.seq, True)]}).get("-seq")


@router.get("/transactions", response_model=Page[Transaction])
def player_transactions(
    player_id: str,
    _principal: Annotated[Principal, Depends(require(Permission.TRANSACTIONS_READ))],
    session: ReadSession,
    page: Paging,
    types: TypeFilter = None,
    psp: Psp | None = None,
    status: TransactionStatus | None = None,
    from_: FromFilter = None,
    to: ToFilter = None,
    sort: SortParam = "-created_at",
) -> Page[Transaction]:
    sort_option = TX_SORTS.get(sort)
    ensure_player(session, player_id)
    stmt = sa.select(TransactionRow).where(TransactionRow.player_id == player_id)
    stmt = filter_transactions(stmt, types=types, psp=psp, status=status, from_=from_, to=to)
    return paginate(session, stmt, sort_option, page, transaction_model)


@router.get("/sessions", response_model=Page[GameSession])
def player_sessions(
    player_id: str, _principal: Reader, session: ReadSession, page: Paging
) -> Page[GameSession]:
    ensure_player(session, player_id)
    stmt = sa.select(SessionRow).where(SessionRow.player_id == player_id)
    return paginate(
        session, stmt, SESSION_SORT, page, lambda row: GameSession.model_validate(row, from_attributes=True)
    )


@router.get("/kyc", response_model=list[KycDocument])
def player_kyc(player_id: str, _principal: Reader, session: ReadSession) -> list[KycDocument]:
    ensure_player(session, player_id)
    rows = session.scalars(sa.select(KycRow).where(KycRow.player_id == player_id).order_by(KycRow.id.desc()))
    return [KycDocument.model_validate(row, from_attributes=True) for row in rows]


@router.get("/bonuses", response_model=Page[Bonus])
def player_bonuses(player_id: str, _principal: Reader, session: ReadSession, page: Paging) -> Page[Bonus]:
    ensure_player(session, player_id)
    stmt = sa.select(BonusRow).where(BonusRow.player_id == player_id)
    return paginate(
        session, stmt, BONUS_SORT, page, lambda row: Bonus.model_validate(row, from_attributes=True)
    )


@router.get("/loyalty", response_model=Page[LoyaltyEntry])
def player_loyalty(
    player_id: str, _principal: Reader, session: ReadSession, page: Paging
) -> Page[LoyaltyEntry]:
    ensure_player(session, player_id)
    stmt = sa.select(LoyaltyRow).where(LoyaltyRow.player_id == player_id)
    return paginate(
        session, stmt, LOYALTY_SORT, page, lambda row: LoyaltyEntry.model_validate(row, from_attributes=True)
    )


def _staff_names(session: Session) -> dict[str, str]:
    return dict(session.execute(sa.select(Staff.id, Staff.display_name)).all())


def alert_models(session: Session, rows: Sequence[AlertRow]) -> list[Alert]:
    """Alerts with their transition history (one query for the whole page)."""
    if not rows:
        return []
    names = _staff_names(session)
    history: dict[str, list[AlertTransitionRecord]] = {row.id: [] for row in rows}
    for step in session.scalars(
        sa.select(AlertTransitionRow)
        .where(AlertTransitionRow.alert_id.in_(list(history)))
        .order_by(AlertTransitionRow.at, AlertTransitionRow.id)
    ):
        history[step.alert_id].append(AlertTransitionRecord.model_validate(step, from_attributes=True))
    result = []
    for row in rows:
        model = Alert.model_validate(row, from_attributes=True)
        update = {"history": history[row.id], "assignee_name": names.get(row.assignee_id or "")}
        result.append(model.model_copy(update=update))
    return result


@router.get("/alerts", response_model=Page[Alert])
def player_alerts(
    player_id: str,
    principal: Annotated[Principal, Depends(require(Permission.PLAYERS_READ, Permission.ALERTS_READ))],
    session: ReadSession,
    page: Paging,
    kind: AlertKind | None = None,
) -> Page[Alert]:
    ensure_player(session, player_id)
    stmt = sa.select(AlertRow).where(AlertRow.player_id == player_id)
    if not principal.can(Permission.ALERTS_AML):
        # AML alerts are compliance-only: support must not even learn that one exists.
        stmt = stmt.where(AlertRow.kind != AlertKind.AML.value)
    if kind is not None:
        stmt = stmt.where(AlertRow.kind == kind.value)
    result = paginate_rows(session, stmt, ALERT_SORT, page)
    return result.to_page(alert_models(session, result.rows))


def dispute_model(row: DisputeRow, names: dict[str, str]) -> Dispute:
    model = Dispute.model_validate(row, from_attributes=True)
    resolution = None
    if row.resolution_outcome:
        resolution = DisputeResolution(
            outcome=DisputeOutcome(row.resolution_outcome),
            summary=row.resolution_summary or "",
            compensation_minor=row.compensation_minor,
            currency=row.compensation_currency,
            approved_by=row.compensation_approved_by,
            needs_approval=row.compensation_needs_approval,
        )
    remaining = row.sla_remaining_seconds
    if not row.sla_paused and row.sla_due_at is not None:
        remaining = int((row.sla_due_at - utcnow()).total_seconds())
    return model.model_copy(
        update={
            "assignee_name": names.get(row.assignee_id or ""),
            "resolution": resolution,
            "sla_remaining_seconds": remaining,
        }
    )


@router.get("/disputes", response_model=Page[Dispute])
def player_disputes(
    player_id: str,
    _principal: Annotated[Principal, Depends(require(Permission.PLAYERS_READ, Permission.DISPUTES_READ))],
    session: ReadSession,
    page: Paging,
) -> Page[Dispute]:
    ensure_player(session, player_id)
    stmt = sa.select(DisputeRow).where(DisputeRow.player_id == player_id)
    result = paginate_rows(session, stmt, DISPUTE_SORT, page)
    names = _staff_names(session)
    return result.to_page([dispute_model(row, names) for row in result.rows])


@router.get("/audit", response_model=Page[AuditRecord])
def player_audit(
    player_id: str,
    principal: Reader,
    session: ReadSession,
    page: Paging,
    action: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[AuditRecord]:
    ensure_player(session, player_id)
    owned = (
        ("withdrawal", sa.select(WithdrawalRow.id).where(WithdrawalRow.player_id == player_id)),
        ("dispute", sa.select(DisputeRow.id).where(DisputeRow.player_id == player_id)),
        ("alert", sa.select(AlertRow.id).where(AlertRow.player_id == player_id)),
    )
    if not principal.can(Permission.ALERTS_AML):  # as on /alerts: no trace of AML alerts
        visible = sa.select(AlertRow.id).where(
            AlertRow.player_id == player_id, AlertRow.kind != AlertKind.AML.value
        )
        owned = (*owned[:2], ("alert", visible))
    about_player = sa.and_(AuditLog.entity_type == "player", AuditLog.entity_id == player_id)
    about_owned = [sa.and_(AuditLog.entity_type == kind, AuditLog.entity_id.in_(ids)) for kind, ids in owned]
    stmt = sa.select(AuditLog).where(sa.or_(about_player, *about_owned))
    if action is not None:
        stmt = stmt.where(AuditLog.action == action)
    return paginate(session, stmt, AUDIT_SORT, page, audit.to_contract)

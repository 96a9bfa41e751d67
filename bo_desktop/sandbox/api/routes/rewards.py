"""Rewards (issue 11): templates with results, granted bonuses, loyalty per tier, grant, cancel.

Reads need players.read; granting and cancelling need rewards.grant, a reason and an
Idempotency-Key (a grant to a segment of thousands must never run twice because a reply was
lost). Every recipient gets an audit record on their own trail; the RG guard and inactive
accounts are skipped and counted in the answer, never silently.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.orm import Session

from bo_desktop.contract.common import Page
from bo_desktop.contract.enums import BonusStatus, Permission
from bo_desktop.contract.players import Bonus
from bo_desktop.contract.rewards import (
    BonusCancel,
    GrantResult,
    LoyaltyTierStats,
    RewardGrant,
    TemplateStats,
)

from ...db import Bonus as BonusRow
from ...db import Player, Segment, utcnow
from ...rewards import TEMPLATES, apply_grant, cancel_bonus, loyalty_by_tier, template_stats
from ...state import SandboxState
from ..deps import get_state, read_session
from ..idempotency import IdempotencyKeyHeader, Outcome, run_mutation
from ..pagination import PageParams, paginate, sort_options
from ..permissions import Principal, require
from ..problems import conflict, not_found, validation_problem
from .segments import visible_to

router = APIRouter(prefix="/rewards", tags=["rewards"])

Reader = Annotated[Principal, Depends(require(Permission.PLAYERS_READ))]
Granter = Annotated[Principal, Depends(require(Permission.REWARDS_GRANT))]
ReadSession = Annotated[Session, Depends(read_session)]
State = Annotated[SandboxState, Depends(get_state)]
BONUS_SORTS = sort_options(BonusRow.id, {"-granted_at": [(BonusRow.granted_at, True)]})


def bonus_model(row: BonusRow) -> Bonus:
    return Bonus.model_validate(row, from_attributes=True)


@router.get("/templates", response_model=list[TemplateStats])
def templates(_principal: Reader, session: ReadSession) -> list[TemplateStats]:
    return template_stats(session)


@router.get("/bonuses", response_model=Page[Bonus])
def bonuses(
    _principal: Reader,
    session: ReadSession,
    page: Annotated[PageParams, Depends()],
    status: BonusStatus | None = None,
    template_id: Annotated[str | None, Query(max_length=32)] = None,
    player_id: Annotated[str | None, Query(max_length=16)] = None,
) -> Page[Bonus]:
    stmt = sa.select(BonusRow)
    if status is not None:
        stmt = stmt.where(BonusRow.status == status.value)
    if template_id is not None:
        stmt = stmt.where(BonusRow.template_id == template_id)
    if player_id is not None:
        stmt = stmt.where(BonusRow.player_id == player_id)
    return paginate(session, stmt, BONUS_SORTS.get("-granted_at"), page, bonus_model)


@router.get("/loyalty", response_model=list[LoyaltyTierStats])
def loyalty(
    _principal: Reader,
    session: ReadSession,
    since: Annotated[
        datetime | None, Query(alias="from", description="Ledger entries from (inclusive)")
    ] = None,
) -> list[LoyaltyTierStats]:
    if since is not None and since.tzinfo is None:
        raise validation_problem([("from", "needs a time zone (UTC offset)")])
    return loyalty_by_tier(session, since)


@router.post("/grants", response_model=GrantResult)
def grant(
    body: RewardGrant, request: Request, principal: Granter, state: State, key: IdempotencyKeyHeader = None
) -> Response:
    if body.template_id is not None and body.template_id not in TEMPLATES:
        raise validation_problem([("template_id", f"unknown bonus template {body.template_id!r}")])

    def work(session: Session) -> Outcome:
        now = utcnow()
        segment: Segment | None = None
        if body.segment_id is not None:
            segment = session.get(Segment, body.segment_id)
            if segment is None or not visible_to(segment, principal):
                raise not_found("segment", body.segment_id)
        elif session.get(Player, body.player_id) is None:
            raise not_found("player", body.player_id or "")
        granted, guarded, inactive, bonus_ids = apply_grant(session, principal, body, segment, now)
        result = GrantResult(
            grant_id=f"GR-{uuid.uuid4().hex[:12].upper()}",
            kind=body.kind,
            granted=granted,
            skipped_rg_guard=guarded,
            skipped_inactive=inactive,
            bonus_ids=bonus_ids,
            granted_at=now,
        )
        return Outcome(body=result)

    return run_mutation(state, principal, request, body, key, work, key_required=True)


@router.post("/bonuses/{bonus_id}/cancel", response_model=Bonus)
def cancel(
    bonus_id: str,
    body: BonusCancel,
    request: Request,
    principal: Granter,
    state: State,
    key: IdempotencyKeyHeader = None,
) -> Response:
    def work(session: Session) -> Outcome:
        row = session.scalar(sa.select(BonusRow).where(BonusRow.id == bonus_id).with_for_update())
        if row is None:
            raise not_found("bonus", bonus_id)
        if row.status != BonusStatus.ACTIVE.value:
            raise conflict(
                "invalid_transition", f"Bonus {bonus_id} is {row.status}; only active bonuses cancel."
            )
        cancel_bonus(session, principal, row, body.reason, utcnow())
        session.flush()
        return Outcome(body=bonus_model(row))

    return run_mutation(state, principal, request, body, key, work, key_required=True)

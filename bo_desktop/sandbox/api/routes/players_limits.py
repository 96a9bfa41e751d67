"""Responsible-gambling limits: ``GET/POST /players/{id}/limits``.

Every version of a limit is a row; the history is the ``superseded``/``removed`` rows. The rule
regulators share: a *stricter* limit protects the player and applies at once, a *looser* one
waits out a cooling-off period (24 h by default, 7 days for UKGC and SGA) as
``pending_increase``, so a player on a losing streak cannot lift their own brake in the moment.
A decrease also cancels a pending increase of the same kind.

A pending increase whose time has come becomes active when the limits are next written or read
(``promote_due``): no background job is needed and the answer is always current.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from bo_desktop.contract.enums import Jurisdiction, LimitKind, Permission
from bo_desktop.contract.player_limits import RgLimitChange
from bo_desktop.contract.players import RgLimit, RgLimitSet

from ...db import Player, next_id, utcnow
from ...db import RgLimit as LimitRow
from ..concurrency import IfMatch
from ..deps import read_session
from ..idempotency import IdempotencyKeyHeader
from ..permissions import Principal, require
from .players import ensure_player
from .players_actions import State, mutate_player

router = APIRouter(prefix="/players/{player_id}/limits", tags=["players"])

DEFAULT_COOLING_OFF = timedelta(hours=24)
COOLING_OFF: dict[str, timedelta] = {
    Jurisdiction.UKGC.value: timedelta(days=7),
    Jurisdiction.SGA.value: timedelta(days=7),
}
LIVE = ("active", "pending_increase")


def cooling_off_for(jurisdiction: str) -> timedelta:
    return COOLING_OFF.get(jurisdiction, DEFAULT_COOLING_OFF)


def _rows(session: Session, player_id: str, *, lock: bool = False) -> list[LimitRow]:
    stmt = (
        sa.select(LimitRow)
        .where(LimitRow.player_id == player_id)
        .order_by(LimitRow.kind, LimitRow.created_at.desc(), LimitRow.id.desc())
    )
    if lock:
        stmt = stmt.with_for_update()
    return list(session.scalars(stmt))


def promote_due(rows: list[LimitRow], now: datetime) -> bool:
    """Activate pending increases whose cooling-off is over; True when anything changed."""
    changed = False
    for pending in [r for r in rows if r.status == "pending_increase" and r.effective_at <= now]:
        for active in rows:
            if active.kind == pending.kind and active.status == "active":
                active.status = "superseded"
                active.superseded_at = pending.effective_at
        pending.status = "active"
        changed = True
    return changed


def limit_models(rows: list[LimitRow]) -> list[RgLimit]:
    return [RgLimit.model_validate(row, from_attributes=True) for row in rows]


@router.get("", response_model=list[RgLimit])
def list_limits(
    player_id: str,
    _principal: Annotated[Principal, Depends(require(Permission.PLAYERS_READ))],
    session: Annotated[Session, Depends(read_session)],
) -> list[RgLimit]:
    ensure_player(session, player_id)
    rows = _rows(session, player_id)
    # Promoted in the read's own copy only (never committed by a GET); the next write stores it.
    promote_due(rows, utcnow())
    models = limit_models(rows)
    session.rollback()
    return models


@router.post("", response_model=RgLimitChange)
def set_limit(
    player_id: str,
    body: RgLimitSet,
    request: Request,
    principal: Annotated[Principal, Depends(require(Permission.PLAYERS_LIMITS))],
    state: State,
    if_match: IfMatch = None,
    key: IdempotencyKeyHeader = None,
) -> Response:
    def change(session: Session, player: Player) -> tuple[str | None, BaseModel | None]:
        now = utcnow()
        rows = _rows(session, player.id, lock=True)
        promote_due(rows, now)
        same_kind = [r for r in rows if r.kind == body.kind.value]
        active = next((r for r in same_kind if r.status == "active"), None)
        pending = [r for r in same_kind if r.status == "pending_increase"]
        increase = active is not None and body.value > active.value
        cooling = cooling_off_for(player.jurisdiction) if increase else timedelta(0)
        for row in pending:  # a new request replaces any increase still waiting
            row.status = "superseded" if increase else "removed"
            row.superseded_at = now
        if not increase and active is not None:
            active.status = "superseded"
            active.superseded_at = now
        money = body.kind != LimitKind.SESSION_MINUTES
        row = LimitRow(
            id=next_id(session, "rg_limit"),
            player_id=player.id,
            kind=body.kind.value,
            value=body.value,
            currency=player.currency if money else None,
            status="pending_increase" if increase else "active",
            effective_at=now + cooling,
            created_at=now,
            created_by=principal.staff_id,
            reason=body.reason,
            superseded_at=None,
        )
        session.add(row)
        session.flush()
        old = f"{active.value}" if active is not None else "none"
        verdict = f"increase, effective after {cooling}" if increase else "applied at once"
        result = RgLimitChange(
            limit=RgLimit.model_validate(row, from_attributes=True),
            applied_now=not increase,
            cooling_off_hours=int(cooling.total_seconds() // 3600),
            effective_at=row.effective_at,
            player_version=player.version + 1,  # mutate_player bumps it after this returns
            limits=limit_models(_rows(session, player.id)),
        )
        return f"{body.kind.value} {old} → {body.value} ({verdict}): {body.reason}", result

    return mutate_player(
        state, principal, request, player_id, if_match, "player.limit.set", change, payload=body, key=key
    )

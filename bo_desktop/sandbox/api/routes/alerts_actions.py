"""Actions taken from an alert on its player, and responsible-gambling interactions.

``POST /alerts/{id}/restrict`` suspends the player or blocks their withdrawals, in one transaction
through the players' ``mutate_player`` frame (If-Match on the *player's* version, since that is
what the officer changes; ``player.updated``), using the players' own status rules
(``validate_status_change``/``apply_status_change``). Two audit records: the player's
(``player.status`` / ``player.withdrawals_block``) and ``alert.restrict`` on the alert with the
rationale. The alert must be visible to the caller (AML stays hidden).

``GET/POST /players/{id}/rg-interactions`` records a responsible-gambling conversation with the
player (channel, summary, outcome, optionally the alert that prompted it): append-only like
notes, audited as ``player.rg_interaction``, If-Match on the player without bumping its version.
"""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from bo_desktop.contract.common import Page
from bo_desktop.contract.compliance import (
    AlertRestrict,
    AlertRestriction,
    RgInteraction,
    RgInteractionChannel,
    RgInteractionCreate,
)
from bo_desktop.contract.enums import AlertKind, Permission
from bo_desktop.contract.players import PlayerDetail, PlayerStatusChange

from ... import audit
from ...db import Alert as AlertRow
from ...db import Player, Staff, next_id, utcnow
from ...db import RgInteraction as RgRow
from ..concurrency import IfMatch
from ..deps import read_session
from ..idempotency import IdempotencyKeyHeader
from ..pagination import PageParams, paginate_rows, sort_options
from ..permissions import Principal, require
from ..problems import conflict, validation_problem
from .alerts import visible_alert
from .players import ensure_player
from .players_actions import State, apply_status_change, mutate_player, validate_status_change

router = APIRouter(tags=["alerts"])


def _alert_player(state: State, principal: Principal, alert_id: str) -> str:
    """The alert's player id (404 for an alert the caller may not see), in a short read."""
    with state.sessionmaker() as session:
        return visible_alert(session, principal, alert_id).player_id


@router.post("/alerts/{alert_id}/restrict", response_model=PlayerDetail)
def restrict_player(
    alert_id: str,
    body: AlertRestrict,
    request: Request,
    principal: Annotated[Principal, Depends(require(Permission.ALERTS_WRITE, Permission.PLAYERS_STATUS))],
    state: State,
    if_match: IfMatch = None,
    key: IdempotencyKeyHeader = None,
) -> Response:
    if not body.rationale.strip():
        raise validation_problem([("rationale", "say why the player is restricted")])
    suspend = body.restriction == AlertRestriction.SUSPEND
    status_change: PlayerStatusChange | None = None
    if suspend:
        if not body.reason_code:
            raise validation_problem([("reason_code", "suspending a player needs a reason code")])
        status_change = PlayerStatusChange(status="suspended", reason_code=body.reason_code)
        validate_status_change(status_change)
    player_id = _alert_player(state, principal, alert_id)

    def restrict(session: Session, row: Player) -> tuple[str | None, BaseModel | None]:
        alert = visible_alert(session, principal, alert_id)
        if status_change is not None:
            player_reason = apply_status_change(row, status_change)
        else:
            if row.withdrawals_blocked:
                raise conflict("invalid_transition", f"{row.id}'s withdrawals are already blocked.")
            row.withdrawals_blocked = True
            player_reason = "withdrawals blocked"
        # The rationale lives on the alert. The player's own trail is read by support too, so for
        # an AML alert it names neither the alert nor the suspicion (no tipping-off).
        if alert.kind != AlertKind.AML.value:
            player_reason = f"{player_reason} (alert {alert.id}: {body.rationale})"
        audit.append(
            session,
            actor=principal,
            action="alert.restrict",
            entity_type="alert",
            entity_id=alert.id,
            before=None,
            after={
                "player_id": row.id,
                "restriction": body.restriction.value,
                "reason_code": body.reason_code,
            },
            reason=body.rationale,
        )
        return player_reason, None

    action = "player.status" if suspend else "player.withdrawals_block"
    return mutate_player(
        state, principal, request, player_id, if_match, action, restrict, payload=body, key=key
    )


RG_SORT = sort_options(RgRow.id, {"-created_at": [(RgRow.created_at, True)]}).get("-created_at")


def rg_models(session: Session, rows: list[RgRow]) -> list[RgInteraction]:
    names = dict(session.execute(sa.select(Staff.id, Staff.display_name)).all())
    return [
        RgInteraction(
            id=row.id,
            player_id=row.player_id,
            alert_id=row.alert_id,
            channel=RgInteractionChannel(row.channel),
            summary=row.summary,
            outcome=row.outcome,
            staff_id=row.staff_id,
            staff_name=names.get(row.staff_id, row.staff_id),
            created_at=row.created_at,
        )
        for row in rows
    ]


@router.get("/players/{player_id}/rg-interactions", response_model=Page[RgInteraction])
def list_rg_interactions(
    player_id: str,
    principal: Annotated[Principal, Depends(require(Permission.PLAYERS_READ))],
    session: Annotated[Session, Depends(read_session)],
    page: Annotated[PageParams, Depends()],
) -> Page[RgInteraction]:
    ensure_player(session, player_id)
    result = paginate_rows(session, sa.select(RgRow).where(RgRow.player_id == player_id), RG_SORT, page)
    items = rg_models(session, result.rows)
    if not principal.can(Permission.ALERTS_AML):
        # The conversation is for everyone caring for the player; the AML alert behind it is not.
        aml = set(
            session.scalars(
                sa.select(AlertRow.id).where(
                    AlertRow.player_id == player_id, AlertRow.kind == AlertKind.AML.value
                )
            )
        )
        items = [i.model_copy(update={"alert_id": None}) if i.alert_id in aml else i for i in items]
    return result.to_page(items)


@router.post("/players/{player_id}/rg-interactions", response_model=RgInteraction, status_code=201)
def record_rg_interaction(
    player_id: str,
    body: RgInteractionCreate,
    request: Request,
    principal: Annotated[Principal, Depends(require(Permission.PLAYERS_WRITE, Permission.ALERTS_WRITE))],
    state: State,
    if_match: IfMatch = None,
    key: IdempotencyKeyHeader = None,
) -> Response:
    if not body.summary.strip():
        raise validation_problem([("summary", "must not be blank")])
    if body.alert_id is not None and _alert_player(state, principal, body.alert_id) != player_id:
        raise validation_problem([("alert_id", f"{body.alert_id} is not about {player_id}")])

    def record(session: Session, player: Player) -> tuple[str | None, BaseModel | None]:
        row = RgRow(
            id=next_id(session, "rg_interaction"),
            player_id=player.id,
            alert_id=body.alert_id,
            channel=body.channel.value,
            summary=body.summary,
            outcome=body.outcome,
            staff_id=principal.staff_id,
            created_at=utcnow(),
        )
        session.add(row)
        session.flush()
        return f"RG interaction {row.id} by {body.channel.value}: {body.summary}", rg_models(session, [row])[
            0
        ]

    return mutate_player(
        state,
        principal,
        request,
        player_id,
        if_match,
        "player.rg_interaction",
        record,
        payload=body,
        key=key,
        bump_version=False,
        status_code=201,
    )

"""Staff actions on a player: status change (with a reason code) and the review flag.

Both follow the API conventions: If-Match on the player's version (428 missing, 412 stale with
the current player), an Idempotency-Key (required: one per user intent), an audit record with
before/after, and a ``player.updated`` event carrying the full player — in one transaction via
``run_mutation``. ``mutate_player`` is the frame the notes and limits routes reuse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from bo_desktop.contract.enums import Permission, PlayerStatus
from bo_desktop.contract.events import EventType
from bo_desktop.contract.players import PlayerDetail, PlayerFlag, PlayerStatusChange

from ... import audit, reference_data
from ...db import Player, utcnow
from ...state import SandboxState
from ..concurrency import IfMatch, check_version, require_if_match
from ..deps import get_state
from ..idempotency import IdempotencyKeyHeader, Outcome, run_mutation
from ..permissions import Principal, require
from ..problems import conflict, validation_problem
from .players import load_player, player_detail

router = APIRouter(prefix="/players/{player_id}", tags=["players"])

State = Annotated[SandboxState, Depends(get_state)]
# Change builds the audit record: returns (reason, extra body to return instead of the player).
Change = Callable[[Session, Player], tuple[str | None, BaseModel | None]]

S = PlayerStatus
# Which status a staff member may move a player to, from where. Self-exclusion and cooling-off are
# the player's own decisions: staff cannot lift them early (regulators are explicit about that),
# and a closed account stays closed.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    S.ACTIVE.value: {S.SUSPENDED.value, S.CLOSED.value},
    S.SUSPENDED.value: {S.ACTIVE.value, S.CLOSED.value},
    S.SELF_EXCLUDED.value: {S.CLOSED.value},
    S.COOLING_OFF.value: {S.SUSPENDED.value, S.CLOSED.value},
    S.CLOSED.value: set(),
}
STAFF_TARGETS = {S.ACTIVE.value, S.SUSPENDED.value, S.CLOSED.value}


def player_trail(row: Player) -> dict[str, Any]:
    """The audited state of a player: what staff actions change."""
    return {
        "version": row.version,
        "status": row.status,
        "flagged_for_review": row.flagged_for_review,
        "withdrawals_blocked": row.withdrawals_blocked,
    }


def mutate_player(
    state: SandboxState,
    principal: Principal,
    request: Request,
    player_id: str,
    if_match: str | None,
    action: str,
    change: Change,
    *,
    payload: BaseModel,
    key: str | None,
    bump_version: bool = True,
    status_code: int = 200,
) -> Response:
    """Lock the player, check If-Match, apply ``change``, audit it and publish ``player.updated``.

    ``bump_version=False`` for appends that do not alter the player (a note): the If-Match still
    guards against writing about a player who changed since the user looked, but a colleague's
    note must not make everyone else's open status dialog stale.
    """
    require_if_match(if_match)

    def work(session: Session) -> Outcome:
        row = load_player(session, player_id, lock=True)
        check_version(if_match, row.version, lambda: player_detail(session, row).model_dump(mode="json"))
        before = player_trail(row)
        reason, body = change(session, row)
        if bump_version:
            row.version += 1
            row.updated_at = utcnow()
        session.flush()
        after = player_trail(row)
        audit.append(
            session,
            actor=principal,
            action=action,
            entity_type="player",
            entity_id=row.id,
            before=before,
            after=after,
            reason=reason,
        )
        detail = player_detail(session, row)
        events = [(EventType.PLAYER_UPDATED.value, detail.model_dump(mode="json"))]
        return Outcome(body=body or detail, status_code=status_code, etag_version=row.version, events=events)

    return run_mutation(state, principal, request, payload, key, work, key_required=True)


def validate_status_change(body: PlayerStatusChange) -> None:
    """422 unless the target is a staff target and the reason code is a ``player_status`` one."""
    allowed_reasons = reference_data.reason_codes_for("player_status")
    errors = []
    if body.status not in STAFF_TARGETS:
        errors.append(("status", f"must be one of: {', '.join(sorted(STAFF_TARGETS))}"))
    if body.reason_code not in allowed_reasons:
        errors.append(("reason_code", f"unknown reason code; one of: {', '.join(sorted(allowed_reasons))}"))
    if errors:
        raise validation_problem(errors)


def apply_status_change(row: Player, body: PlayerStatusChange) -> str:
    """Move the (locked) player to ``body.status`` if staff may (409 otherwise); the audit reason.

    Shared with actions that restrict a player from elsewhere (an alert) inside their own mutation.
    """
    if body.status == row.status:
        raise conflict("invalid_transition", f"{row.id} is already {row.status}.")
    if body.status not in ALLOWED_TRANSITIONS.get(row.status, set()):
        raise conflict(
            "invalid_transition",
            f"{row.id} is {row.status.replace('_', ' ')}; staff cannot make it {body.status}.",
        )
    row.status = body.status
    return f"{body.reason_code}: {body.comment}" if body.comment else body.reason_code


@router.post("/status", response_model=PlayerDetail)
def change_status(
    player_id: str,
    body: PlayerStatusChange,
    request: Request,
    principal: Annotated[Principal, Depends(require(Permission.PLAYERS_STATUS))],
    state: State,
    if_match: IfMatch = None,
    key: IdempotencyKeyHeader = None,
) -> Response:
    validate_status_change(body)

    def change(_session: Session, row: Player) -> tuple[str | None, BaseModel | None]:
        return apply_status_change(row, body), None

    return mutate_player(
        state, principal, request, player_id, if_match, "player.status", change, payload=body, key=key
    )


@router.post("/flag", response_model=PlayerDetail)
def flag_player(
    player_id: str,
    body: PlayerFlag,
    request: Request,
    principal: Annotated[Principal, Depends(require(Permission.PLAYERS_WRITE))],
    state: State,
    if_match: IfMatch = None,
    key: IdempotencyKeyHeader = None,
) -> Response:
    def change(_session: Session, row: Player) -> tuple[str | None, BaseModel | None]:
        if row.flagged_for_review == body.flagged:
            state_text = "flagged for review" if body.flagged else "not flagged"
            raise conflict("invalid_transition", f"{row.id} is already {state_text}.")
        row.flagged_for_review = body.flagged
        return body.reason, None

    return mutate_player(
        state, principal, request, player_id, if_match, "player.flag", change, payload=body, key=key
    )

"""Dispute links to the player's transactions, withdrawals and game rounds: link, unlink.

A link must point at something of the ticket's own player (422 otherwise): a handler linking the
wrong player's deposit is the mistake worth preventing. Linking and unlinking change what the
ticket is about, so both need If-Match and bump the ticket's version.
"""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request, Response
from pydantic import Field
from sqlalchemy.orm import Session

from bo_desktop.contract.common import ContractModel
from bo_desktop.contract.enums import Permission

from ... import db
from ...db import Dispute as DisputeRow
from ...db import utcnow
from ...state import SandboxState
from ..concurrency import IfMatch
from ..deps import get_state
from ..idempotency import IdempotencyKeyHeader
from ..permissions import Principal, require
from ..problems import conflict
from .disputes_mutation import change_dispute, check_link, writable

router = APIRouter(prefix="/disputes", tags=["disputes"])

Writer = Annotated[Principal, Depends(require(Permission.DISPUTES_WRITE))]
State = Annotated[SandboxState, Depends(get_state)]


class LinkCreate(ContractModel):
    """``POST /disputes/{id}/links`` body (the ``DisputeLink`` fields a client sets)."""

    kind: str = Field(pattern="^(transaction|withdrawal|game_round)$")
    target_id: str = Field(min_length=1, max_length=32)


def _normalised(kind: str, target_id: str) -> str:
    # Transaction and withdrawal ids are upper case; round ids are opaque and kept as given.
    return target_id.strip() if kind == "game_round" else target_id.strip().upper()


@router.post("/{dispute_id}/links", response_model=None)
def link(
    dispute_id: str, body: LinkCreate, request: Request, principal: Writer, state: State,
    if_match: IfMatch = None, key: IdempotencyKeyHeader = None,
) -> Response:  # fmt: skip
    target = _normalised(body.kind, body.target_id)

    def change(session: Session, row: DisputeRow) -> str | None:
        writable(row)
        check_link(session, row.player_id, body.kind, target, field="target_id")
        exists = session.scalar(
            sa.select(db.DisputeLink.id).where(
                db.DisputeLink.dispute_id == row.id,
                db.DisputeLink.kind == body.kind,
                db.DisputeLink.target_id == target,
            )
        )
        if exists is not None:
            raise conflict("conflict", f"{target} is already linked to {row.id}.")
        session.add(db.DisputeLink(dispute_id=row.id, kind=body.kind, target_id=target, created_at=utcnow(),
                                   created_by=principal.staff_id))  # fmt: skip
        return f"linked {body.kind} {target}"

    return change_dispute(
        state, principal, request, dispute_id, if_match, "dispute.link", change, payload=body, key=key
    )


@router.delete("/{dispute_id}/links/{kind}/{target_id}", response_model=None)
def unlink(
    dispute_id: str, kind: str, target_id: str, request: Request, principal: Writer, state: State,
    if_match: IfMatch = None,
) -> Response:  # fmt: skip
    target = _normalised(kind, target_id)

    def change(session: Session, row: DisputeRow) -> str | None:
        writable(row)
        deleted = session.execute(
            sa.delete(db.DisputeLink).where(
                db.DisputeLink.dispute_id == row.id,
                db.DisputeLink.kind == kind,
                db.DisputeLink.target_id == target,
            )
        )
        if deleted.rowcount != 1:  # type: ignore[attr-defined]
            raise conflict("conflict", f"{target} is not linked to {row.id}.")
        return f"unlinked {kind} {target}"

    return change_dispute(state, principal, request, dispute_id, if_match, "dispute.unlink", change)

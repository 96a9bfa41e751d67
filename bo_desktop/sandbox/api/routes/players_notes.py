"""Appends about a player: notes (``GET/POST /players/{id}/notes``, ``POST .../{note_id}/pin``)
and KYC document requests (``POST /players/{id}/kyc/requests``).

Notes are immutable: there is no edit or delete, a correction is a new note. Pinning is the only
change, and it is audited like any other. Both writes carry If-Match on the *player* (the user
writes about the player as they saw it) but do not bump its version — see ``mutate_player``.
Pinned notes come first, then newest first.
"""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from bo_desktop.contract.common import Page
from bo_desktop.contract.enums import Permission
from bo_desktop.contract.players import KycDocument, KycRequest, Note, NoteCreate, NotePin

from ...db import KycDocument as KycRow
from ...db import Note as NoteRow
from ...db import Player, Staff, next_id, utcnow
from ..concurrency import IfMatch
from ..deps import read_session
from ..idempotency import IdempotencyKeyHeader
from ..pagination import PageParams, paginate_rows, sort_options
from ..permissions import Principal, require
from ..problems import conflict, not_found, validation_problem
from .players import ensure_player
from .players_actions import State, mutate_player

router = APIRouter(prefix="/players/{player_id}/notes", tags=["players"])

NOTE_SORT = sort_options(NoteRow.id, {"pinned": [(NoteRow.pinned, True), (NoteRow.created_at, True)]}).get(
    "pinned"
)
Writer = Annotated[Principal, Depends(require(Permission.PLAYERS_WRITE))]


def note_models(session: Session, rows: list[NoteRow]) -> list[Note]:
    names = dict(session.execute(sa.select(Staff.id, Staff.display_name)).all())
    return [
        Note(
            id=row.id,
            player_id=row.player_id,
            author_id=row.author_id,
            author_name=names.get(row.author_id, row.author_id),
            body=row.body,
            pinned=row.pinned,
            created_at=row.created_at,
        )
        for row in rows
    ]


@router.get("", response_model=Page[Note])
def list_notes(
    player_id: str,
    _principal: Annotated[Principal, Depends(require(Permission.PLAYERS_READ))],
    session: Annotated[Session, Depends(read_session)],
    page: Annotated[PageParams, Depends()],
) -> Page[Note]:
    ensure_player(session, player_id)
    stmt = sa.select(NoteRow).where(NoteRow.player_id == player_id)
    result = paginate_rows(session, stmt, NOTE_SORT, page)
    return result.to_page(note_models(session, result.rows))


@router.post("", response_model=Note, status_code=201)
def add_note(
    player_id: str,
    body: NoteCreate,
    request: Request,
    principal: Writer,
    state: State,
    if_match: IfMatch = None,
    key: IdempotencyKeyHeader = None,
) -> Response:
    if not body.body.strip():
        raise validation_problem([("body", "must not be blank")])

    def change(session: Session, player: Player) -> tuple[str | None, BaseModel | None]:
        row = NoteRow(
            id=next_id(session, "note"),
            player_id=player.id,
            author_id=principal.staff_id,
            body=body.body,
            pinned=body.pinned,
            created_at=utcnow(),
        )
        session.add(row)
        session.flush()
        return f"note {row.id} added", note_models(session, [row])[0]

    return mutate_player(
        state,
        principal,
        request,
        player_id,
        if_match,
        "player.note.add",
        change,
        payload=body,
        key=key,
        bump_version=False,
        status_code=201,
    )


@router.post("/{note_id}/pin", response_model=Note)
def pin_note(
    player_id: str,
    note_id: str,
    body: NotePin,
    request: Request,
    principal: Writer,
    state: State,
    if_match: IfMatch = None,
    key: IdempotencyKeyHeader = None,
) -> Response:
    def change(session: Session, player: Player) -> tuple[str | None, BaseModel | None]:
        row = session.scalar(
            sa.select(NoteRow).where(NoteRow.id == note_id, NoteRow.player_id == player.id).with_for_update()
        )
        if row is None:
            raise not_found("note", note_id)
        if row.pinned == body.pinned:
            raise conflict(
                "invalid_transition", f"Note {note_id} is already {'pinned' if row.pinned else 'unpinned'}."
            )
        row.pinned = body.pinned
        session.flush()
        return f"note {row.id} {'pinned' if body.pinned else 'unpinned'}", note_models(session, [row])[0]

    return mutate_player(
        state,
        principal,
        request,
        player_id,
        if_match,
        "player.note.pin",
        change,
        payload=body,
        key=key,
        bump_version=False,
    )


kyc_router = APIRouter(prefix="/players/{player_id}/kyc", tags=["players"])


@kyc_router.post("/requests", response_model=KycDocument, status_code=201)
def request_kyc_document(
    player_id: str,
    body: KycRequest,
    request: Request,
    principal: Annotated[Principal, Depends(require(Permission.KYC_REVIEW))],
    state: State,
    if_match: IfMatch = None,
    key: IdempotencyKeyHeader = None,
) -> Response:
    """Ask the player for a document: a ``requested`` KYC row the player's upload later fills.

    Like a note it is an append about the player (If-Match guards it, the version stays).
    """

    def change(session: Session, player: Player) -> tuple[str | None, BaseModel | None]:
        open_request = session.scalar(
            sa.select(KycRow.id).where(
                KycRow.player_id == player.id,
                KycRow.kind == body.kind.value,
                KycRow.status.in_(["requested", "pending"]),
            )
        )
        if open_request is not None:
            raise conflict("conflict", f"A {body.kind.value} document is already requested or under review.")
        now = utcnow()
        row = KycRow(
            id=next_id(session, "kyc_document"),
            version=1,
            player_id=player.id,
            kind=body.kind.value,
            status="requested",
            requested_at=now,
            comment=body.comment or None,
        )
        session.add(row)
        session.flush()
        return f"{body.kind.value} requested ({row.id}): {body.comment}", KycDocument.model_validate(
            row, from_attributes=True
        )

    return mutate_player(
        state,
        principal,
        request,
        player_id,
        if_match,
        "player.kyc.request",
        change,
        payload=body,
        key=key,
        bump_version=False,
        status_code=201,
    )

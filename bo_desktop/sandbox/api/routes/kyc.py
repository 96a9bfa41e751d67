"""KYC review: ``GET /kyc/queue`` (uploaded documents waiting for a decision) and
``POST /kyc/documents/{id}/decision`` (verify, or reject with a reason code).

Queue items carry the player's name, KYC state and, for Pay-n-Play players, the identity their
bank confirmed (provider and bank-verified name), so the reviewer compares the document against it
without opening the profile. Oldest upload first: the queue is worked in arrival order.

A decision changes the document (If-Match on *its* version, Idempotency-Key required) and then
re-derives the player's KYC state from all their documents (``derive_kyc_status``); when that
changes, the player's version moves on. One audit record (``kyc.decision``, with the player's state
before and after) and two events: ``kyc.updated`` (the document) and ``player.updated`` (the full
player), so an open profile, search result or withdrawal context updates live.
"""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.orm import Session

from bo_desktop.contract.common import Page
from bo_desktop.contract.compliance import KycQueueItem
from bo_desktop.contract.enums import KycDocumentKind, KycDocumentStatus, KycStatus, Permission
from bo_desktop.contract.events import EventType
from bo_desktop.contract.players import KycDecision, KycDocument

from ... import audit, reference_data
from ...db import KycDocument as KycRow
from ...db import Player, utcnow
from ...state import SandboxState
from ..concurrency import IfMatch, check_version, require_if_match
from ..deps import get_state, read_session
from ..idempotency import IdempotencyKeyHeader, Outcome, run_mutation
from ..pagination import PageParams, paginate_rows, sort_options
from ..permissions import Principal, require
from ..problems import conflict, not_found, validation_problem
from .players import load_player, player_detail

router = APIRouter(prefix="/kyc", tags=["kyc"])
Reviewer = Annotated[Principal, Depends(require(Permission.KYC_REVIEW))]

QUEUE_SORT = sort_options(KycRow.id, {"uploaded_at": [(KycRow.uploaded_at, False)]}).get("uploaded_at")
# Documents that establish who the player is and where they live: their state is the KYC state.
# Source of funds/wealth is enhanced due diligence and does not change it.
IDENTITY_KINDS = {KycDocumentKind.ID.value, KycDocumentKind.PROOF_OF_ADDRESS.value}
OUTSTANDING = {KycDocumentStatus.REQUESTED.value, KycDocumentStatus.PENDING.value}


def queue_items(session: Session, rows: list[KycRow]) -> list[KycQueueItem]:
    players = {
        p.id: p for p in session.scalars(sa.select(Player).where(Player.id.in_({r.player_id for r in rows})))
    }
    items = []
    for row in rows:
        p = players[row.player_id]
        items.append(
            KycQueueItem.model_validate(
                {
                    **KycDocument.model_validate(row, from_attributes=True).model_dump(),
                    "player_name": f"{p.first_name} {p.last_name}",
                    "player_country": p.country,
                    "player_kyc_status": p.kyc_status,
                    "player_version": p.version,
                    "pay_n_play": p.pay_n_play,
                    "pay_n_play_provider": p.pay_n_play_provider,
                    "bank_verified_name": p.bank_verified_name,
                }
            )
        )
    return items


@router.get("/queue", response_model=Page[KycQueueItem])
def kyc_queue(
    _principal: Reviewer,
    session: Annotated[Session, Depends(read_session)],
    page: Annotated[PageParams, Depends()],
    kind: Annotated[list[KycDocumentKind] | None, Query()] = None,
    pay_n_play: bool | None = None,
    player_id: Annotated[str | None, Query(max_length=16)] = None,
) -> Page[KycQueueItem]:
    stmt = sa.select(KycRow).where(
        KycRow.status == KycDocumentStatus.PENDING.value, KycRow.uploaded_at.is_not(None)
    )
    if kind:
        stmt = stmt.where(KycRow.kind.in_([k.value for k in kind]))
    if pay_n_play is not None:
        stmt = stmt.where(KycRow.player_id.in_(sa.select(Player.id).where(Player.pay_n_play == pay_n_play)))
    if player_id:
        stmt = stmt.where(KycRow.player_id == player_id)
    result = paginate_rows(session, stmt, QUEUE_SORT, page)
    return result.to_page(queue_items(session, result.rows))


def derive_kyc_status(player: Player, docs: list[KycRow]) -> str:
    """The player's KYC state from their documents (after a decision).

    Pay-n-Play identity comes from the bank (a verified ``bank_id``). Otherwise the newest ``id``
    and ``proof_of_address`` decide: any rejected → rejected; any still requested or pending →
    pending; both verified → verified. Anything else leaves the state as it was (e.g. expired).
    """
    newest: dict[str, KycRow] = {}
    for doc in sorted(docs, key=lambda d: d.id):
        newest[doc.kind] = doc
    identity = [newest[k] for k in IDENTITY_KINDS if k in newest]
    if any(d.status == KycDocumentStatus.REJECTED.value for d in identity):
        return KycStatus.REJECTED.value
    if any(d.status in OUTSTANDING for d in identity):
        return KycStatus.PENDING.value
    bank = newest.get(KycDocumentKind.BANK_ID.value)
    if bank is not None and bank.status == KycDocumentStatus.VERIFIED.value:
        return KycStatus.VERIFIED.value
    if len(identity) == len(IDENTITY_KINDS) and all(d.status == "verified" for d in identity):
        return KycStatus.VERIFIED.value
    return player.kyc_status


def _validate(body: KycDecision) -> None:
    if body.decision not in (KycDocumentStatus.VERIFIED, KycDocumentStatus.REJECTED):
        raise validation_problem([("decision", "must be verified or rejected")])
    allowed = reference_data.reason_codes_for("kyc_reject")
    if body.decision == KycDocumentStatus.REJECTED and body.reason_code not in allowed:
        raise validation_problem([("reason_code", f"a rejection needs one of: {', '.join(sorted(allowed))}")])
    if body.decision == KycDocumentStatus.VERIFIED and body.reason_code:
        raise validation_problem([("reason_code", "only a rejection takes a reason code")])


@router.post("/documents/{document_id}/decision", response_model=KycQueueItem)
def decide_document(
    document_id: str,
    body: KycDecision,
    request: Request,
    principal: Reviewer,
    state: Annotated[SandboxState, Depends(get_state)],
    if_match: IfMatch = None,
    key: IdempotencyKeyHeader = None,
) -> Response:
    _validate(body)
    require_if_match(if_match)

    def work(session: Session) -> Outcome:
        doc = session.scalar(sa.select(KycRow).where(KycRow.id == document_id).with_for_update())
        if doc is None:
            raise not_found("KYC document", document_id)
        check_version(
            if_match,
            doc.version,
            lambda: KycDocument.model_validate(doc, from_attributes=True).model_dump(mode="json"),
        )
        if doc.status != KycDocumentStatus.PENDING.value:
            raise conflict(
                "invalid_transition", f"{doc.id} is {doc.status}; only pending documents are decided."
            )
        player = load_player(session, doc.player_id, lock=True)
        before = {"status": doc.status, "player_kyc_status": player.kyc_status}
        doc.status = body.decision.value
        doc.reason_code = body.reason_code
        doc.comment = body.comment or doc.comment
        doc.reviewed_by, doc.reviewed_at = principal.staff_id, utcnow()
        doc.version += 1
        docs = list(session.scalars(sa.select(KycRow).where(KycRow.player_id == player.id)))
        new_status = derive_kyc_status(player, docs)
        if new_status != player.kyc_status:
            player.kyc_status = new_status
            player.version += 1
            player.updated_at = utcnow()
        session.flush()
        reason = body.reason_code or "verified"
        audit.append(
            session,
            actor=principal,
            action="kyc.decision",
            entity_type="kyc_document",
            entity_id=doc.id,
            before=before,
            after={"status": doc.status, "player_kyc_status": player.kyc_status, "player_id": player.id},
            reason=f"{reason}: {body.comment}" if body.comment else reason,
        )
        item = queue_items(session, [doc])[0]
        detail = player_detail(session, player)
        events = [
            (EventType.KYC_UPDATED.value, item.model_dump(mode="json")),
            (EventType.PLAYER_UPDATED.value, detail.model_dump(mode="json")),
        ]
        return Outcome(body=item, etag_version=doc.version, events=events)

    return run_mutation(state, principal, request, body, key, work, key_required=True)

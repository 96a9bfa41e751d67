"""Segments (issue 11): evaluate rules, save/share/rename, list, and page through the members.

- ``POST /segments/evaluate`` counts members and RG-guard exclusions for unsaved rules (the
  builder's live count); read-only, so no Idempotency-Key.
- ``GET /segments`` built-ins, shared segments and the caller's own private ones.
- ``POST /segments`` (segments.write, Idempotency-Key) and ``PATCH /segments/{id}`` (If-Match) save;
  both audited and bump the ``segments`` reference dataset so every client's cache revalidates.
- ``GET /segments/{id}`` definition plus a fresh evaluation; ``GET /segments/{id}/members`` paged
  ``PlayerSummary`` (marketing segments exclude RG-guarded players, see ``sandbox.segments``).

``shared`` and the rules live together in ``segments.rules`` (JSON) so adding sharing needed no
schema migration of databases seeded before issue 11.
"""

from __future__ import annotations

from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session

from bo_desktop.contract.common import Page
from bo_desktop.contract.enums import Permission
from bo_desktop.contract.events import EventType
from bo_desktop.contract.players import PlayerSummary
from bo_desktop.contract.reference import ReferenceDataset
from bo_desktop.contract.segments import (
    SegmentCreate,
    SegmentDefinition,
    SegmentEvaluateRequest,
    SegmentEvaluation,
    SegmentUpdate,
)

from ... import audit
from ...db import Player, ReferenceRevision, Segment, next_id, utcnow
from ...segments import evaluate, members_query, stored_rules
from ...state import SandboxState
from ..concurrency import IfMatch, check_version, require_if_match, set_etag
from ..deps import get_state, read_session
from ..idempotency import IdempotencyKeyHeader, Outcome, run_mutation
from ..pagination import PageParams, paginate, sort_options
from ..permissions import Principal, require
from ..problems import not_found
from .players import player_summary

router = APIRouter(prefix="/segments", tags=["segments"])

Reader = Annotated[Principal, Depends(require(Permission.PLAYERS_READ))]
Writer = Annotated[Principal, Depends(require(Permission.SEGMENTS_WRITE))]
ReadSession = Annotated[Session, Depends(read_session)]
MEMBER_SORTS = sort_options(
    Player.id,
    {
        "id": [(Player.id, False)],
        "-registered_at": [(Player.registered_at, True)],
        "last_name": [(Player.last_name, False), (Player.first_name, False)],
    },
)


def definition(row: Segment) -> SegmentDefinition:
    envelope: dict[str, Any] = row.rules or {}
    return SegmentDefinition(
        id=row.id,
        version=row.version,
        name=row.name,
        description=row.description,
        builtin=row.builtin,
        marketing=row.marketing,
        shared=row.builtin or bool(envelope.get("shared", False)),
        rules=stored_rules(row),
        created_by=row.created_by,
        created_at=row.created_at,
    )


def visible_to(row: Segment, principal: Principal) -> bool:
    return definition(row).shared or row.created_by == principal.staff_id


def load_segment(session: Session, segment_id: str, principal: Principal, *, lock: bool = False) -> Segment:
    stmt = sa.select(Segment).where(Segment.id == segment_id)
    if lock:
        stmt = stmt.with_for_update()
    row = session.scalar(stmt)
    if row is None or not visible_to(row, principal):
        raise not_found("segment", segment_id)  # someone else's private segment does not exist for you
    return row


def _bump_reference(session: Session) -> int:
    row = session.get(ReferenceRevision, ReferenceDataset.SEGMENTS.value)
    if row is None:
        row = ReferenceRevision(dataset=ReferenceDataset.SEGMENTS.value, revision=1, updated_at=utcnow())
        session.add(row)
    row.revision += 1
    row.updated_at = utcnow()
    return row.revision


def _reference_event(revision: int) -> tuple[str, dict[str, Any]]:
    return EventType.REFERENCE_UPDATED.value, {
        "dataset": ReferenceDataset.SEGMENTS.value,
        "revision": revision,
    }


@router.post("/evaluate", response_model=SegmentEvaluation)
def evaluate_rules(
    body: SegmentEvaluateRequest, _principal: Reader, session: ReadSession
) -> SegmentEvaluation:
    return evaluate(session, body.rules, marketing=body.marketing)


@router.get("", response_model=list[SegmentDefinition])
def list_segments(principal: Reader, session: ReadSession) -> list[SegmentDefinition]:
    rows = session.scalars(
        sa.select(Segment).order_by(Segment.builtin.desc(), Segment.name, Segment.id)
    ).all()
    return [definition(row) for row in rows if visible_to(row, principal)]


@router.get("/{segment_id}", response_model=SegmentDefinition)
def get_segment(
    segment_id: str, response: Response, principal: Reader, session: ReadSession
) -> SegmentDefinition:
    row = load_segment(session, segment_id, principal)
    set_etag(response, row.version)
    return definition(row)


@router.get("/{segment_id}/evaluation", response_model=SegmentEvaluation)
def evaluate_segment(segment_id: str, principal: Reader, session: ReadSession) -> SegmentEvaluation:
    row = load_segment(session, segment_id, principal)
    return evaluate(session, stored_rules(row), marketing=row.marketing, builtin_id=row.id)


@router.get("/{segment_id}/members", response_model=Page[PlayerSummary])
def segment_members(
    segment_id: str,
    principal: Reader,
    session: ReadSession,
    page: Annotated[PageParams, Depends()],
    sort: str = "id",
) -> Page[PlayerSummary]:
    row = load_segment(session, segment_id, principal)
    return paginate(session, members_query(session, row), MEMBER_SORTS.get(sort), page, player_summary)


@router.post("", response_model=SegmentDefinition, status_code=201)
def create_segment(
    body: SegmentCreate,
    request: Request,
    principal: Writer,
    state: Annotated[SandboxState, Depends(get_state)],
    key: IdempotencyKeyHeader = None,
) -> Response:
    def work(session: Session) -> Outcome:
        row = Segment(
            id=next_id(session, "segment"),
            name=body.name.strip(),
            description=body.description,
            builtin=False,
            marketing=body.marketing,
            rules={"rules": body.rules.model_dump(mode="json"), "shared": body.shared},
            created_by=principal.staff_id,
            created_at=utcnow(),
            version=1,
        )
        session.add(row)
        session.flush()
        result = definition(row)
        audit.append(
            session,
            actor=principal,
            action="segment.create",
            entity_type="segment",
            entity_id=row.id,
            after=result.model_dump(mode="json"),
        )
        revision = _bump_reference(session)
        return Outcome(body=result, status_code=201, etag_version=1, events=[_reference_event(revision)])

    return run_mutation(state, principal, request, body, key, work, key_required=True)


@router.patch("/{segment_id}", response_model=SegmentDefinition)
def update_segment(
    segment_id: str,
    body: SegmentUpdate,
    request: Request,
    principal: Writer,
    state: Annotated[SandboxState, Depends(get_state)],
    if_match: IfMatch = None,
    key: IdempotencyKeyHeader = None,
) -> Response:
    require_if_match(if_match)

    def work(session: Session) -> Outcome:
        row = load_segment(session, segment_id, principal, lock=True)
        before = definition(row)
        check_version(if_match, row.version, lambda: before.model_dump(mode="json"))
        if row.builtin:
            raise not_found("saved segment", segment_id)  # built-ins are the platform's, not editable
        envelope = dict(row.rules or {})
        if body.rules is not None:
            envelope["rules"] = body.rules.model_dump(mode="json")
        if body.shared is not None:
            envelope["shared"] = body.shared
        row.rules = envelope
        if body.name is not None:
            row.name = body.name.strip()
        if body.description is not None:
            row.description = body.description
        if body.marketing is not None:
            row.marketing = body.marketing
        row.version += 1
        session.flush()
        after = definition(row)
        audit.append(
            session,
            actor=principal,
            action="segment.update",
            entity_type="segment",
            entity_id=row.id,
            before=before.model_dump(mode="json"),
            after=after.model_dump(mode="json"),
        )
        revision = _bump_reference(session)
        return Outcome(body=after, etag_version=row.version, events=[_reference_event(revision)])

    return run_mutation(state, principal, request, body, key, work)

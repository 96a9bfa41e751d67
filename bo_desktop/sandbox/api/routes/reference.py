"""``GET /reference/{dataset}``: small slowly-changing lists, cached by the client with ETags.

The ETag is ``W/"<revision>"`` from ``reference_revisions`` (1 when a dataset was never changed).
Whoever changes a dataset at runtime (a new segment, a deactivated staff member) bumps its
revision in the same transaction and publishes ``reference.updated``; clients then revalidate and
get a 304 for everything else.
"""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Response
from sqlalchemy.orm import Session

from bo_desktop.contract.common import etag_for
from bo_desktop.contract.reference import (
    ReferenceDataset,
    ReferenceList,
    StaffMember,
)
from bo_desktop.contract.reference import (
    Segment as SegmentModel,
)

from ... import reference_data
from ...db import ReferenceRevision, Segment, Staff
from ..concurrency import IfNoneMatch, not_modified
from ..deps import read_session
from ..permissions import Principal, authenticated
from .segments import visible_to

router = APIRouter(prefix="/reference", tags=["reference"])


def _items(session: Session, dataset: ReferenceDataset, principal: Principal) -> list[dict[str, object]]:
    # Staff and segments can change at runtime, so the database is their source of truth.
    if dataset is ReferenceDataset.STAFF:
        staff = session.scalars(sa.select(Staff).order_by(Staff.id)).all()
        if staff:
            return [
                StaffMember.model_validate(s, from_attributes=True).model_dump(mode="json") for s in staff
            ]
    if dataset is ReferenceDataset.SEGMENTS:
        # A manager's private segment is theirs alone: its name can say who is being targeted.
        # Same list as GET /segments (built-ins, shared ones and the caller's own); the revision
        # is shared by everyone, which is fine: each client caches per server and user.
        segments = [
            s
            for s in session.scalars(sa.select(Segment).order_by(Segment.id)).all()
            if visible_to(s, principal)
        ]
        if segments:
            return [
                SegmentModel.model_validate(s, from_attributes=True).model_dump(mode="json") for s in segments
            ]
    return reference_data.dataset_items(dataset)


def revision_of(session: Session, dataset: ReferenceDataset) -> int:
    revision = session.scalar(
        sa.select(ReferenceRevision.revision).where(ReferenceRevision.dataset == dataset.value)
    )
    return revision or 1


@router.get(
    "/{dataset}",
    response_model=ReferenceList,
    responses={304: {"description": "Not modified: the If-None-Match ETag is current"}},
)
def get_reference(
    dataset: ReferenceDataset,
    response: Response,
    principal: Annotated[Principal, Depends(authenticated)],
    session: Annotated[Session, Depends(read_session)],
    if_none_match: IfNoneMatch = None,
) -> ReferenceList | Response:
    revision = revision_of(session, dataset)
    etag = etag_for(revision)
    if not_modified(if_none_match, etag):
        return Response(status_code=304, headers={"ETag": etag})
    response.headers["ETag"] = etag
    response.headers["Vary"] = "Authorization"  # segments differ per caller under one revision
    return ReferenceList(dataset=dataset, revision=revision, items=_items(session, dataset, principal))

"""``GET /audit`` (filtered, paginated trail) and ``GET /audit/verify`` (hash-chain check)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from bo_desktop.contract.audit import AuditRecord, AuditVerification
from bo_desktop.contract.common import Page
from bo_desktop.contract.enums import Permission

from ... import audit
from ...db import AuditLog
from ..deps import read_session
from ..pagination import PageParams, paginate, sort_options
from ..permissions import Principal, require
from ..problems import validation_problem

router = APIRouter(prefix="/audit", tags=["audit"])

SORTS = sort_options(AuditLog.seq, {"-seq": [(AuditLog.seq, True)], "seq": [(AuditLog.seq, False)]})
Auditor = Annotated[Principal, Depends(require(Permission.AUDIT_READ))]


@router.get("", response_model=Page[AuditRecord])
def list_audit(
    _principal: Auditor,
    session: Annotated[Session, Depends(read_session)],
    page: Annotated[PageParams, Depends()],
    actor_id: Annotated[str | None, Query(max_length=16)] = None,
    entity_type: Annotated[str | None, Query(max_length=32)] = None,
    entity_id: Annotated[str | None, Query(max_length=32)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    from_: Annotated[datetime | None, Query(alias="from")] = None,
    to: datetime | None = None,
    sort: Annotated[str, Query(description="-seq (newest first, default) or seq")] = "-seq",
) -> Page[AuditRecord]:
    stmt = sa.select(AuditLog)
    for column, value in (
        (AuditLog.actor_id, actor_id),
        (AuditLog.entity_type, entity_type),
        (AuditLog.entity_id, entity_id),
        (AuditLog.action, action),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    for name, moment in (("from", from_), ("to", to)):
        if moment is not None and moment.tzinfo is None:
            raise validation_problem([(name, "needs a timezone (e.g. 2026-01-31T12:00:00Z)")])
    if from_ is not None:
        stmt = stmt.where(AuditLog.at >= from_)
    if to is not None:
        stmt = stmt.where(AuditLog.at < to)
    return paginate(session, stmt, SORTS.get(sort), page, audit.to_contract)


@router.get("/verify", response_model=AuditVerification)
def verify_audit(
    _principal: Auditor, session: Annotated[Session, Depends(read_session)]
) -> AuditVerification:
    return audit.verify(session)

"""Compliance alerts, read side: ``GET /alerts`` (filters, sorts) and ``GET /alerts/{id}``.

AML alerts are visible only with ``alerts.aml``: to anyone else an AML alert does not exist —
the list leaves it out and ``GET /alerts/{id}`` answers 404 exactly as for an unknown id, so
support staff cannot even learn that a player is under AML review (tipping-off rules).
The workflow (transitions, assignment) is in ``alerts_workflow``; actions on the alert's player
in ``alerts_actions``. Items carry their transition history (one batched query per page).
"""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.orm import Session

from bo_desktop.contract.alerts import Alert
from bo_desktop.contract.common import Page
from bo_desktop.contract.enums import AlertKind, AlertStatus, Permission, Severity

from ...db import Alert as AlertRow
from ..concurrency import set_etag
from ..deps import read_session
from ..pagination import PageParams, paginate_rows, sort_options
from ..permissions import Principal, require
from ..problems import not_found, validation_problem
from .players_sections import alert_models

router = APIRouter(prefix="/alerts", tags=["alerts"])

Reader = Annotated[Principal, Depends(require(Permission.ALERTS_READ))]
ReadSession = Annotated[Session, Depends(read_session)]

# Severity as a rank, so "-severity" puts critical first (the strings do not sort that way).
SEVERITY_RANK = sa.case({s.value: rank for rank, s in enumerate(Severity)}, value=AlertRow.severity, else_=0)
ALERT_SORTS = sort_options(
    AlertRow.id,
    {
        "-created_at": [(AlertRow.created_at, True)],
        "created_at": [(AlertRow.created_at, False)],
        "-severity": [(SEVERITY_RANK, True), (AlertRow.created_at, False)],
        "-updated_at": [(AlertRow.updated_at, True)],
    },
)
OPEN_STATUSES = (AlertStatus.OPEN, AlertStatus.INVESTIGATING, AlertStatus.AWAITING_SECOND_REVIEW)


def visible_alert(session: Session, principal: Principal, alert_id: str, *, lock: bool = False) -> AlertRow:
    """The alert row if this staff member may see it; 404 otherwise (also for hidden AML)."""
    stmt = sa.select(AlertRow).where(AlertRow.id == alert_id)
    if lock:
        stmt = stmt.with_for_update()
    row = session.scalar(stmt)
    if row is None or (row.kind == AlertKind.AML.value and not principal.can(Permission.ALERTS_AML)):
        raise not_found("alert", alert_id)
    return row


def alert_model(session: Session, row: AlertRow) -> Alert:
    return alert_models(session, [row])[0]


@router.get("", response_model=Page[Alert])
def list_alerts(
    principal: Reader,
    session: ReadSession,
    page: Annotated[PageParams, Depends()],
    kind: Annotated[list[AlertKind] | None, Query()] = None,
    status: Annotated[
        list[str] | None, Query(description="repeatable; `active` = open, investigating, awaiting review")
    ] = None,
    severity: Annotated[list[Severity] | None, Query()] = None,
    assignee_id: Annotated[str | None, Query(max_length=16, description="a staff id, `me` or `none`")] = None,
    player_id: Annotated[str | None, Query(max_length=16)] = None,
    rule: Annotated[str | None, Query(max_length=48)] = None,
    sort: Annotated[str, Query(description="-created_at (default), created_at, -severity, -updated_at")] = (
        "-created_at"
    ),
) -> Page[Alert]:
    order = ALERT_SORTS.get(sort)
    stmt = sa.select(AlertRow)
    if not principal.can(Permission.ALERTS_AML):
        stmt = stmt.where(AlertRow.kind != AlertKind.AML.value)
    if kind:
        stmt = stmt.where(AlertRow.kind.in_([k.value for k in kind]))
    if status:
        wanted = {s for s in status if s != "active"}
        if "active" in status:
            wanted |= {s.value for s in OPEN_STATUSES}
        unknown = wanted - {s.value for s in AlertStatus}
        if unknown:
            raise validation_problem([("status", f"unknown status {sorted(unknown)[0]!r}")])
        stmt = stmt.where(AlertRow.status.in_(sorted(wanted)))
    if severity:
        stmt = stmt.where(AlertRow.severity.in_([s.value for s in severity]))
    if assignee_id == "none":
        stmt = stmt.where(AlertRow.assignee_id.is_(None))
    elif assignee_id:
        stmt = stmt.where(
            AlertRow.assignee_id == (principal.staff_id if assignee_id == "me" else assignee_id)
        )
    if player_id:
        stmt = stmt.where(AlertRow.player_id == player_id)
    if rule:
        stmt = stmt.where(AlertRow.rule == rule)
    result = paginate_rows(session, stmt, order, page)
    return result.to_page(alert_models(session, result.rows))


@router.get("/{alert_id}", response_model=Alert)
def get_alert(alert_id: str, response: Response, principal: Reader, session: ReadSession) -> Alert:
    row = visible_alert(session, principal, alert_id)
    set_etag(response, row.version)
    return alert_model(session, row)

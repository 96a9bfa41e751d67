"""``GET /retention/cohorts``: first-deposit cohorts by week or month (reports.run).

Filters narrow the players first (acquisition source, country, segment — a saved segment by its
rules), then ``sandbox.retention`` builds the triangle; see ``contract.retention`` for the
definitions of retention, rolling retention, churn, ARPU and LTV.
"""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from bo_desktop.contract.enums import Permission
from bo_desktop.contract.retention import CohortPeriod, CohortReport

from ...db import Player
from ...retention import cohort_report
from ...segments import player_filter
from ..deps import read_session
from ..permissions import Principal, require

router = APIRouter(prefix="/retention", tags=["retention"])

MAX_COHORTS = 52


@router.get("/cohorts", response_model=CohortReport)
def cohorts(
    _principal: Annotated[Principal, Depends(require(Permission.REPORTS_RUN))],
    session: Annotated[Session, Depends(read_session)],
    period: CohortPeriod = CohortPeriod.MONTH,
    count: Annotated[int, Query(ge=1, le=MAX_COHORTS, description="How many periods back")] = 12,
    source: Annotated[str | None, Query(max_length=32, description="Acquisition source")] = None,
    country: Annotated[str | None, Query(min_length=2, max_length=2)] = None,
    segment: Annotated[str | None, Query(max_length=32)] = None,
) -> CohortReport:
    clauses: list[sa.ColumnElement[bool]] = []
    if source is not None:
        clauses.append(Player.acquisition_source == source)
    if country is not None:
        clauses.append(Player.country == country.upper())
    if segment is not None:
        clauses.append(player_filter(session, segment))
    return cohort_report(session, period, count, clauses)

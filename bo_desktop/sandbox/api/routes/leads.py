"""Acquisition funnel (issue 11): ``GET /leads/funnel`` and the drill-down ``GET /leads/players``.

Both need reports.run. The drill-down lists the players of one group (``key``) who reached a
stage, ordered by id; its cursor is the last id of the page (the list is computed per request,
so keyset on the id keeps pages stable while players register).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from bo_desktop.contract.common import Page
from bo_desktop.contract.enums import Permission
from bo_desktop.contract.leads import FunnelGroup, FunnelReport, FunnelStage
from bo_desktop.contract.players import PlayerSummary

from ...db import Player
from ...leads import NO_VALUE, funnel_report, group_column, player_funnel
from ..deps import read_session
from ..pagination import DEFAULT_LIMIT, MAX_LIMIT
from ..permissions import Principal, require
from ..problems import validation_problem
from .players import player_summary

router = APIRouter(prefix="/leads", tags=["leads"])

Analyst = Annotated[Principal, Depends(require(Permission.REPORTS_RUN))]
ReadSession = Annotated[Session, Depends(read_session)]
From = Annotated[datetime | None, Query(alias="from", description="Registered at or after (aware ISO-8601)")]
To = Annotated[datetime | None, Query(alias="to", description="Registered before (aware ISO-8601)")]


def _check_period(start: datetime | None, end: datetime | None) -> None:
    for name, value in (("from", start), ("to", end)):
        if value is not None and value.tzinfo is None:
            raise validation_problem([(name, "needs a time zone (UTC offset)")])


@router.get("/funnel", response_model=FunnelReport)
def funnel(
    _principal: Analyst,
    session: ReadSession,
    group_by: FunnelGroup = FunnelGroup.SOURCE,
    start: From = None,
    end: To = None,
) -> FunnelReport:
    _check_period(start, end)
    return funnel_report(session, group_by, start, end)


@router.get("/players", response_model=Page[PlayerSummary])
def funnel_players(
    _principal: Analyst,
    session: ReadSession,
    key: Annotated[str, Query(max_length=64, description="The group's key as the funnel lists it")],
    group_by: FunnelGroup = FunnelGroup.SOURCE,
    stage: FunnelStage = FunnelStage.REGISTERED,
    start: From = None,
    end: To = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=32)] = None,
) -> Page[PlayerSummary]:
    _check_period(start, end)
    column = group_column(group_by)
    clauses = [column.is_(None) if key == NO_VALUE else column == key]
    if cursor:
        clauses.append(Player.id > cursor)
    reached = sorted(
        p.player_id for p in player_funnel(session, group_by, start, end, clauses) if p.reached(stage)
    )
    page_ids = reached[:limit]
    rows = {r.id: r for r in session.scalars(sa.select(Player).where(Player.id.in_(page_ids)))}
    has_more = len(reached) > limit
    return Page(
        data=[player_summary(rows[i]) for i in page_ids],
        next_cursor=page_ids[-1] if has_more else None,
        has_more=has_more,
    )

"""Cohort computation: two grouped queries (portable SQL) and a small assembly in Python.

Period boundaries are computed here, in Python, and handed to SQL as a CASE over literal
timestamps: ``date_trunc`` (PostgreSQL) and ``strftime`` (SQLite) do not travel, a comparison
chain does. The database then returns one row per (player, period) with activity — at most
players × periods rows, however many transactions there are — and Python builds the triangle.
"""

from __future__ import annotations

import bisect
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bo_desktop.contract.retention import Cohort, CohortCell, CohortPeriod, CohortReport

from .db import Player, Transaction, utcnow

CHURN_DAYS = 30


def floor_period(moment: datetime, period: CohortPeriod) -> datetime:
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if period is CohortPeriod.WEEK:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def add_periods(start: datetime, period: CohortPeriod, count: int) -> datetime:
    if period is CohortPeriod.WEEK:
        return start + timedelta(weeks=count)
    month = start.month - 1 + count
    return start.replace(year=start.year + month // 12, month=month % 12 + 1)


def boundaries(period: CohortPeriod, cohorts: int, now: datetime) -> list[datetime]:
    """Starts of the last ``cohorts`` periods, oldest first (the last one contains ``now``)."""
    current = floor_period(now, period)
    return [add_periods(current, period, -k) for k in range(cohorts - 1, -1, -1)]


def bucket_of(column: Any, starts: list[datetime]) -> Any:
    """SQL: the index of the period ``column`` falls in (rows before ``starts[0]`` are filtered)."""
    whens = [(column >= start, index) for index, start in reversed(list(enumerate(starts)))]
    return sa.case(*whens, else_=-1)


@dataclass
class _Totals:
    """Per cohort, accumulated in one pass over the activity rows (no per-member loops later)."""

    size: int = 0
    churned: int = 0
    active: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    last_active: dict[int, int] = field(default_factory=lambda: defaultdict(int))  # bucket → players
    deposits: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    ngr: dict[int, int] = field(default_factory=lambda: defaultdict(int))


def cohort_report(
    session: Session,
    period: CohortPeriod,
    cohorts: int,
    player_clauses: list[sa.ColumnElement[bool]],
    now: datetime | None = None,
) -> CohortReport:
    started = time.perf_counter()
    now = now or utcnow()
    starts = boundaries(period, cohorts, now)
    T = Transaction
    ok = T.status == "succeeded"
    first = (
        sa.select(T.player_id.label("player_id"), sa.func.min(T.created_at).label("first_at"))
        .join(Player, Player.id == T.player_id)
        .where(T.type == "deposit", ok, *player_clauses)
        .group_by(T.player_id)
        .having(sa.func.min(T.created_at) >= starts[0])
        .subquery("first_deposit")
    )
    cohort_of: dict[str, int] = {
        player_id: bisect.bisect_right(starts, first_at) - 1
        for player_id, first_at in session.execute(sa.select(first.c.player_id, first.c.first_at))
    }

    eur = T.amount_eur_minor

    def total(condition: sa.ColumnElement[bool]) -> Any:
        return sa.func.sum(sa.case((condition, eur), else_=0))

    bucket = bucket_of(T.created_at, starts).label("bucket")
    activity = (
        sa.select(
            T.player_id,
            bucket,
            sa.func.sum(sa.case((T.type == "bet", 1), else_=0)).label("bets"),
            total(T.type == "deposit").label("deposits"),
            (total(T.type == "bet") - total(T.type == "win") - total(T.type == "bonus_credit")).label("ngr"),
            sa.func.sum(
                sa.case(
                    (sa.and_(T.type == "bet", T.created_at >= now - timedelta(days=CHURN_DAYS)), 1), else_=0
                )
            ).label("recent"),
        )
        .join(first, first.c.player_id == T.player_id)
        .where(ok, T.created_at >= starts[0])
        .group_by(T.player_id, bucket)
    )
    totals = [_Totals() for _ in starts]
    for cohort in cohort_of.values():
        totals[cohort].size += 1
    last_bucket: dict[str, int] = {}
    recent: set[str] = set()
    for row in session.execute(activity):
        sums = totals[cohort_of[row.player_id]]
        if row.bets:
            sums.active[row.bucket] += 1
            last_bucket[row.player_id] = max(last_bucket.get(row.player_id, -1), row.bucket)
        sums.deposits[row.bucket] += int(row.deposits or 0)
        sums.ngr[row.bucket] += int(row.ngr or 0)
        if row.recent:
            recent.add(row.player_id)
    for player_id, bucket in last_bucket.items():
        totals[cohort_of[player_id]].last_active[bucket] += 1
    for player_id, cohort in cohort_of.items():
        totals[cohort].churned += player_id not in recent
    result = [_cohort(start, index, len(starts), totals[index]) for index, start in enumerate(starts)]
    return CohortReport(
        period=period,
        generated_at=now,
        cohorts=result,
        server_ms=round((time.perf_counter() - started) * 1000, 2),
    )


def _cohort(start: datetime, index: int, periods: int, totals: _Totals) -> Cohort:
    size = totals.size
    cells = []
    # Rolling retention at bucket b = players whose last active bucket is b or later: a suffix sum.
    still_active = sum(totals.last_active.values())
    for bucket in range(index, periods):
        active = totals.active.get(bucket, 0)
        cells.append(
            CohortCell(
                offset=bucket - index,
                active=active,
                retention=active / size if size else 0.0,
                rolling_retention=still_active / size if size else 0.0,
                deposits_eur_minor=totals.deposits.get(bucket, 0),
                ngr_eur_minor=totals.ngr.get(bucket, 0),
            )
        )
        still_active -= totals.last_active.get(bucket, 0)
    deposits = sum(c.deposits_eur_minor for c in cells)
    ngr = sum(c.ngr_eur_minor for c in cells)
    elapsed = periods - index
    return Cohort(
        start=start,
        size=size,
        churned=totals.churned,
        deposits_eur_minor=deposits,
        ngr_eur_minor=ngr,
        arpu_eur_minor=round(ngr / size / elapsed) if size else 0,
        ltv_eur_minor=round(ngr / size) if size else 0,
        cells=cells,
    )

"""Cohort computation: one portable SQL statement that aggregates, a small assembly in Python.

Period boundaries are computed here, in Python, and handed to SQL as a CASE over literal
timestamps: ``date_trunc`` (PostgreSQL) and ``strftime`` (SQLite) do not travel, comparisons do.
The database does all the per-row and per-player work and returns at most two rows per
(cohort, period) — a few hundred rows whether there are 2,000 players or 100,000.

Indexes this relies on (``db.Transaction``): ``ix_tx_first_deposit`` finds every player's first
succeeded deposit from the index alone, grouped in index order; ``ix_tx_player_activity`` covers
the per-member scan of the window (no table lookups for type, status and amount). The per-member
churn probe (a bet since now − 30 days?) is one range seek that stops at the first hit, on either
index (SQLite picks ``ix_tx_first_deposit``: type, status and player equal, created_at a range).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from bo_desktop.contract.retention import Cohort, CohortCell, CohortPeriod, CohortReport

from .db import Player, Transaction, utcnow

CHURN_DAYS = 30
COUNTED = ("bet", "win", "bonus_credit", "deposit")  # the only types any figure depends on
INDEXES = ("ix_tx_first_deposit", "ix_tx_player_activity")  # declared on db.Transaction


def ensure_indexes(engine: sa.Engine) -> list[str]:
    """Create the cohort indexes in a database seeded before they existed; the names created.

    The schema comes from metadata when the sandbox seeds; a reused database keeps its tables
    and would never get a new index (the answers stay right without them, only slower).
    Additive and idempotent; a few seconds per index at 100k players.
    """
    present = {index["name"] for index in sa.inspect(engine).get_indexes(Transaction.__tablename__)}
    created = []
    table = cast(sa.Table, Transaction.__table__)
    for index in table.indexes:
        if index.name in INDEXES and index.name not in present:
            index.create(engine)
            created.append(str(index.name))
    return created


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
    """SQL: the index of the period ``column`` falls in (rows before ``starts[0]`` are filtered).

    A balanced tree of CASEs (a binary search over the period starts): ~log2(periods)
    comparisons per row instead of up to one per period — it runs for every transaction row.
    """

    def search(low: int, high: int) -> Any:
        if low == high:
            return sa.literal_column(str(low), sa.Integer())
        middle = (low + high + 1) // 2
        return sa.case((column >= starts[middle], search(middle, high)), else_=search(low, middle - 1))

    if len(starts) == 1:  # a bare constant would be read as a column position in GROUP BY
        return sa.case((column >= starts[0], sa.literal_column("0", sa.Integer())), else_=-1)
    return search(0, len(starts) - 1)


@dataclass
class _Totals:
    """Per cohort: the few numbers the database returns, keyed by bucket."""

    size: int = 0
    churned: int = 0
    active: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    last_active: dict[int, int] = field(default_factory=lambda: defaultdict(int))  # bucket → players
    deposits: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    ngr: dict[int, int] = field(default_factory=lambda: defaultdict(int))


def cohort_statement(
    starts: list[datetime],
    player_clauses: list[sa.ColumnElement[bool]],
    now: datetime,
) -> sa.CompoundSelect[Any]:
    """Per (cohort, bucket): members, churned, active, last active, deposits, NGR — summed in SQL.

    ``first_deposit``: each filtered player's first succeeded deposit, kept if it is in the
    window; ``member``: its cohort index. ``player_bucket``: per member and period, whether they
    bet (active), deposits and NGR — the only stage that scans the window's transactions. Two
    branches of a UNION ALL then aggregate it: ``cells`` per (cohort, bucket); ``players`` per
    (cohort, last active bucket) after a per-member pass, giving cohort size, churn and the "last
    active here" counts that rolling retention is a suffix sum of (``bucket`` is NULL for members
    who never bet). The caller adds the rows up per cohort.

    Churn (contract: no bet in the last 30 days) looks at the 30 days before ``now`` whatever the
    window: a short window (a few weekly cohorts) starts after ``now − 30 days``, so it is not
    read from ``player_bucket`` but probed once per member in the per-member pass (an EXISTS
    answered by one index range seek; see the module docstring).
    """
    T = Transaction
    ok = T.status == "succeeded"
    first_at = sa.func.min(T.created_at)
    first = (
        sa.select(T.player_id.label("player_id"), first_at.label("first_at"))
        .join(Player, Player.id == T.player_id)
        .where(T.type == "deposit", ok, *player_clauses)
        .group_by(T.player_id)
        .having(first_at >= starts[0])
        .cte("first_deposit")
    )
    member = sa.select(first.c.player_id, bucket_of(first.c.first_at, starts).label("cohort")).cte("member")
    eur = T.amount_eur_minor
    bucket = bucket_of(T.created_at, starts)
    recent_since = now - timedelta(days=CHURN_DAYS)
    per_bucket = (
        sa.select(
            T.player_id.label("player_id"),
            member.c.cohort,
            bucket.label("bucket"),
            sa.func.max(sa.case((T.type == "bet", 1), else_=0)).label("active"),
            sa.func.sum(sa.case((T.type == "deposit", eur), else_=0)).label("deposits"),
            sa.func.sum(
                sa.case((T.type == "bet", eur), (T.type.in_(["win", "bonus_credit"]), -eur), else_=0)
            ).label("ngr"),
        )
        .join(member, member.c.player_id == T.player_id)
        .where(ok, T.created_at >= starts[0], T.type.in_(COUNTED))
        .group_by(T.player_id, member.c.cohort, bucket)
        .cte("player_bucket")
    )
    pb = per_bucket.c
    bet = aliased(Transaction, name="bet")
    bet_recently = (  # SELECT 1, not *: SQLite then answers from the index alone
        sa.select(sa.literal_column("1"))
        .where(
            bet.player_id == pb.player_id,  # correlated on the grouped column: one probe per member
            bet.created_at >= recent_since,
            bet.status == "succeeded",
            bet.type == "bet",
        )
        .exists()
    )
    per_player = (
        sa.select(
            pb.cohort,
            sa.func.max(sa.case((pb.active == 1, pb.bucket), else_=None)).label("last_active"),
            sa.case((bet_recently, 0), else_=1).label("churned"),
        )
        .group_by(pb.player_id, pb.cohort)
        .subquery("per_player")
    )
    pp = per_player.c
    zero = sa.literal_column("0", sa.Integer())
    cells = sa.select(
        pb.cohort,
        pb.bucket,
        zero.label("members"),
        zero.label("churned"),
        sa.func.sum(pb.active).label("active"),
        zero.label("last_active"),
        sa.func.sum(pb.deposits).label("deposits"),
        sa.func.sum(pb.ngr).label("ngr"),
    ).group_by(pb.cohort, pb.bucket)
    players = sa.select(
        pp.cohort,
        pp.last_active.label("bucket"),
        sa.func.count().label("members"),
        sa.func.sum(pp.churned).label("churned"),
        zero.label("active"),
        sa.func.count(pp.last_active).label("last_active"),
        zero.label("deposits"),
        zero.label("ngr"),
    ).group_by(pp.cohort, pp.last_active)
    return sa.union_all(cells, players)


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
    totals = [_Totals() for _ in starts]
    for row in session.execute(cohort_statement(starts, player_clauses, now)):
        sums = totals[row.cohort]
        sums.size += int(row.members)
        sums.churned += int(row.churned)
        if row.bucket is None:  # members who never bet: counted in size and churn only
            continue
        sums.active[row.bucket] += int(row.active)
        sums.last_active[row.bucket] += int(row.last_active)
        sums.deposits[row.bucket] += int(row.deposits or 0)
        sums.ngr[row.bucket] += int(row.ngr or 0)
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
    # A member whose last bet came before their first deposit's period is in none of the cells.
    still_active = sum(n for bucket, n in totals.last_active.items() if bucket >= index)
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

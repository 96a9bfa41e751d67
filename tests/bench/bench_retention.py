"""Retention cohorts at 20k and 100k players: the server's SQL aggregation next to a naive
per-row Python computation of the same report, measured in the same run on the same data.

    BO_BENCH=1 .venv/bin/pytest tests/bench/bench_retention.py -s      # seeds 20k and 100k players
    BO_BENCH=1 BO_BENCH_RETENTION_DIR=/tmp/retbench .venv/bin/pytest tests/bench/bench_retention.py -s

``BO_BENCH_RETENTION_DIR`` keeps ``retention-<players>.db`` between runs (seeded when missing;
a file holding another seed is never reseeded: the size is skipped). ``BO_BENCH_RETENTION_PLAYERS``
picks the sizes (default ``20000,100000``). Figures are server time (the function the route
calls, one session, no HTTP), best of ``BO_BENCH_RUNS`` (default 3), the two contenders
interleaved so that load from other processes hits both alike; compare the ratio, not seconds.

Naive baseline: what a first version without SQL aggregation does — read every player and
every succeeded transaction row into Python, find first deposits, and build the triangle per
row. It is checked to produce the very same report, so both sides do the same work.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bo_desktop.contract.retention import Cohort, CohortCell, CohortPeriod
from bo_desktop.sandbox import db
from bo_desktop.sandbox.retention import CHURN_DAYS, boundaries, cohort_report
from bo_desktop.sandbox.seed import seed_database, stored_seed

pytestmark = [pytest.mark.bench, pytest.mark.timeout(3600)]

SIZES = [int(n) for n in os.environ.get("BO_BENCH_RETENTION_PLAYERS", "20000,100000").split(",")]
RUNS = int(os.environ.get("BO_BENCH_RUNS", "3"))
SEED = 42

CASES: list[tuple[str, CohortPeriod, int, str | None]] = [
    ("12 monthly cohorts", CohortPeriod.MONTH, 12, None),
    ("26 weekly cohorts", CohortPeriod.WEEK, 26, None),
    ("4 weekly cohorts (short window)", CohortPeriod.WEEK, 4, None),
    ("12 monthly cohorts, country SE", CohortPeriod.MONTH, 12, "SE"),
]


@pytest.fixture(scope="module", params=SIZES, ids=lambda n: f"{n // 1000}k")
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    players: int = request.param
    folder = os.environ.get("BO_BENCH_RETENTION_DIR")
    path = (Path(folder) if folder else tmp_path_factory.mktemp("retention")) / f"retention-{players}.db"
    engine = db.make_engine(f"sqlite:///{path}")
    meta = stored_seed(engine) if path.exists() else None
    if meta is None:
        started = time.perf_counter()
        seed_database(engine, seed=SEED, players=players)
        print(f"\nseeded {players:,} players in {time.perf_counter() - started:,.0f} s ({path})")
    elif meta.get("players") != players or not meta.get("complete"):
        pytest.skip(f"{path} holds another seed ({meta}); not reseeding it")
    # A database seeded before the cohort indexes existed gets them (additive, idempotent).
    for index in db.Transaction.__table__.indexes:  # type: ignore[attr-defined]
        index.create(engine, checkfirst=True)
    yield engine
    engine.dispose()


def _naive_report(session: Any, period: CohortPeriod, count: int, country: str | None, now: datetime) -> Any:
    """The same report from every row, in Python (the baseline; not in the product)."""
    starts = boundaries(period, count, now)

    def period_of(moment: datetime) -> int:
        found = -1
        for index, start in enumerate(starts):
            if moment >= start:
                found = index
        return found

    players = {
        player_id
        for player_id, player_country in session.execute(sa.select(db.Player.id, db.Player.country))
        if country is None or player_country == country
    }
    T = db.Transaction
    rows = [
        row
        for row in session.execute(
            sa.select(T.player_id, T.type, T.amount_eur_minor, T.created_at).where(T.status == "succeeded")
        )
        if row.player_id in players
    ]
    first: dict[str, datetime] = {}
    for player_id, kind, _eur, at in rows:
        if kind == "deposit" and (player_id not in first or at < first[player_id]):
            first[player_id] = at
    cohort_of = {p: c for p, at in first.items() if (c := period_of(at)) >= 0}
    active: dict[str, set[int]] = defaultdict(set)
    deposits: dict[tuple[int, int], int] = defaultdict(int)
    ngr: dict[tuple[int, int], int] = defaultdict(int)
    since = now - timedelta(days=CHURN_DAYS)  # churn: no bet since, whatever the window
    recent = {player_id for player_id, kind, _eur, at in rows if kind == "bet" and at >= since}
    for player_id, kind, eur, at in rows:
        cohort = cohort_of.get(player_id)
        if cohort is None or (bucket := period_of(at)) < 0:
            continue
        if kind == "bet":
            active[player_id].add(bucket)
            ngr[cohort, bucket] += eur
        elif kind in ("win", "bonus_credit"):
            ngr[cohort, bucket] -= eur
        elif kind == "deposit":
            deposits[cohort, bucket] += eur
    members: dict[int, list[str]] = defaultdict(list)
    for player_id, cohort in cohort_of.items():
        members[cohort].append(player_id)
    result = []
    for c, start in enumerate(starts):
        size = len(members[c])
        last = [max(active[m], default=-1) for m in members[c]]
        cells = [
            CohortCell(
                offset=b - c,
                active=(n := sum(1 for m in members[c] if b in active[m])),
                retention=n / size if size else 0.0,
                rolling_retention=sum(1 for x in last if x >= b) / size if size else 0.0,
                deposits_eur_minor=deposits[c, b],
                ngr_eur_minor=ngr[c, b],
            )
            for b in range(c, count)
        ]
        total = sum(cell.ngr_eur_minor for cell in cells)
        result.append(
            Cohort(
                start=start,
                size=size,
                churned=sum(1 for m in members[c] if m not in recent),
                deposits_eur_minor=sum(cell.deposits_eur_minor for cell in cells),
                ngr_eur_minor=total,
                arpu_eur_minor=round(total / size / len(cells)) if size else 0,
                ltv_eur_minor=round(total / size) if size else 0,
                cells=cells,
            )
        )
    return result


def _timed(fn: Callable[[], Any], results: list[Any]) -> float:
    started = time.perf_counter()
    results.append(fn())
    return time.perf_counter() - started


def test_cohorts_sql_vs_naive(engine: sa.Engine) -> None:
    factory = db.make_session_factory(engine)
    players = stored_seed(engine)["players"]  # type: ignore[index]
    with factory() as session:
        transactions = session.scalar(sa.select(sa.func.count()).select_from(db.Transaction))
        print(f"\nRetention cohorts over {players:,} players, {transactions:,} transactions (server time)")
        for label, period, count, country in CASES:
            clauses = [db.Player.country == country] if country else []
            now = db.utcnow()
            cohort_report(session, period, count, clauses, now)  # warm the page cache for both
            ours: list[Any] = []
            naive: list[Any] = []
            new_times, naive_times = [], []
            for _ in range(RUNS):
                new_times.append(_timed(partial(cohort_report, session, period, count, clauses, now), ours))
                naive_times.append(
                    _timed(partial(_naive_report, session, period, count, country, now), naive)
                )
            assert ours[-1].cohorts == naive[-1], "the baseline must compute the same report"
            new, old = min(new_times), min(naive_times)
            print(
                f"  {label:<34} SQL {new * 1000:>8,.0f} ms   naive per-row Python {old * 1000:>8,.0f} ms"
                f"   ×{old / new:,.1f}   ({sum(c.size for c in ours[-1].cohorts):,} members)"
            )

"""Growth desk at bench size: segment evaluation and cohorts (server time) and the client's time
to show them, each next to a naive baseline measured in the same run on the same data.

    BO_BENCH=1 pytest tests/bench/bench_growth.py -s                       # seeds 100k players
    BO_BENCH=1 BO_BENCH_DB=/tmp/bench.db pytest tests/bench/bench_growth.py -s   # reuse a seed

Server figures call the same functions the routes call, on one session (no HTTP), so they are
the database work a request does. Naive baselines: evaluate the rules in Python over every player
and every transaction of the window (what a first version without SQL aggregation does), and build
cohorts in Python from every transaction row.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from PySide6.QtWidgets import QApplication

from bo_desktop.contract.retention import CohortPeriod
from bo_desktop.contract.segments import SegmentRules
from bo_desktop.sandbox import db
from bo_desktop.sandbox.retention import cohort_report
from bo_desktop.sandbox.seed import seed_database, stored_seed
from bo_desktop.sandbox.segments import evaluate

pytestmark = [pytest.mark.bench, pytest.mark.timeout(3600)]

PLAYERS = int(os.environ.get("BO_BENCH_PLAYERS", "100000"))
SEED = 42
RULES = {
    "country + tier": SegmentRules(countries=["SE", "FI", "NO"], vip_tiers=["bronze", "silver"]),
    "deposits ≥ €200 in 90 d, ≥ 2 deposits": SegmentRules(
        window_days=90, min_deposits_eur_minor=20_000, min_deposit_count=2
    ),
    "bonus share ≥ 30 % in 30 d": SegmentRules(window_days=30, min_bonus_share_pct=30),
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    reuse = os.environ.get("BO_BENCH_DB")
    path = Path(reuse) if reuse else tmp_path_factory.mktemp("growth") / "bench.db"
    engine = db.make_engine(f"sqlite:///{path}")
    meta = stored_seed(engine) if path.exists() else None
    if not meta or meta.get("players") != PLAYERS:
        if reuse:  # never reseed a database someone handed us: it may be theirs
            pytest.skip(f"{reuse} does not hold a {PLAYERS:,}-player seed")
        seed_database(engine, seed=SEED, players=PLAYERS)
    yield engine
    engine.dispose()


def _line(label: str, value: str, baseline: str) -> None:
    print(f"  {label:<44} {value:>16}   baseline: {baseline}")


def _timed(fn: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def _naive_members(session: Any, rules: SegmentRules) -> int:
    now = db.utcnow()
    since = now - timedelta(days=rules.window_days)
    dep: dict[str, int] = defaultdict(int)
    count: dict[str, int] = defaultdict(int)
    bonus: dict[str, int] = defaultdict(int)
    for player_id, kind, eur in session.execute(
        sa.select(db.Transaction.player_id, db.Transaction.type, db.Transaction.amount_eur_minor).where(
            db.Transaction.created_at >= since, db.Transaction.status == "succeeded"
        )
    ):
        if kind == "deposit":
            dep[player_id] += eur
            count[player_id] += 1
        elif kind == "bonus_credit":
            bonus[player_id] += eur
    matched = 0
    for p in session.execute(sa.select(db.Player.id, db.Player.country, db.Player.vip_tier)):
        if rules.countries and p.country not in rules.countries:
            continue
        if rules.vip_tiers and p.vip_tier not in [t.value for t in rules.vip_tiers]:
            continue
        if rules.min_deposits_eur_minor is not None and dep[p.id] < rules.min_deposits_eur_minor:
            continue
        if rules.min_deposit_count is not None and count[p.id] < rules.min_deposit_count:
            continue
        funded = dep[p.id] + bonus[p.id]
        if rules.min_bonus_share_pct is not None and not (
            funded and bonus[p.id] * 100 >= funded * rules.min_bonus_share_pct
        ):
            continue
        matched += 1
    return matched


def test_segment_evaluation(engine: sa.Engine) -> None:
    factory = db.make_session_factory(engine)
    print(f"\nSegment evaluation over {PLAYERS:,} players (server time, RG guard included)")
    with factory() as session:
        for label, rules in RULES.items():
            evaluate(session, rules, marketing=True)  # warm the page cache for both contenders
            seconds, result = _timed(lambda r=rules: evaluate(session, r, marketing=True))
            naive_seconds, _naive = _timed(lambda r=rules: _naive_members(session, r))
            _line(label, f"{seconds * 1000:,.0f} ms", f"Python over rows {naive_seconds * 1000:,.0f} ms")
            print(f"    → {result.members:,} members, {result.excluded_by_rg_guard:,} left out by the guard")


def _naive_cohorts(session: Any) -> int:
    first: dict[str, Any] = {}
    rows = session.execute(
        sa.select(db.Transaction.player_id, db.Transaction.type, db.Transaction.created_at).where(
            db.Transaction.status == "succeeded"
        )
    ).all()
    for player_id, kind, at in rows:
        if kind == "deposit" and (player_id not in first or at < first[player_id]):
            first[player_id] = at
    active: set[tuple[str, int]] = set()
    for player_id, kind, at in rows:
        if kind == "bet" and player_id in first:
            active.add((player_id, (at.year * 12 + at.month)))
    return len(active)


def test_cohorts_and_client_time(engine: sa.Engine, qapp: QApplication) -> None:
    from bo_desktop.features.retention.heatmap import CohortHeatmap
    from bo_desktop.features.retention.model import CohortTableModel

    factory = db.make_session_factory(engine)
    with factory() as session:
        cohort_report(session, CohortPeriod.MONTH, 12, [])
        seconds, report = _timed(lambda: cohort_report(session, CohortPeriod.MONTH, 12, []))
        weekly_seconds, _weekly = _timed(lambda: cohort_report(session, CohortPeriod.WEEK, 26, []))
        naive_seconds, _pairs = _timed(lambda: _naive_cohorts(session))
    print(f"\nCohorts over {PLAYERS:,} players (server time)")
    _line(
        "12 monthly cohorts",
        f"{seconds * 1000:,.0f} ms",
        f"Python over every row {naive_seconds * 1000:,.0f} ms",
    )
    _line("26 weekly cohorts", f"{weekly_seconds * 1000:,.0f} ms", "same")
    print(f"    → {sum(c.size for c in report.cohorts):,} first depositors in 12 months")

    model = CohortTableModel()
    fill, _ = _timed(lambda: model.show_report(report))
    heatmap = CohortHeatmap()
    heatmap.resize(1000, 420)
    heatmap.show()

    def draw() -> None:
        heatmap.show_report(report, rolling=False)
        heatmap.canvas.draw()  # force the paint draw_idle would schedule

    draw_seconds, _ = _timed(draw)
    print("Client (Qt thread)")
    _line("cohort table model fill", f"{fill * 1000:,.1f} ms", "—")
    _line("heatmap draw (annotated triangle)", f"{draw_seconds * 1000:,.0f} ms", "—")
    heatmap.close()

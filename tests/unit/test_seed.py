"""The seed: deterministic, realistic in shape, consistent with the risk and alert rules, and
continued seamlessly by the metrics history and the live simulator."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bo_desktop.contract.enums import Jurisdiction, KycStatus, PlayerStatus, Psp
from bo_desktop.contract.payments import RiskSignal, Transaction
from bo_desktop.sandbox import db, metrics
from bo_desktop.sandbox.config import SandboxConfig
from bo_desktop.sandbox.reference_data import (
    ALERT_RULES,
    JURISDICTIONS,
    PSP_REFERENCE_PATTERNS,
)
from bo_desktop.sandbox.risk import level_for, score_signals
from bo_desktop.sandbox.seed import seed_database, stored_seed
from bo_desktop.sandbox.simulator import Simulator
from bo_desktop.sandbox.state import SandboxState

BASE = datetime(2026, 11, 2, tzinfo=UTC)
METRICS_UNTIL = BASE + timedelta(hours=9)
PLAYERS = 600
# Rows whose content is random on purpose (salted password hashes) or records wall-clock time.
NOT_DETERMINISTIC = {"staff", "sandbox_meta"}


def _seed(seed: int, players: int = PLAYERS) -> Engine:
    engine = db.make_engine("sqlite:///:memory:")
    seed_database(engine, seed=seed, players=players, base_time=BASE, metrics_until=METRICS_UNTIL)
    return engine


def checksum(engine: Engine) -> str:
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table in db.Base.metadata.sorted_tables:
            if table.name in NOT_DETERMINISTIC:
                continue
            digest.update(table.name.encode())
            for row in conn.execute(sa.select(table).order_by(*table.primary_key.columns)):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def seeded() -> Iterator[Engine]:
    engine = _seed(7)
    yield engine
    engine.dispose()


def _values(engine: Engine, stmt: sa.Select[Any]) -> set[Any]:
    with engine.connect() as conn:
        return set(conn.execute(stmt).scalars())


def test_same_seed_same_rows_other_seed_other_rows(seeded: Engine) -> None:
    again, other = _seed(7), _seed(8)
    try:
        assert checksum(again) == checksum(seeded)
        assert checksum(other) != checksum(seeded)
    finally:
        again.dispose()
        other.dispose()


def test_meta_records_what_was_seeded(seeded: Engine) -> None:
    meta = stored_seed(seeded)
    assert meta is not None
    assert (meta["seed"], meta["players"], meta["base_time"]) == (7, PLAYERS, BASE.isoformat())
    assert meta["heavy_player_id"] == "P-000001"


def test_every_jurisdiction_status_kyc_state_and_psp_is_present(seeded: Engine) -> None:
    assert _values(seeded, sa.select(db.Player.jurisdiction)) == {j.value for j in Jurisdiction}
    assert _values(seeded, sa.select(db.Player.status)) == {s.value for s in PlayerStatus}
    assert _values(seeded, sa.select(db.Player.kyc_status)) == {k.value for k in KycStatus}
    deposits = sa.select(db.Transaction.psp).where(db.Transaction.type == "deposit")
    assert _values(seeded, deposits) == {p.value for p in Psp}
    assert _values(seeded, sa.select(db.Player.currency)) == {"EUR", "GBP", "SEK", "NOK", "CAD"}
    kinds = _values(seeded, sa.select(db.Dispute.kind))
    assert {"chargeback", "payment_delay", "game_malfunction"} <= kinds
    assert _values(seeded, sa.select(db.Alert.kind)) == {"aml", "rg", "fraud", "kyc"}


def test_currencies_match_jurisdictions(seeded: Engine) -> None:
    allowed = {j.code.value: set(j.currencies) for j in JURISDICTIONS}
    with seeded.connect() as conn:
        pairs = conn.execute(sa.select(db.Player.jurisdiction, db.Player.currency).distinct()).all()
    for jurisdiction, currency in pairs:
        assert currency in allowed[jurisdiction], (jurisdiction, currency)


def test_status_mix_is_mostly_active(seeded: Engine) -> None:
    with seeded.connect() as conn:
        counts = dict(
            conn.execute(sa.select(db.Player.status, sa.func.count()).group_by(db.Player.status)).all()
        )
    assert 0.75 < counts["active"] / PLAYERS < 0.95


def test_pay_n_play_players_are_bank_verified_through_trustly_or_zimpler(seeded: Engine) -> None:
    with seeded.connect() as conn:
        rows = conn.execute(
            sa.select(
                db.Player.pay_n_play_provider, db.Player.kyc_status, db.Player.bank_verified_name
            ).where(db.Player.pay_n_play)
        ).all()
    assert rows
    for provider, kyc, bank_name in rows:
        assert provider in ("trustly", "zimpler")
        assert kyc == "verified"
        assert bank_name and "," in bank_name


def test_psp_references_have_each_providers_format(seeded: Engine) -> None:
    with seeded.connect() as conn:
        rows = conn.execute(
            sa.select(db.Transaction.psp, db.Transaction.psp_reference).where(
                db.Transaction.psp_reference.is_not(None)
            )
        ).all()
    assert rows
    for psp, reference in rows:
        assert PSP_REFERENCE_PATTERNS[Psp(str(psp))].match(str(reference)), (psp, reference)


def test_deposit_success_rates_are_realistic(seeded: Engine) -> None:
    with seeded.connect() as conn:
        rows = conn.execute(
            sa.select(db.Transaction.psp, db.Transaction.status, sa.func.count())
            .where(db.Transaction.type == "deposit")
            .group_by(db.Transaction.psp, db.Transaction.status)
        ).all()
    totals: dict[str, int] = {}
    ok: dict[str, int] = {}
    for psp_value, status, count in rows:
        psp = str(psp_value)
        totals[psp] = totals.get(psp, 0) + count
        ok[psp] = ok.get(psp, 0) + (count if status == "succeeded" else 0)
    for psp, total in totals.items():
        assert 0.75 < ok[psp] / total < 1.0, psp


def test_open_queue_is_scored_by_the_risk_rules(seeded: Engine) -> None:
    with seeded.connect() as conn:
        rows = conn.execute(
            sa.select(db.Withdrawal.risk_score, db.Withdrawal.risk_level, db.Withdrawal.risk_signals).where(
                db.Withdrawal.status.in_(("pending", "in_review", "awaiting_second_approval"))
            )
        ).all()
    assert PLAYERS * 0.08 < len(rows) < PLAYERS * 0.2  # ~300 at the default 2,000 players
    levels = set()
    for score, level, signals in rows:
        parsed = [RiskSignal.model_validate(s) for s in signals]
        assert score == score_signals(parsed)
        assert level == level_for(score)
        levels.add(level)
    assert {"low", "medium", "high"} <= levels


def test_balances_and_timestamps_are_sane(seeded: Engine) -> None:
    with seeded.connect() as conn:
        negative = conn.scalar(sa.select(sa.func.count()).where(db.Player.balance_minor < 0))
        future = conn.scalar(
            sa.select(sa.func.count()).where(db.Transaction.created_at > BASE + timedelta(minutes=1))
        )
        before_registration = conn.scalar(
            sa.select(sa.func.count())
            .select_from(db.Transaction)
            .join(db.Player, db.Player.id == db.Transaction.player_id)
            .where(db.Transaction.created_at < db.Player.registered_at)
        )
    assert (negative, future, before_registration) == (0, 0, 0)


def test_alerts_use_known_rules_and_aml_threshold_alerts_are_backed_by_deposits(seeded: Engine) -> None:
    with seeded.connect() as conn:
        rules = set(conn.execute(sa.select(db.Alert.rule)).scalars())
        threshold_players = conn.execute(
            sa.select(db.Alert.player_id).where(db.Alert.rule == "aml.threshold_2000")
        ).scalars()
        for player_id in threshold_players:
            total = conn.scalar(
                sa.select(sa.func.sum(db.Transaction.amount_eur_minor)).where(
                    db.Transaction.player_id == player_id,
                    db.Transaction.type == "deposit",
                    db.Transaction.status == "succeeded",
                )
            )
            assert total is not None and total >= 200_000
    assert rules <= set(ALERT_RULES)
    assert {"aml.threshold_2000", "rg.limit_increase"} <= rules


def test_heavy_player_has_thousands_of_transactions(seeded: Engine) -> None:
    with seeded.connect() as conn:
        count = conn.scalar(sa.select(sa.func.count()).where(db.Transaction.player_id == "P-000001"))
    assert count is not None and count > 3_000


def test_metric_history_covers_seven_days(seeded: Engine) -> None:
    with seeded.connect() as conn:
        first, last = conn.execute(
            sa.select(sa.func.min(db.MetricBucket.minute), sa.func.max(db.MetricBucket.minute))
        ).one()
    assert (last - first) / 60 / 24 == pytest.approx(7, abs=0.02)


# The seeded metric history and the live simulator share one activity model: check they join up.


def test_timeseries_windows_read_the_seeded_history(seeded: Engine) -> None:
    with Session(seeded) as session:
        for window, step, points in (("15m", 60, 15), ("1h", 60, 60), ("24h", 900, 97), ("7d", 3600, 169)):
            series = metrics.timeseries(session, window, now=METRICS_UNTIL)
            assert series.step_seconds == step
            assert abs(len(series.points) - points) <= 1
            assert set(series.series) >= {"deposits_eur", "ggr_eur", "psp.trustly.success_rate"}
        day = metrics.timeseries(session, "24h", now=METRICS_UNTIL)
        rates = [
            p.values["psp.trustly.success_rate"] for p in day.points if "psp.trustly.success_rate" in p.values
        ]
        assert rates and all(0.0 <= r <= 1.0 for r in rates)
        assert sum(p.values["bets_eur"] for p in day.points) > 0


def test_simulator_tick_writes_rows_buckets_and_events() -> None:
    engine = _seed(11, players=150)
    try:
        state = SandboxState.create(SandboxConfig(players=150, simulator_rate=50.0), engine)
        simulator = Simulator(state, seed=1)
        with state.sessionmaker() as session:
            before = session.scalar(sa.select(sa.func.count()).select_from(db.Transaction))
        now = datetime.now(UTC)
        for second in range(5):
            simulator.tick(now + timedelta(seconds=second))
        with state.sessionmaker() as session:
            after = session.scalar(sa.select(sa.func.count()).select_from(db.Transaction))
            bucket = session.scalar(
                sa.select(db.MetricBucket.value).where(
                    db.MetricBucket.minute == metrics.epoch_minute(now),
                    db.MetricBucket.name == "active_players",
                )
            )
        _gap, events = state.bus.read_after(0)
        types = {event.type for event in events}
        assert after is not None and before is not None and after > before
        assert bucket is not None and bucket > 0
        assert {"transaction.created", "metrics.point", "metrics.snapshot"} <= types
        created = next(e for e in events if e.type == "transaction.created")
        assert Transaction.model_validate(created.data).player_id.startswith("P-")
    finally:
        engine.dispose()

"""Live KPIs (``/metrics/snapshot``) and chart history (``/metrics/timeseries``) from minute buckets.

Stored per minute (``db.MetricBucket``) are *counters* (summed when a window is coarsened) and
one *gauge*, ``active_players`` (averaged). Rates and latencies are derived when read, from
summed counters, so a 1-hour point's success rate weighs every attempt equally:

- ``deposits_eur`` ``deposits_count`` ``withdrawals_eur`` ``withdrawals_count`` ``bets_eur``
  ``wins_eur`` ``bonus_eur`` (EUR minor units / counts)
- ``psp.<code>.attempts`` ``psp.<code>.successes`` ``psp.<code>.latency_ms_sum``

Served series: deposits_eur, withdrawals_eur, bets_eur, wins_eur, ggr_eur, active_players,
psp.<code>.success_rate, psp.<code>.latency_ms, psp.<code>.attempts (the rates' weight). History
older than a day may be stored in 15-minute rows (the seed does, to stay fast); sums and averages over
coarser steps stay right.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bo_desktop.contract.chaos import ChaosConfig
from bo_desktop.contract.enums import OPEN_WITHDRAWAL_STATUSES, Psp
from bo_desktop.contract.metrics import MetricsSnapshot, PspHealth, Timeseries, TimeseriesPoint

from . import db
from .reference_data import PAYMENT_PROVIDERS, PSP_PROFILES

GAUGES = frozenset({"active_players"})
MONEY_SERIES = ("deposits_eur", "withdrawals_eur", "bets_eur", "wins_eur", "ggr_eur")
PSP_CODES = tuple(p.value for p in Psp)
SERIES: tuple[str, ...] = (
    *MONEY_SERIES,
    "active_players",
    *(f"psp.{c}.{m}" for c in PSP_CODES for m in ("success_rate", "latency_ms", "attempts")),
)
THRESHOLDS = {p.code.value: p.success_rate_threshold for p in PAYMENT_PROVIDERS}
MIN_HEALTH_SAMPLE = 20  # attempts in 5 minutes before a low success rate marks a PSP unhealthy
PSP_SHARE = {"trustly": 0.35, "adyen": 0.25, "zimpler": 0.15, "nuvei": 0.15, "ecopayz": 0.10}


@dataclass(frozen=True, slots=True)
class Window:
    minutes: int
    step_minutes: int


WINDOWS: dict[str, Window] = {
    "15m": Window(15, 1),
    "1h": Window(60, 1),
    "24h": Window(24 * 60, 15),
    "7d": Window(7 * 24 * 60, 60),
}


def epoch_minute(at: datetime) -> int:
    return int(at.timestamp() // 60)


def minute_start(minute: int) -> datetime:
    return datetime.fromtimestamp(minute * 60, UTC)


# --------------------------------------------------------------------------------------------- write


def add_to_buckets(
    session: Session, minute: int, counters: Mapping[str, float], gauges: Mapping[str, float] | None = None
) -> None:
    """Add ``counters`` to (and set ``gauges`` in) one minute's buckets. Caller commits.

    Read-modify-write without an upsert keeps the SQL portable; it is safe because only the
    simulator writes buckets (one thread), and SQLite's BEGIN IMMEDIATE serialises anyway.
    """
    gauges = gauges or {}
    names = set(counters) | set(gauges)
    if not names:
        return
    existing = {
        row.name: row
        for row in session.scalars(
            sa.select(db.MetricBucket).where(
                db.MetricBucket.minute == minute, db.MetricBucket.name.in_(names)
            )
        )
    }
    for name in names:
        row = existing.get(name)
        value = float(gauges[name]) if name in gauges else float(counters[name])
        if row is None:
            session.add(db.MetricBucket(minute=minute, name=name, value=value))
        elif name in gauges:
            row.value = value
        else:
            row.value += value


# --------------------------------------------------------------------------------------------- read


def _aggregate(session: Session, first: int, last: int, step: int) -> dict[int, dict[str, float]]:
    """{bucket start minute: {stored name: summed counter / averaged gauge}}, steps aligned to
    multiples of ``step`` minutes since the epoch (so every window's points line up)."""
    # A literal step: PostgreSQL rejects GROUP BY on an expression with a bound parameter.
    group = (db.MetricBucket.minute // sa.literal_column(str(int(step)))).label("grp")
    rows = session.execute(
        sa.select(
            group,
            db.MetricBucket.name,
            sa.func.sum(db.MetricBucket.value),
            sa.func.avg(db.MetricBucket.value),
        )
        .where(db.MetricBucket.minute >= first, db.MetricBucket.minute <= last)
        .group_by(group, db.MetricBucket.name)
    ).all()
    out: dict[int, dict[str, float]] = defaultdict(dict)
    for grp, name, total, mean in rows:
        out[int(grp) * step][name] = float(mean if name in GAUGES else total)
    return out


def _totals(session: Session, first: int, last: int) -> dict[str, float]:
    """Counters summed (gauges averaged) over the minutes ``first..last``."""
    rows = session.execute(
        sa.select(
            db.MetricBucket.name, sa.func.sum(db.MetricBucket.value), sa.func.avg(db.MetricBucket.value)
        )
        .where(db.MetricBucket.minute >= first, db.MetricBucket.minute <= last)
        .group_by(db.MetricBucket.name)
    ).all()
    return {name: float(mean if name in GAUGES else total) for name, total, mean in rows}


def served_values(stored: Mapping[str, float]) -> dict[str, float]:
    get = stored.get
    values = {name: get(name, 0.0) for name in ("deposits_eur", "withdrawals_eur", "bets_eur", "wins_eur")}
    values["ggr_eur"] = values["bets_eur"] - values["wins_eur"]
    values["active_players"] = round(get("active_players", 0.0), 1)
    for code in PSP_CODES:
        attempts = get(f"psp.{code}.attempts", 0.0)
        # The weight of the two rates: a client merging live 1-second points into a bucket
        # averages them by attempts, as this function does over the bucket.
        values[f"psp.{code}.attempts"] = attempts
        if attempts > 0:
            values[f"psp.{code}.success_rate"] = round(get(f"psp.{code}.successes", 0.0) / attempts, 4)
            values[f"psp.{code}.latency_ms"] = round(get(f"psp.{code}.latency_ms_sum", 0.0) / attempts, 1)
    return values


def timeseries(session: Session, window: str, *, now: datetime | None = None) -> Timeseries:
    """The chart history of ``window`` (15m, 1h, 24h, 7d); raises KeyError for other windows."""
    spec = WINDOWS[window]
    last = epoch_minute(now or datetime.now(UTC))
    step = spec.step_minutes
    first = (last - spec.minutes + 1) // step * step
    groups = _aggregate(session, first, last, step)
    points = [
        TimeseriesPoint(t=minute_start(start), values=served_values(groups.get(start, {})))
        for start in range(first, last + 1, step)
    ]
    return Timeseries(window=window, step_seconds=step * 60, series=list(SERIES), points=points)


def _count(session: Session, stmt: sa.Select[tuple[int]] | sa.Select[int]) -> int:
    return int(session.execute(stmt).scalar_one())


def snapshot(session: Session, chaos: ChaosConfig, *, now: datetime | None = None) -> MetricsSnapshot:
    now = now or datetime.now(UTC)
    current = epoch_minute(now)
    midnight = epoch_minute(now.replace(hour=0, minute=0, second=0, microsecond=0))
    today = _totals(session, midnight, current)
    # The current minute is still filling up: per-minute rates use the last complete minute.
    last_minute = _totals(session, current - 1, current - 1)
    recent = _totals(session, current - 5, current)
    health = []
    for provider in PAYMENT_PROVIDERS:
        code = provider.code.value
        attempts = recent.get(f"psp.{code}.attempts", 0.0)
        rate = recent.get(f"psp.{code}.successes", 0.0) / attempts if attempts else 1.0
        latency = recent.get(f"psp.{code}.latency_ms_sum", 0.0) / attempts if attempts else 0.0
        # A handful of attempts says little: a single failure out of ten is not an incident.
        judged = attempts >= MIN_HEALTH_SAMPLE
        healthy = code not in chaos.psp_outage and (not judged or rate >= provider.success_rate_threshold)
        health.append(
            PspHealth(
                psp=provider.code,
                success_rate=round(rate, 4),
                latency_ms_p50=round(latency, 1),
                attempts_5m=int(attempts),
                healthy=healthy,
            )
        )
    ggr = today.get("bets_eur", 0.0) - today.get("wins_eur", 0.0)
    open_disputes = db.Dispute.status.not_in(("resolved", "closed"))
    overdue = sa.or_(db.Dispute.sla_breached, sa.and_(~db.Dispute.sla_paused, db.Dispute.sla_due_at < now))
    open_alert = db.Alert.status.in_(("open", "investigating", "awaiting_second_review"))
    count = sa.func.count()
    return MetricsSnapshot(
        at=now,
        players_online=round(last_minute.get("active_players", 0.0)),
        deposits_per_minute=int(last_minute.get("deposits_count", 0.0)),
        withdrawals_per_minute=int(last_minute.get("withdrawals_count", 0.0)),
        deposits_today_eur_minor=int(today.get("deposits_eur", 0.0)),
        withdrawals_today_eur_minor=int(today.get("withdrawals_eur", 0.0)),
        ggr_today_eur_minor=int(ggr),
        ngr_today_eur_minor=int(ggr - today.get("bonus_eur", 0.0)),
        pending_withdrawals=_count(
            session,
            sa.select(count).where(db.Withdrawal.status.in_([s.value for s in OPEN_WITHDRAWAL_STATUSES])),
        ),
        open_disputes=_count(session, sa.select(count).where(open_disputes)),
        sla_breaches=_count(session, sa.select(count).where(open_disputes, overdue)),
        open_aml_alerts=_count(session, sa.select(count).where(db.Alert.kind == "aml", open_alert)),
        psp_health=health,
    )


# --------------------------------------------------------------------------------------------- activity model

# Shared by the seeded history and the live simulator, so charts do not jump where history ends.
ONLINE_SHARE = 0.05  # of registered players online at the daily average
MIN_ONLINE = 20.0
PER_ONLINE_PER_SECOND: dict[str, float] = {
    "deposit": 1 / 600,  # one deposit per online player every 10 minutes
    "play": 1 / 60,  # one aggregated bet (a few rounds) per online player a minute
    "withdrawal": 1 / 6_000,
}
FIXED_PER_SECOND: dict[str, float] = {"dispute": 1 / 300, "alert": 1 / 60}
MEAN_DEPOSIT_EUR_MINOR = 5_200
MEAN_STAKE_EUR_MINOR = 2_100
MEAN_WITHDRAWAL_EUR_MINOR = 15_000


def diurnal(at: datetime) -> float:
    """Relative activity by hour of day (UTC): quiet at 05:00, busiest around 20:00."""
    hour = at.hour + at.minute / 60
    return 0.55 + 0.45 * math.cos((hour - 20) / 24 * 2 * math.pi)


def expected_online(players: int, at: datetime) -> float:
    return max(MIN_ONLINE, players * ONLINE_SHARE) * diurnal(at)


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw: Knuth's method for small means, a normal approximation for large ones."""
    if mean <= 0:
        return 0
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def synthetic_minutes(
    rng: random.Random, online: float, minutes: int = 1, degraded: frozenset[str] = frozenset()
) -> dict[str, float]:
    """Counters for ``minutes`` minutes of history with about ``online`` players playing."""
    seconds = 60 * minutes
    deposits = poisson(rng, online * PER_ONLINE_PER_SECOND["deposit"] * seconds)
    withdrawals = poisson(rng, online * PER_ONLINE_PER_SECOND["withdrawal"] * seconds)
    bets = online * PER_ONLINE_PER_SECOND["play"] * seconds * MEAN_STAKE_EUR_MINOR * rng.uniform(0.8, 1.2)
    out: dict[str, float] = {
        "active_players": round(online * rng.uniform(0.95, 1.05)),
        "deposits_count": deposits,
        "withdrawals_count": withdrawals,
        "withdrawals_eur": withdrawals * MEAN_WITHDRAWAL_EUR_MINOR * rng.uniform(0.6, 1.4),
        "bets_eur": bets,
        "wins_eur": bets * rng.uniform(0.9, 1.0),
        "bonus_eur": bets * rng.uniform(0.01, 0.03),
    }
    attempts = dict.fromkeys(PSP_CODES, 0)
    for code in rng.choices(list(PSP_SHARE), list(PSP_SHARE.values()), k=deposits):
        attempts[code] += 1
    successes_total = 0
    for code, count in attempts.items():
        profile = PSP_PROFILES[Psp(code)]
        rate = profile.deposit_success * (0.6 if code in degraded else 1.0)
        successes = sum(rng.random() < rate for _ in range(count))
        successes_total += successes
        out[f"psp.{code}.attempts"] = count
        out[f"psp.{code}.successes"] = successes
        out[f"psp.{code}.latency_ms_sum"] = count * profile.latency_ms * rng.uniform(0.8, 1.4)
    out["deposits_eur"] = successes_total * MEAN_DEPOSIT_EUR_MINOR * rng.uniform(0.7, 1.3)
    return out


def backfill(conn: sa.Connection, rng: random.Random, *, players: int, until: datetime | None = None) -> int:
    """Seven days of history ending at ``until`` (default now): per minute for the last 24 h,
    15-minute rows before that. One PSP incident (Adyen degraded ~40 min) 3 days ago gives the
    provider-health chart something to show. Returns the rows written."""
    end = epoch_minute(until or datetime.now(UTC))
    start = end - 7 * 24 * 60
    recent_from = end - 24 * 60
    incident = range(end - 3 * 24 * 60, end - 3 * 24 * 60 + 40)
    rows: list[dict[str, object]] = []
    minute = start - start % 15
    while minute < end:
        step = 1 if minute >= recent_from else 15
        degraded = frozenset({"adyen"}) if minute in incident else frozenset()
        values = synthetic_minutes(rng, expected_online(players, minute_start(minute)), step, degraded)
        rows.extend({"minute": minute, "name": name, "value": float(v)} for name, v in values.items())
        minute += step
    for first in range(0, len(rows), 10_000):
        conn.execute(sa.insert(db.MetricBucket), rows[first : first + 10_000])
    return len(rows)

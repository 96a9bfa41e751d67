"""Deterministic synthetic data for the sandbox: ``seed_database(engine, seed=42, players=2000)``.

Same seed and same ``base_time`` give the same rows (one ``random.Random(seed)`` drives
everything, in a fixed order). ``base_time`` defaults to today's midnight UTC, so two runs on the
same day are identical and data from different days is still comparable; it is stored in
``sandbox_meta`` together with the seed and size. Staff password hashes are the one exception:
they are salted at random, as stored passwords must be.

Players are generated in chunks and flushed with Core executemany, so memory stays flat and
100k players / 1M+ transactions are practical (see tests/bench/bench_sandbox.py).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bo_desktop.contract.enums import PlayerStatus
from bo_desktop.contract.reference import ReferenceDataset

from . import db, metrics
from .config import DEMO_STAFF_PASSWORD
from .reference_data import DEMO_STAFF, SEGMENTS, to_eur_minor
from .seed_activity import Ledger, deposit, play_session, player_favourites, session_starts
from .seed_alerts import detect_alerts
from .seed_cases import kyc_documents, loyalty, notes, rg_limits
from .seed_core import Progress, SeedContext
from .seed_disputes import dispute
from .seed_payouts import maybe_cash_out, open_request
from .seed_players import PlayerProfile, make_player

# Bump when a table gains or changes columns: a stored database of another version is reseeded
# at start (sandbox data is deterministic and disposable; there are no migrations).
# 2: withdrawals.decided_by, settled_at, failure_reason.
SCHEMA_VERSION = 2
CHUNK_PLAYERS = 1_000
OPEN_QUEUE_SHARE = 0.15  # of active players with money in: ~300 open withdrawals per 2,000 players
DISPUTE_SHARE = 0.025
STRUCTURING_SHARE = 0.006
RING_SHARE = 0.01  # players in multi-accounting rings (shared device)
BONUS_HUNTER_SHARE = 0.05
SQLITE_SEED_CACHE_KB = 64_000  # page cache of the seeding connection only


@dataclass
class SeedSummary:
    seed: int
    players: int
    base_time: datetime
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)
    heavy_player_id: str = ""


def default_base_time() -> datetime:
    now = datetime.now(UTC)
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def seed_database(
    engine: Engine,
    *,
    seed: int,
    players: int,
    base_time: datetime | None = None,
    staff_password: str = DEMO_STAFF_PASSWORD,
    progress: Progress | None = None,
    metrics_until: datetime | None = None,
) -> SeedSummary:
    """Drop and recreate the schema, then fill it. ``metrics_until`` ends the 7-day metric
    history (default: the real current minute, so live charts continue where history stops)."""
    started = time.perf_counter()
    ctx = SeedContext(rng=random.Random(seed), now=base_time or default_base_time())
    db.drop_schema(engine)
    db.create_schema(engine)
    report = progress or (lambda _stage, _fraction: None)
    # Secondary indexes are built once after the load: maintaining them row by row turns the bulk
    # insert into random page writes (measured at 20k players: see tests/bench).
    indexes = [index for table in db.Base.metadata.sorted_tables for index in table.indexes]
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_SEED_CACHE_KB}")
        for index in indexes:
            index.drop(conn)
        _write_fixed(conn, ctx, staff_password)
        conn.commit()
        rings: list[str] = []
        for start in range(0, players, CHUNK_PLAYERS):
            for number in range(start + 1, min(players, start + CHUNK_PLAYERS) + 1):
                _generate_player(ctx, make_player(ctx, number, heavy=number == 1), rings)
            ctx.flush(conn, force=True)
            conn.commit()
            report("players", min(players, start + CHUNK_PLAYERS) / players)
        db.set_id_counters(conn, ctx.counters)
        report("metrics", 0.0)
        metrics.backfill(conn, random.Random(seed + 1), players=players, until=metrics_until)
        conn.commit()
        for done, index in enumerate(indexes):
            report("indexes", done / len(indexes))
            index.create(conn)
            conn.commit()
        heavy = db.format_id("player", 1)
        _write_meta(
            conn,
            {
                "seed": seed,
                "players": players,
                "base_time": ctx.now.isoformat(),
                "schema_version": SCHEMA_VERSION,
                "heavy_player_id": heavy,
                "seeded_at": datetime.now(UTC).isoformat(),
                "complete": True,
            },
        )
        conn.commit()
    report("done", 1.0)
    return SeedSummary(seed, players, ctx.now, time.perf_counter() - started, dict(ctx.written), heavy)


def stored_seed(engine: Engine) -> dict[str, object] | None:
    """What a previous ``seed_database`` stored, or None when the database holds no complete seed."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(db.SandboxMeta.key, db.SandboxMeta.value)).all()
    except sa.exc.DBAPIError:
        return None  # no schema yet
    meta = {key: value for key, value in rows}
    return meta if meta.get("complete") else None


def _write_meta(conn: sa.Connection, values: dict[str, object]) -> None:
    conn.execute(sa.delete(db.SandboxMeta))
    conn.execute(sa.insert(db.SandboxMeta), [{"key": k, "value": v} for k, v in values.items()])


def _write_fixed(conn: sa.Connection, ctx: SeedContext, password: str) -> None:
    # One hash for all demo logins: scrypt is deliberately slow and they share the password.
    password_hash = db.hash_password(password)
    conn.execute(
        sa.insert(db.Staff),
        [
            {
                "id": s.id,
                "username": s.username,
                "display_name": s.display_name,
                "roles": [s.role.value],
                "active": True,
                "password_hash": password_hash,
                "created_at": ctx.now - timedelta(days=1_200),
            }
            for s in DEMO_STAFF
        ],
    )
    conn.execute(
        sa.insert(db.Segment),
        [
            {
                "id": s.id,
                "name": s.name,
                "description": s.description,
                "builtin": True,
                "marketing": s.marketing,
                "rules": None,
                "created_by": None,
                "created_at": ctx.now - timedelta(days=1_200),
                "version": 1,
            }
            for s in SEGMENTS
        ],
    )
    conn.execute(
        sa.insert(db.ReferenceRevision),
        [{"dataset": d.value, "revision": 1, "updated_at": ctx.now} for d in ReferenceDataset],
    )
    ctx.counters["staff"] = len(DEMO_STAFF)


def _generate_player(ctx: SeedContext, p: PlayerProfile, rings: list[str]) -> None:
    rng = ctx.rng
    ring = rng.random() < RING_SHARE
    if ring:
        # Rings of three accounts share one device: a new ring starts every third member.
        if len(rings) % 3 == 0:
            rings.append(f"dev-{ctx.hex_id(40)}")
        else:
            rings.append(rings[-1])
        p.devices.append((p.devices[0][0], rings[-1]))
    bonus_hunter = rng.random() < BONUS_HUNTER_SHARE
    bet_level = 4.0 if p.heavy else rng.lognormvariate(0.0, 0.6)
    favourites = player_favourites(ctx)
    led = Ledger()
    for start in session_starts(ctx, p):
        play_session(ctx, p, led, start, favourites, bet_level, bonus_hunter)
        maybe_cash_out(ctx, p, led, start + timedelta(hours=1))

    structuring = not p.heavy and rng.random() < STRUCTURING_SHARE and p.status == PlayerStatus.ACTIVE
    if structuring:
        at = max(p.registered_at, ctx.days_ago(rng.uniform(3, 14)))
        for _ in range(rng.randint(3, 5)):
            deposit(ctx, p, led, at, rng.randint(180_000, 199_000))
            at += timedelta(hours=rng.uniform(6, 60))
    third_party = False
    eligible = p.status == PlayerStatus.ACTIVE or (
        p.status == PlayerStatus.SELF_EXCLUDED and rng.random() < 0.1
    )
    if eligible and led.deposit_count and rng.random() < OPEN_QUEUE_SHARE / 0.9:
        # Half of the payouts to a never-used account turn out to be someone else's account.
        third_party = open_request(ctx, p, led) and rng.random() < 0.5

    kyc_documents(ctx, p, led)
    limit_increase = rg_limits(ctx, p, led) is not None
    points = loyalty(ctx, p, led)
    notes(ctx, p)
    detect_alerts(
        ctx,
        p,
        led,
        structuring=structuring,
        third_party=third_party,
        ring=ring,
        bonus_hunter=bonus_hunter,
        limit_increase=limit_increase,
    )
    if led.chargebacks:
        dispute(ctx, p, led, "chargeback")
    elif rng.random() < DISPUTE_SHARE:
        dispute(ctx, p, led)
    _finish_player_row(ctx, p, led, points, bonus_hunter)
    ctx.add(db.Player, p.row)


def _finish_player_row(
    ctx: SeedContext, p: PlayerProfile, led: Ledger, points: int, bonus_hunter: bool
) -> None:
    deposits_eur = to_eur_minor(led.deposits, p.currency)
    last_login = led.last_login_at
    age_days = (ctx.now - p.registered_at).days
    if age_days <= 30:
        segment = "new"
    elif deposits_eur >= 500_000 or p.heavy:
        segment = "vip"
    elif last_login is None or last_login < ctx.days_ago(90):
        segment = "dormant"
    elif last_login < ctx.days_ago(30):
        segment = "churn_risk"
    elif bonus_hunter:
        segment = "bonus_hunters"
    else:
        segment = "active"
    tiers = ((2_500_000, "platinum"), (1_000_000, "gold"), (250_000, "silver"), (50_000, "bronze"))
    tier = next((name for floor, name in tiers if deposits_eur >= floor), "none")
    active_bonus = led.active_bonus
    p.row.update(
        balance_minor=max(0, led.balance),
        bonus_balance_minor=active_bonus.amount if active_bonus else 0,
        last_login_at=last_login,
        segment=segment,
        vip_tier=tier,
        loyalty_points=points,
        lifetime_deposits_minor=led.deposits,
        lifetime_withdrawals_minor=led.withdrawals,
        lifetime_wagered_minor=led.wagered,
        ggr_minor=led.ggr,
        bonus_cost_minor=led.bonus_cost,
        deposit_count=led.deposit_count,
        last_deposit_at=led.last_deposit_at,
        flagged_for_review=p.pep or ctx.rng.random() < 0.01,
        withdrawals_blocked=p.status == PlayerStatus.SUSPENDED and ctx.rng.random() < 0.5,
    )

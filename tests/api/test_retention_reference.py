"""Retention cohorts: the whole report equals a plain Python computation over the raw rows.

A 2,000-player sandbox (seed 42, no simulator) plus a few hand-made players for the corners
(a bet before the first deposit, a member who never bets, failed and pending deposits, a first
deposit before the window, types no figure uses). For many parameter and filter combinations
every field of every cohort and cell must equal the reference below, which reads every player
and every transaction and applies the definitions of ``contract.retention`` one row at a time,
with its own calendar code (nothing from ``sandbox.retention``). Then new activity is written
and the report must follow it at once (nothing is cached or pre-aggregated out of date).

Definitions used (those of the contract; "now" is the report's ``generated_at``):
members of a cohort = filtered players whose first succeeded deposit ever falls in its period;
active in period b = a succeeded bet in b; rolling at b = a succeeded bet in b or a later
period; deposits / NGR (bets − wins − bonus credits) of members in period b; churned = no
succeeded bet in the 30 days before "now", whatever the window: a short window (two weekly
cohorts) starts after "now − 30 days", and the bets in between count too.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from api_helpers import sign_in

from bo_desktop.sandbox import db

PROBE_SOURCE = "retention_probe"


def _start_of(moment: datetime, period: str) -> datetime:
    day = datetime(moment.year, moment.month, moment.day, tzinfo=moment.tzinfo)
    return day - timedelta(days=day.weekday()) if period == "week" else day.replace(day=1)


def _starts(period: str, count: int, now: datetime) -> list[datetime]:
    """Starts of the last ``count`` periods, oldest first, by stepping back one period at a time."""
    starts = [_start_of(now, period)]
    while len(starts) < count:
        starts.append(_start_of(starts[-1] - timedelta(days=1), period))
    return starts[::-1]


def _period(moment: datetime, starts: list[datetime]) -> int:
    """Index of the period ``moment`` falls in, -1 before the first one (a linear search)."""
    found = -1
    for index, start in enumerate(starts):
        if moment >= start:
            found = index
    return found


def reference(server: Any, period: str, count: int, now: datetime, keep: Callable[[Any], bool]) -> list[Any]:
    with server.state.sessionmaker() as session:
        players = {p.id for p in session.scalars(sa.select(db.Player)) if keep(p)}
        txs = [
            t
            for t in session.scalars(sa.select(db.Transaction))
            if t.status == "succeeded" and t.player_id in players
        ]
    starts = _starts(period, count, now)
    first: dict[str, datetime] = {}
    for t in txs:
        if t.type == "deposit" and (t.player_id not in first or t.created_at < first[t.player_id]):
            first[t.player_id] = t.created_at
    cohort_of = {pid: _period(at, starts) for pid, at in first.items()}
    cohort_of = {pid: cohort for pid, cohort in cohort_of.items() if cohort >= 0}
    bet_periods: dict[str, set[int]] = defaultdict(set)
    deposits: dict[tuple[int, int], int] = defaultdict(int)
    ngr: dict[tuple[int, int], int] = defaultdict(int)
    # Churn looks at the 30 days before "now", not at the window: read before the window filter.
    bet_recently = {t.player_id for t in txs if t.type == "bet" and t.created_at >= now - timedelta(days=30)}
    for t in txs:
        if t.player_id not in cohort_of:
            continue
        b = _period(t.created_at, starts)
        if b < 0:  # before the window: no cell reads it
            continue
        key = (cohort_of[t.player_id], b)
        if t.type == "bet":
            bet_periods[t.player_id].add(b)
            ngr[key] += t.amount_eur_minor
        elif t.type in ("win", "bonus_credit"):
            ngr[key] -= t.amount_eur_minor
        elif t.type == "deposit":
            deposits[key] += t.amount_eur_minor
    cohorts = []
    for c, start in enumerate(starts):
        members = [pid for pid, cohort in cohort_of.items() if cohort == c]
        size = len(members)
        cells = []
        for b in range(c, count):
            active = sum(1 for m in members if b in bet_periods[m])
            rolling = sum(1 for m in members if any(x >= b for x in bet_periods[m]))
            cells.append(
                {
                    "offset": b - c,
                    "active": active,
                    "retention": active / size if size else 0.0,
                    "rolling_retention": rolling / size if size else 0.0,
                    "deposits_eur_minor": deposits[(c, b)],
                    "ngr_eur_minor": ngr[(c, b)],
                }
            )
        total_ngr = sum(cell["ngr_eur_minor"] for cell in cells)
        cohorts.append(
            {
                "start": start,
                "size": size,
                "churned": sum(1 for m in members if m not in bet_recently),
                "deposits_eur_minor": sum(cell["deposits_eur_minor"] for cell in cells),
                "ngr_eur_minor": total_ngr,
                "arpu_eur_minor": round(total_ngr / size / len(cells)) if size else 0,
                "ltv_eur_minor": round(total_ngr / size) if size else 0,
                "cells": cells,
            }
        )
    return cohorts


def _add_probe_players(server: Any) -> dict[str, str]:
    """Hand-made players for the corners; returns name → player id."""
    now = db.utcnow()
    ids: dict[str, str] = {}
    with server.state.sessionmaker.begin() as session:

        def player(name: str, country: str) -> str:
            player_id = db.next_id(session, "player")
            session.add(
                db.Player(
                    id=player_id,
                    username=f"ret.{uuid.uuid4().hex[:10]}",
                    first_name="Retention",
                    last_name=name.title(),
                    email=f"{uuid.uuid4().hex[:10]}@example.test",
                    country=country,
                    jurisdiction="MGA",
                    currency="EUR",
                    status="active",
                    kyc_status="verified",
                    risk_level="low",
                    segment="active",
                    acquisition_source=PROBE_SOURCE,
                    registered_at=now - timedelta(days=800),
                    balance_minor=0,
                    lifetime_deposits_minor=0,
                    lifetime_withdrawals_minor=0,
                    updated_at=now,
                )
            )
            session.flush()
            ids[name] = player_id
            return player_id

        def tx(player_id: str, kind: str, amount: int, days_ago: float, status: str = "succeeded") -> None:
            session.add(
                db.Transaction(
                    id=f"T-8{uuid.uuid4().int % 10**9:09d}",
                    player_id=player_id,
                    type=kind,
                    status=status,
                    amount_minor=amount,
                    currency="EUR",
                    amount_eur_minor=amount,
                    created_at=now - timedelta(days=days_ago),
                )
            )

        early_bettor = player("early bettor", "MT")  # bets before the first deposit, never after
        tx(early_bettor, "bet", 1_500, 75)
        tx(early_bettor, "bonus_credit", 2_000, 76)
        tx(early_bettor, "deposit", 5_000, 0.001)
        lapsed = player("lapsed", "MT")  # every type, failed first attempt, nothing recent
        tx(lapsed, "deposit", 9_999, 300, status="failed")
        tx(lapsed, "deposit", 20_000, 200)
        tx(lapsed, "bet", 3_000, 199)
        tx(lapsed, "win", 4_500, 199)
        tx(lapsed, "bonus_credit", 1_000, 150)
        tx(lapsed, "bonus_forfeit", 700, 120)
        tx(lapsed, "withdrawal", 10_000, 110)
        tx(lapsed, "withdrawal", 10_000, 100, status="pending")
        tx(lapsed, "bet", 2_000, 100)
        never_bets = player("never bets", "SE")  # a member with deposits only
        tx(never_bets, "deposit", 2_500, 10)
        tx(never_bets, "deposit", 2_500, 9)
        old_timer = player("old timer", "SE")  # first deposit before a 12-month window
        tx(old_timer, "deposit", 50_000, 500)
        tx(old_timer, "bet", 1_000, 1)
        failed_only = player("failed only", "MT")  # never a member
        tx(failed_only, "deposit", 5_000, 20, status="failed")
        tx(failed_only, "deposit", 5_000, 19, status="pending")
        tx(failed_only, "bet", 100, 18)
        # First deposit 7 days ago: in the first cohort of a two-week window (which starts 7 to
        # 14 days ago), after the only bet of either.
        bet_before_window = player("bet before window", "DK")  # bet 20 days ago: not churned
        tx(bet_before_window, "bet", 800, 20)
        tx(bet_before_window, "deposit", 3_000, 7)
        bet_long_ago = player("bet long ago", "DK")  # last bet 40 days ago: churned
        tx(bet_long_ago, "bet", 800, 40)
        tx(bet_long_ago, "deposit", 3_000, 7)
    return ids


def _assert_matches(manager: Any, server: Any, params: dict[str, Any], keep: Callable[[Any], bool]) -> Any:
    report = manager.get("/retention/cohorts", params=params)
    assert report.status_code == 200, report.text
    body = report.json()
    now = datetime.fromisoformat(body["generated_at"])
    got = [{**cohort, "start": datetime.fromisoformat(cohort["start"])} for cohort in body["cohorts"]]
    want = reference(server, params["period"], params["count"], now, keep)
    assert len(got) == len(want) == params["count"], params
    for g, w in zip(got, want, strict=True):
        assert g == w, (params, w["start"])
    return body


def test_every_figure_equals_the_reference(fresh_sandbox: Callable[..., Any]) -> None:
    server = fresh_sandbox(players=2000, seed=42, simulator=False)
    probes = _add_probe_players(server)
    manager = sign_in(server.api_url, "manager")
    saved = manager.post(
        "/segments",
        json={"name": "Small", "rules": {"vip_tiers": ["none", "bronze"]}, "marketing": False},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    ).json()
    everyone: Callable[[Any], bool] = lambda p: True  # noqa: E731
    cases: list[tuple[dict[str, Any], Callable[[Any], bool]]] = [
        ({"period": "month", "count": 12}, everyone),
        ({"period": "week", "count": 26}, everyone),
        ({"period": "week", "count": 1}, everyone),
        ({"period": "week", "count": 2}, everyone),
        ({"period": "week", "count": 4}, everyone),
        ({"period": "month", "count": 1}, everyone),
        ({"period": "month", "count": 24}, everyone),
        ({"period": "week", "count": 52}, everyone),
        ({"period": "month", "count": 12, "country": "se"}, lambda p: p.country == "SE"),
        (
            {"period": "week", "count": 12, "source": "affiliate"},
            lambda p: p.acquisition_source == "affiliate",
        ),
        (
            {"period": "month", "count": 12, "country": "MT", "source": PROBE_SOURCE},
            lambda p: p.country == "MT" and p.acquisition_source == PROBE_SOURCE,
        ),
        (
            {"period": "month", "count": 24, "source": PROBE_SOURCE},
            lambda p: p.acquisition_source == PROBE_SOURCE,
        ),
        (
            {"period": "month", "count": 12, "segment": saved["id"]},
            lambda p: p.vip_tier in ("none", "bronze"),
        ),
        ({"period": "week", "count": 8, "segment": "vip"}, lambda p: p.segment == "vip"),
        ({"period": "month", "count": 6, "country": "ZZ"}, lambda p: p.country == "ZZ"),
    ]
    for params, keep in cases:
        _assert_matches(manager, server, params, keep)

    probe = _assert_matches(manager, server, *cases[11])
    assert sum(c["size"] for c in probe["cohorts"]) == 6  # all but "failed only"
    # The early bettor's only bet is in an earlier period than their cohort: not retained.
    current = probe["cohorts"][-1]
    assert current["size"] >= 1 and current["cells"][0]["rolling_retention"] < 1

    # Live activity: the member who never bet plays now; the report follows at once.
    with server.state.sessionmaker.begin() as session:
        session.add(
            db.Transaction(
                id=f"T-8{uuid.uuid4().int % 10**9:09d}",
                player_id=probes["never bets"],
                type="bet",
                status="succeeded",
                amount_minor=400,
                currency="EUR",
                amount_eur_minor=400,
                created_at=db.utcnow(),
            )
        )
    for params, keep in cases[:2] + cases[11:12]:
        _assert_matches(manager, server, params, keep)


def test_churn_reads_bets_before_a_short_window(fresh_sandbox: Callable[..., Any]) -> None:
    """Churn = no bet in the 30 days before "now", also when the window starts later than that."""
    server = fresh_sandbox(players=60, simulator=False)
    _add_probe_players(server)
    manager = sign_in(server.api_url, "manager")
    params = {"period": "week", "count": 2, "country": "DK", "source": PROBE_SOURCE}
    body = _assert_matches(
        manager, server, params, lambda p: p.country == "DK" and p.acquisition_source == PROBE_SOURCE
    )
    first = body["cohorts"][0]
    # Both members deposited first 7 days ago, after their only bet (before the window start).
    assert first["size"] == 2 and body["cohorts"][1]["size"] == 0
    assert first["churned"] == 1, "the bet 20 days ago is in the last 30 days; the one 40 days ago is not"
    assert first["cells"][0]["active"] == 0  # neither bet in the window

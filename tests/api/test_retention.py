"""Retention cohorts (issue 11) against Python over the raw transactions of a quiet sandbox.

The test re-derives every cohort from the rows with its own calendar code (no SQL aggregation,
nothing from ``sandbox.retention``), using the server's ``generated_at`` as "now".
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from api_helpers import assert_problem, sign_in

from bo_desktop.sandbox import db


def _period_start(moment: datetime, period: str) -> datetime:
    day = datetime(moment.year, moment.month, moment.day, tzinfo=moment.tzinfo)
    return day - timedelta(days=day.weekday()) if period == "week" else day.replace(day=1)


def _index(moment: datetime, period: str, current: datetime) -> int:
    """Periods between ``moment``'s period and the current one (0 = current)."""
    start = _period_start(moment, period)
    if period == "week":
        return (current - start).days // 7
    return (current.year - start.year) * 12 + current.month - start.month


def expected(
    server: Any, period: str, count: int, now: datetime, keep: Callable[[Any], bool]
) -> list[dict[str, Any]]:
    with server.state.sessionmaker() as session:
        players = {p.id: p for p in session.scalars(sa.select(db.Player)) if keep(p)}
        txs = [
            t
            for t in session.scalars(sa.select(db.Transaction))
            if t.status == "succeeded" and t.player_id in players
        ]
    current = _period_start(now, period)
    first: dict[str, datetime] = {}
    for t in txs:
        if t.type == "deposit" and (t.player_id not in first or t.created_at < first[t.player_id]):
            first[t.player_id] = t.created_at
    cohort_of = {pid: count - 1 - _index(at, period, current) for pid, at in first.items()}
    cohort_of = {pid: c for pid, c in cohort_of.items() if c >= 0}
    active: dict[str, set[int]] = defaultdict(set)
    deposits: dict[tuple[int, int], int] = defaultdict(int)
    ngr: dict[tuple[int, int], int] = defaultdict(int)
    recent: set[str] = set()
    for t in txs:
        if t.player_id not in cohort_of:
            continue
        bucket = count - 1 - _index(t.created_at, period, current)
        if bucket < 0:
            continue
        key = (cohort_of[t.player_id], bucket)
        if t.type == "bet":
            active[t.player_id].add(bucket)
            ngr[key] += t.amount_eur_minor
            if t.created_at >= now - timedelta(days=30):
                recent.add(t.player_id)
        elif t.type == "win" or t.type == "bonus_credit":
            ngr[key] -= t.amount_eur_minor
        elif t.type == "deposit":
            deposits[key] += t.amount_eur_minor
    out = []
    for c in range(count):
        members = [pid for pid, cohort in cohort_of.items() if cohort == c]
        cells = [
            {
                "active": sum(1 for m in members if b in active[m]),
                "rolling": sum(1 for m in members if any(x >= b for x in active[m])),
                "deposits": deposits[(c, b)],
                "ngr": ngr[(c, b)],
            }
            for b in range(c, count)
        ]
        out.append(
            {"size": len(members), "churned": sum(1 for m in members if m not in recent), "cells": cells}
        )
    return out


@pytest.mark.parametrize("period,count", [("month", 12), ("week", 10)])
def test_cohorts_match_the_transactions(fresh_sandbox: Callable[..., Any], period: str, count: int) -> None:
    server = fresh_sandbox(simulator=False)
    manager = sign_in(server.api_url, "manager")
    report = manager.get("/retention/cohorts", params={"period": period, "count": count}).json()
    now = datetime.fromisoformat(report["generated_at"])
    want = expected(server, period, count, now, lambda p: True)
    assert sum(c["size"] for c in want) > 0
    assert len(report["cohorts"]) == count
    for got, exp in zip(report["cohorts"], want, strict=True):
        assert (got["size"], got["churned"]) == (exp["size"], exp["churned"])
        assert len(got["cells"]) == len(exp["cells"])
        for cell, e in zip(got["cells"], exp["cells"], strict=True):
            assert (cell["active"], cell["deposits_eur_minor"], cell["ngr_eur_minor"]) == (
                e["active"],
                e["deposits"],
                e["ngr"],
            )
            if exp["size"]:
                assert cell["retention"] == pytest.approx(e["active"] / exp["size"])
                assert cell["rolling_retention"] == pytest.approx(e["rolling"] / exp["size"])
        if exp["size"]:
            total_ngr = sum(e["ngr"] for e in exp["cells"])
            assert got["ltv_eur_minor"] == round(total_ngr / exp["size"])
            assert got["arpu_eur_minor"] == round(total_ngr / exp["size"] / len(exp["cells"]))
    assert (
        any(c["retention"] < 1 for c in report["cohorts"][0]["cells"][1:])
        or report["cohorts"][0]["size"] == 0
    )


def test_filters_and_permissions(fresh_sandbox: Callable[..., Any]) -> None:
    server = fresh_sandbox(simulator=False)
    manager, support = sign_in(server.api_url, "manager"), sign_in(server.api_url, "support")
    assert_problem(support.get("/retention/cohorts"), 403, "forbidden")
    assert_problem(manager.get("/retention/cohorts", params={"period": "day"}), 422, "validation_error")
    params = {"period": "month", "count": 12}
    by_country = manager.get("/retention/cohorts", params={**params, "country": "se"}).json()
    now = datetime.fromisoformat(by_country["generated_at"])
    assert [c["size"] for c in by_country["cohorts"]] == [
        c["size"] for c in expected(server, "month", 12, now, lambda p: p.country == "SE")
    ]
    source = manager.get("/retention/cohorts", params={**params, "source": "affiliate"}).json()
    now = datetime.fromisoformat(source["generated_at"])
    assert [c["size"] for c in source["cohorts"]] == [
        c["size"] for c in expected(server, "month", 12, now, lambda p: p.acquisition_source == "affiliate")
    ]
    segment = manager.post(
        "/segments",
        json={"name": "Small", "rules": {"vip_tiers": ["none", "bronze"]}, "marketing": False},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    ).json()
    by_segment = manager.get("/retention/cohorts", params={**params, "segment": segment["id"]}).json()
    now = datetime.fromisoformat(by_segment["generated_at"])
    sizes = [
        c["size"] for c in expected(server, "month", 12, now, lambda p: p.vip_tier in ("none", "bronze"))
    ]
    assert [c["size"] for c in by_segment["cohorts"]] == sizes and sum(sizes) > 0

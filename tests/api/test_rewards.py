"""Rewards API (issue 11): figures against Python over the raw tables; grants, guard, cancel.

Quiet sandboxes (no simulator) so that what the test computes from the rows and what the server
answers describe the same data.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from api_helpers import assert_problem, sign_in

from bo_desktop.sandbox import db

GUARD_STATUSES = ("self_excluded", "cooling_off")


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def _guarded(session: Any) -> set[str]:
    now = db.utcnow()
    ids = set()
    for p in session.scalars(sa.select(db.Player)):
        until = [t for t in (p.self_exclusion_until, p.cooling_off_until) if t is not None]
        if p.status in GUARD_STATUSES or any(t > now for t in until):
            ids.add(p.id)
    for a in session.scalars(sa.select(db.Alert).where(db.Alert.kind == "rg")):
        if a.status in ("open", "investigating", "awaiting_second_review"):
            ids.add(a.player_id)
    return ids


@pytest.fixture
def quiet(fresh_sandbox: Callable[..., Any]) -> Any:
    return fresh_sandbox(simulator=False)


def test_template_results_and_loyalty_match_the_ledgers(quiet: Any) -> None:
    manager = sign_in(quiet.api_url, "manager")
    stats = {row["template_id"]: row for row in manager.get("/rewards/templates").json()}
    tiers = {row["tier"]: row for row in manager.get("/rewards/loyalty").json()}
    with quiet.state.sessionmaker() as session:
        bonuses = session.scalars(sa.select(db.Bonus)).all()
        credits = session.scalars(
            sa.select(db.Transaction).where(db.Transaction.type == "bonus_credit")
        ).all()
        players = {p.id: p for p in session.scalars(sa.select(db.Player))}
        ledger = session.scalars(sa.select(db.LoyaltyEntry)).all()
    template_of = {b.id: b.template_id for b in bonuses}
    expected: dict[str, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    progress: dict[str, list[float]] = defaultdict(list)
    for b in bonuses:
        row = expected[b.template_id]
        row["granted"] += 1
        row["active"] += b.status == "active"
        row["converted"] += b.status == "wagered"
        row["lapsed"] += b.status in ("expired", "forfeited", "cancelled")
        if b.status == "active" and b.wagering_required_minor:
            progress[b.template_id].append(b.wagered_minor / b.wagering_required_minor)
    for t in credits:
        if t.status == "succeeded" and t.bonus_id in template_of:
            expected[template_of[t.bonus_id]]["cost"] += t.amount_eur_minor
    assert sum(r["granted"] for r in expected.values()) > 0
    for template_id, row in expected.items():
        got = stats[template_id]
        assert (got["granted"], got["active"], got["converted"], got["lapsed"]) == (
            row["granted"],
            row["active"],
            row["converted"],
            row["lapsed"],
        )
        assert got["cost_eur_minor"] == row["cost"]
        finished = row["converted"] + row["lapsed"]
        assert got["conversion_rate"] == (pytest.approx(row["converted"] / finished) if finished else None)
        if progress[template_id]:
            mean = sum(progress[template_id]) / len(progress[template_id])
            assert got["avg_wagering_progress"] == pytest.approx(min(1.0, mean))

    earned: dict[str, int] = defaultdict(int)
    redeemed: dict[str, int] = defaultdict(int)
    for entry in ledger:
        tier = players[entry.player_id].vip_tier
        if entry.points > 0:
            earned[tier] += entry.points
        else:
            redeemed[tier] -= entry.points
    for tier, row in tiers.items():
        members = [p for p in players.values() if p.vip_tier == tier]
        assert row["players"] == len(members)
        assert row["points_balance"] == sum(p.loyalty_points for p in members)
        assert (row["points_earned"], row["points_redeemed"]) == (earned[tier], redeemed[tier])
    assert sum(r["points_earned"] for r in tiers.values()) > 0


def test_grant_to_a_segment_skips_the_guarded_and_runs_once(quiet: Any) -> None:
    manager = sign_in(quiet.api_url, "manager")
    created = manager.post(
        "/segments", json={"name": "Swedes", "rules": {"countries": ["SE"]}}, headers=_key()
    )
    assert created.status_code == 201, created.text
    segment_id = created.json()["id"]
    with quiet.state.sessionmaker() as session:
        guarded = _guarded(session)
        swedes = {p.id: p for p in session.scalars(sa.select(db.Player).where(db.Player.country == "SE"))}
        bonuses_before = session.scalar(sa.select(sa.func.count()).select_from(db.Bonus))
    inactive = {
        pid for pid, p in swedes.items() if p.status in ("closed", "suspended") and pid not in guarded
    }
    eligible = set(swedes) - guarded - inactive
    assert eligible and guarded & set(swedes)

    body = {
        "segment_id": segment_id,
        "kind": "bonus",
        "template_id": "spins-50",
        "reason": "Spring campaign SE",
    }
    headers = _key()
    first = manager.post("/rewards/grants", json=body, headers=headers)
    assert first.status_code == 200, first.text
    result = first.json()
    assert result["granted"] == len(eligible)
    assert result["skipped_rg_guard"] == len(guarded & set(swedes))
    assert result["skipped_inactive"] == len(inactive)
    again = manager.post("/rewards/grants", json=body, headers=headers)
    assert again.json() == result and again.headers.get("Idempotent-Replayed") == "true"

    with quiet.state.sessionmaker() as session:
        new = session.scalars(
            sa.select(db.Bonus).where(db.Bonus.template_id == "spins-50", db.Bonus.granted_by.is_not(None))
        ).all()
        audit = session.scalars(sa.select(db.AuditLog).where(db.AuditLog.action == "bonus.grant")).all()
        bonuses_after = session.scalar(sa.select(sa.func.count()).select_from(db.Bonus))
    assert bonuses_after - bonuses_before == len(eligible)  # one grant, not two
    assert {b.player_id for b in new} == eligible
    assert {a.entity_id for a in audit} == eligible and all(a.reason == body["reason"] for a in audit)


def test_single_player_grants_points_and_guard(quiet: Any) -> None:
    manager = sign_in(quiet.api_url, "manager")
    with quiet.state.sessionmaker() as session:
        guarded_id = sorted(_guarded(session))[0]
        active = session.scalars(
            sa.select(db.Player).where(db.Player.status == "active").order_by(db.Player.id)
        ).all()
        target = next(p for p in active if p.id not in _guarded(session))
    points = {"player_id": target.id, "kind": "points", "points": 250, "reason": "Goodwill after outage"}
    result = manager.post("/rewards/grants", json=points, headers=_key()).json()
    assert (result["granted"], result["skipped_rg_guard"]) == (1, 0)
    detail = manager.get(f"/players/{target.id}").json()
    assert detail["loyalty_points"] == target.loyalty_points + 250
    refused = manager.post("/rewards/grants", json={**points, "player_id": guarded_id}, headers=_key()).json()
    assert (refused["granted"], refused["skipped_rg_guard"]) == (0, 1)
    assert_problem(
        manager.post("/rewards/grants", json={**points, "player_id": "P-999999"}, headers=_key()),
        404,
        "not_found",
    )


def test_permissions_reason_key_and_cancel(quiet: Any) -> None:
    manager, compliance = sign_in(quiet.api_url, "manager"), sign_in(quiet.api_url, "compliance")
    with quiet.state.sessionmaker() as session:
        bonus = session.scalars(
            sa.select(db.Bonus).where(db.Bonus.status == "active").order_by(db.Bonus.id)
        ).first()
        assert bonus is not None
        balance = session.get(db.Player, bonus.player_id).bonus_balance_minor  # type: ignore[union-attr]
    grant = {
        "player_id": bonus.player_id,
        "kind": "bonus",
        "template_id": "spins-50",
        "reason": "Birthday gift",
    }
    assert_problem(compliance.post("/rewards/grants", json=grant, headers=_key()), 403, "forbidden")
    assert_problem(manager.post("/rewards/grants", json=grant), 428, "precondition_required")
    assert_problem(
        manager.post("/rewards/grants", json={**grant, "reason": ""}, headers=_key()), 422, "validation_error"
    )
    assert_problem(
        manager.post("/rewards/grants", json={**grant, "template_id": "nope"}, headers=_key()),
        422,
        "validation_error",
    )
    assert compliance.get("/rewards/templates").status_code == 200

    path = f"/rewards/bonuses/{bonus.id}/cancel"
    assert_problem(
        compliance.post(path, json={"reason": "Abuse suspected"}, headers=_key()), 403, "forbidden"
    )
    cancelled = manager.post(path, json={"reason": "Abuse suspected"}, headers=_key())
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert_problem(
        manager.post(path, json={"reason": "Abuse suspected"}, headers=_key()), 409, "invalid_transition"
    )
    after = manager.get(f"/players/{bonus.player_id}").json()["bonus_balance_minor"]
    assert after == balance - min(balance, bonus.amount_minor)
    listed = manager.get(
        "/rewards/bonuses", params={"player_id": bonus.player_id, "status": "cancelled"}
    ).json()
    assert bonus.id in {b["id"] for b in listed["data"]}


def test_reads_need_players_read(sandbox: Any, staff: Callable[[str], httpx.Client]) -> None:
    anonymous = httpx.Client(base_url=sandbox.api_url)
    assert anonymous.get("/rewards/templates").status_code == 401
    assert staff("payments1").get("/rewards/loyalty").status_code == 200

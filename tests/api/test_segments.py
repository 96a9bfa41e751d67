"""Segments API (issue 11): counts and members checked against Python over the raw tables.

The expected figures are computed here from the database rows with plain Python (no SQL
aggregation, none of ``sandbox.segments``), so a wrong CASE/COALESCE/join in the server shows up
as a mismatch. Quiet sandboxes (no simulator) keep the data still between the two computations.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from api_helpers import assert_problem, sign_in

from bo_desktop.sandbox import db
from bo_desktop.sandbox.reference_data import GAMES

OPEN_ALERTS = {"open", "investigating", "awaiting_second_review"}


def _guarded_ids(session: Any, now: datetime) -> set[str]:
    guarded = set()
    for p in session.scalars(sa.select(db.Player)):
        excluded_until = [t for t in (p.self_exclusion_until, p.cooling_off_until) if t is not None]
        if p.status in ("self_excluded", "cooling_off") or any(t > now for t in excluded_until):
            guarded.add(p.id)
    for a in session.scalars(sa.select(db.Alert).where(db.Alert.kind == "rg")):
        if a.status in OPEN_ALERTS:
            guarded.add(a.player_id)
    return guarded


def _window(session: Any, since: datetime) -> dict[str, dict[str, int]]:
    """Per player: deposits (EUR minor), deposit count, stake, wins, bonus credits since ``since``."""
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for t in session.scalars(sa.select(db.Transaction).where(db.Transaction.status == "succeeded")):
        if t.created_at < since:
            continue
        row = totals[t.player_id]
        if t.type == "deposit":
            row["deposits"] += t.amount_eur_minor
            row["deposit_count"] += 1
        elif t.type == "bet":
            row["stake"] += t.amount_eur_minor
            row[f"stake:{t.game_id}"] += t.amount_eur_minor
        elif t.type == "win":
            row["wins"] += t.amount_eur_minor
        elif t.type == "bonus_credit":
            row["bonus"] += t.amount_eur_minor
    return totals


def _signed(server: Any, username: str) -> httpx.Client:
    return sign_in(server.api_url, username)


def _evaluate(client: httpx.Client, rules: dict[str, Any], marketing: bool = True) -> dict[str, Any]:
    response = client.post("/segments/evaluate", json={"rules": rules, "marketing": marketing})
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_window_rules_match_an_independent_count(fresh_sandbox: Callable[..., Any]) -> None:
    server = fresh_sandbox(simulator=False)
    manager = _signed(server, "manager")
    now = db.utcnow()
    with server.state.sessionmaker() as session:
        players = {p.id: p for p in session.scalars(sa.select(db.Player))}
        guarded = _guarded_ids(session, now)
        activity = _window(session, now - timedelta(days=90))
    slots = {g.id for g in GAMES if g.category == "slots"}

    def expected(keep: Callable[[Any, dict[str, int]], bool]) -> tuple[int, int]:
        matched = {pid for pid, p in players.items() if keep(p, activity.get(pid, defaultdict(int)))}
        return len(matched - guarded), len(matched & guarded)

    cases: list[tuple[dict[str, Any], Callable[[Any, dict[str, int]], bool]]] = [
        ({}, lambda p, a: True),
        ({"countries": ["se", "FI"]}, lambda p, a: p.country in ("SE", "FI")),
        ({"vip_tiers": ["gold", "platinum"]}, lambda p, a: p.vip_tier in ("gold", "platinum")),
        (
            {"window_days": 90, "min_deposits_eur_minor": 20_000, "min_deposit_count": 2},
            lambda p, a: a["deposits"] >= 20_000 and a["deposit_count"] >= 2,
        ),
        ({"window_days": 90, "max_ggr_eur_minor": 0}, lambda p, a: a["stake"] - a["wins"] <= 0),
        (
            {"window_days": 90, "min_bonus_share_pct": 20},
            lambda p, a: (f := a["deposits"] + a["bonus"]) > 0 and a["bonus"] * 100 >= 20 * f,
        ),
        (
            {"window_days": 90, "game_category": "slots"},
            lambda p, a: a["stake"] > 0 and 2 * sum(a[f"stake:{g}"] for g in slots) >= a["stake"],
        ),
        (
            {"inactive_for_days": 30, "risk_levels": ["low", "medium"]},
            lambda p, a: (
                (p.last_login_at is None or p.last_login_at < now - timedelta(days=30))
                and p.risk_level in ("low", "medium")
            ),
        ),
    ]
    for rules, keep in cases:
        body = _evaluate(manager, rules)
        members, excluded = expected(keep)
        assert (body["members"], body["excluded_by_rg_guard"]) == (members, excluded), rules
    # The data must make the checks meaningful: some rule selects someone and the guard bites.
    assert _evaluate(manager, {})["excluded_by_rg_guard"] == len(guarded) > 0
    assert _evaluate(manager, cases[3][0])["members"] > 0


def test_guard_and_non_marketing_segments(sandbox: Any, manager: httpx.Client) -> None:
    only_guarded = {"rg_flags": ["self_excluded"]}
    marketing = _evaluate(manager, only_guarded)
    assert marketing["members"] == 0 and marketing["excluded_by_rg_guard"] > 0
    compliance = _evaluate(manager, only_guarded, marketing=False)
    assert compliance["members"] == marketing["excluded_by_rg_guard"]
    assert compliance["excluded_by_rg_guard"] == 0


def _create(client: httpx.Client, **body: Any) -> httpx.Response:
    return client.post("/segments", json=body, headers={"Idempotency-Key": str(uuid.uuid4())})


def test_save_share_members_and_players_filter(sandbox: Any, staff: Callable[[str], httpx.Client]) -> None:
    manager, admin, support = staff("manager"), staff("admin"), staff("support")
    rules = {"jurisdictions": ["MGA", "SGA"], "vip_tiers": ["bronze", "silver", "gold", "platinum"]}
    key = str(uuid.uuid4())
    first = manager.post(
        "/segments", json={"name": "Nordic payers", "rules": rules}, headers={"Idempotency-Key": key}
    )
    assert first.status_code == 201, first.text
    replay = manager.post(
        "/segments", json={"name": "Nordic payers", "rules": rules}, headers={"Idempotency-Key": key}
    )
    assert replay.json()["id"] == first.json()["id"]  # one intent, one segment
    segment = first.json()
    assert segment["shared"] is False and segment["created_by"]

    # Private: the author sees it, another manager does not.
    assert segment["id"] in {s["id"] for s in manager.get("/segments").json()}
    assert segment["id"] not in {s["id"] for s in admin.get("/segments").json()}
    assert_problem(admin.get(f"/segments/{segment['id']}"), 404, "not_found")
    # Nor through the reference data every client caches (its name alone can say too much).
    assert segment["id"] in {s["id"] for s in manager.get("/reference/segments").json()["items"]}
    assert segment["id"] not in {s["id"] for s in admin.get("/reference/segments").json()["items"]}

    etag = manager.get(f"/segments/{segment['id']}").headers["ETag"]
    shared = manager.patch(f"/segments/{segment['id']}", json={"shared": True}, headers={"If-Match": etag})
    assert shared.status_code == 200 and shared.json()["version"] == 2
    assert_problem(
        manager.patch(f"/segments/{segment['id']}", json={"name": "x"}, headers={"If-Match": etag}),
        412,
        "precondition_failed",
    )
    assert segment["id"] in {s["id"] for s in admin.get("/segments").json()}
    assert segment["id"] in {s["id"] for s in admin.get("/reference/segments").json()["items"]}

    evaluation = support.get(f"/segments/{segment['id']}/evaluation").json()
    members: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 40}
        if cursor:
            params["cursor"] = cursor
        page = support.get(f"/segments/{segment['id']}/members", params=params).json()
        members += [p["id"] for p in page["data"]]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert len(members) == len(set(members))
    for row in support.get("/players", params={"segment": segment["id"], "limit": 500}).json()["data"]:
        assert row["jurisdiction"] in ("MGA", "SGA") and row["vip_tier"] != "none"
    # The simulator may move a player in or out between calls; the count and the pages agree.
    assert abs(len(members) - evaluation["members"]) <= 3
    with sandbox.state.sessionmaker() as session:
        guarded = _guarded_ids(session, db.utcnow())
        audit = session.scalars(sa.select(db.AuditLog).where(db.AuditLog.entity_id == segment["id"])).all()
    assert not guarded & set(members)
    assert [a.action for a in audit] == ["segment.create", "segment.update"]


def test_permissions_and_validation(sandbox: Any, staff: Callable[[str], httpx.Client]) -> None:
    support, payments, manager = staff("support"), staff("payments1"), staff("manager")
    assert_problem(_create(support, name="Mine"), 403, "forbidden")
    assert_problem(manager.post("/segments", json={"name": "No key"}), 428, "precondition_required")
    assert payments.post("/segments/evaluate", json={}).status_code == 200  # players.read suffices
    bad = manager.post("/segments/evaluate", json={"rules": {"min_deposit_count": 5, "max_deposit_count": 1}})
    assert_problem(bad, 422, "validation_error")
    assert_problem(_create(manager, name=""), 422, "validation_error")
    builtin = manager.get("/segments/vip", headers={})
    assert builtin.status_code == 200 and builtin.json()["builtin"] is True
    etag = builtin.headers["ETag"]
    assert_problem(
        manager.patch("/segments/vip", json={"name": "Mine"}, headers={"If-Match": etag}), 404, "not_found"
    )


@pytest.mark.parametrize("segment_id", ["vip", "dormant"])
def test_builtin_members_are_the_classification_minus_the_guard(
    fresh_sandbox: Callable[..., Any], segment_id: str
) -> None:
    server = fresh_sandbox(simulator=False)
    client = _signed(server, "support")
    with server.state.sessionmaker() as session:
        guarded = _guarded_ids(session, db.utcnow())
        classified = set(session.scalars(sa.select(db.Player.id).where(db.Player.segment == segment_id)))
    evaluation = client.get(f"/segments/{segment_id}/evaluation").json()
    assert evaluation["members"] == len(classified - guarded)
    assert evaluation["excluded_by_rg_guard"] == len(classified & guarded)
    page = client.get(f"/segments/{segment_id}/members", params={"limit": 500}).json()
    assert {p["id"] for p in page["data"]} == classified - guarded

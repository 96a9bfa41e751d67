"""Who made a ticket's current version: ``updated_by``/``updated_by_name``/``updated_at``.

Every change that makes a new version stamps its author (the SLA clock for the server's own
escalation); comments do not make a version and leave the stamp alone. A stale If-Match gets
412 whose ``current`` names the colleague whose change won.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from api_helpers import assert_problem, db_execute, if_match, new_key

from bo_desktop.contract.disputes import SYSTEM_ACTOR, Dispute
from bo_desktop.sandbox import db

Client = httpx.Client


@pytest.fixture
def support(staff: Callable[[str], Client]) -> Client:
    return staff("support")


def me(client: Client) -> tuple[str, str]:
    body = client.get("/me").json()
    return body["staff_id"], body["display_name"]


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


def stamped_by(ticket: dict[str, Any], client: Client, previous: dict[str, Any] | None = None) -> None:
    staff_id, name = me(client)
    assert (ticket["updated_by"], ticket["updated_by_name"]) == (staff_id, name)
    at = datetime.fromisoformat(ticket["updated_at"])
    assert abs(datetime.now(UTC) - at) < timedelta(minutes=1)
    if previous is not None:
        assert ticket["version"] == previous["version"] + 1
        assert at >= datetime.fromisoformat(previous["updated_at"])
    # GET shows the same stamp as the mutation's answer.
    again = client.get(f"/disputes/{ticket['id']}").json()
    assert (again["updated_by"], again["updated_by_name"], again["updated_at"]) == (
        ticket["updated_by"],
        ticket["updated_by_name"],
        ticket["updated_at"],
    )


def test_every_change_names_its_author(support: Client, manager: Client, admin: Client) -> None:
    deposits = support.get("/transactions", params={"type": "deposit", "limit": 1}).json()["data"]
    player_id = deposits[0]["player_id"]
    other_tx = support.get("/transactions", params={"player_id": player_id, "limit": 5}).json()["data"]
    target = next(t["id"] for t in other_tx if t["id"] != deposits[0]["id"])
    body = {"player_id": player_id, "kind": "payment_delay", "subject": "Who touched it"}
    t = ok(support.post("/disputes", json=body, headers=new_key()))
    stamped_by(t, support)
    url = f"/disputes/{t['id']}"

    steps: list[tuple[Client, Callable[[Client, dict[str, Any]], httpx.Response]]] = [
        (manager, lambda c, d: c.patch(url, json={"status": "open"}, headers=if_match(d["version"]))),
        (support, lambda c, d: c.patch(url, json={"priority": "high"}, headers=if_match(d["version"]))),
        (
            manager,
            lambda c, d: c.post(
                f"{url}/assign",
                json={"assignee_id": "ST-001", "reason": "Yours"},
                headers=if_match(d["version"]) | new_key(),
            ),
        ),
        (
            support,
            lambda c, d: c.post(
                f"{url}/links",
                json={"kind": "transaction", "target_id": target},
                headers=if_match(d["version"]) | new_key(),
            ),
        ),
        (
            manager,
            lambda c, d: c.delete(f"{url}/links/transaction/{target}", headers=if_match(d["version"])),
        ),
        (support, lambda c, d: c.patch(url, json={"status": "escalated"}, headers=if_match(d["version"]))),
        (
            support,
            lambda c, d: c.post(
                f"{url}/resolve",
                json={
                    "outcome": "upheld",
                    "summary": "Refund",
                    "compensation_minor": 90_000,
                    "currency": "EUR",
                },
                headers=if_match(d["version"]) | new_key(),
            ),
        ),
        (
            admin,
            lambda c, d: c.post(f"{url}/approve-compensation", headers=if_match(d["version"]) | new_key()),
        ),
        (manager, lambda c, d: c.patch(url, json={"status": "closed"}, headers=if_match(d["version"]))),
    ]
    for client, step in steps:
        changed = ok(step(client, t))
        stamped_by(changed, client, t)
        t = changed
    assert t["status"] == "closed" and t["resolution"]["approved_by"] == me(admin)[0]


def test_a_comment_makes_no_version_and_keeps_the_stamp(support: Client, manager: Client) -> None:
    player_id = support.get("/players", params={"limit": 1}).json()["data"][0]["id"]
    body = {"player_id": player_id, "kind": "other", "subject": "Comment stamp"}
    t = ok(support.post("/disputes", json=body, headers=new_key()))
    t = ok(manager.patch(f"/disputes/{t['id']}", json={"status": "open"}, headers=if_match(t["version"])))
    ok(support.post(f"/disputes/{t['id']}/comments", json={"body": "Called the player"}, headers=new_key()))
    after = support.get(f"/disputes/{t['id']}").json()
    # The stamp names who made the version a stale If-Match lacks, not the last commenter.
    assert after["version"] == t["version"]
    assert (after["updated_by"], after["updated_at"]) == (t["updated_by"], t["updated_at"])
    assert after["last_activity_at"] > t["last_activity_at"]


def test_stale_if_match_gets_412_with_the_winner_named(support: Client, manager: Client) -> None:
    player_id = support.get("/players", params={"limit": 1}).json()["data"][0]["id"]
    body = {"player_id": player_id, "kind": "other", "subject": "Two handlers"}
    seen = ok(support.post("/disputes", json=body, headers=new_key()))
    url = f"/disputes/{seen['id']}"
    won = ok(manager.patch(url, json={"status": "escalated"}, headers=if_match(seen["version"])))

    lost = support.patch(url, json={"priority": "urgent"}, headers=if_match(seen["version"]))
    problem = assert_problem(lost, 412, "precondition_failed")
    assert lost.headers["content-type"].startswith("application/problem+json")
    assert lost.headers["ETag"] == f'W/"{won["version"]}"'
    current = Dispute.model_validate(problem["current"])
    manager_id, manager_name = me(manager)
    assert (current.updated_by, current.updated_by_name) == (manager_id, manager_name)
    assert current.status == "escalated" and current.priority == "normal"
    assert current.version == won["version"] and current.updated_at is not None
    # The same for the POST actions (assign, link, resolve …) that share the change frame.
    stale_assign = support.post(
        f"{url}/assign",
        json={"assignee_id": None, "reason": "Back to the pool"},
        headers=if_match(seen["version"]) | new_key(),
    )
    assert assert_problem(stale_assign, 412, "precondition_failed")["current"]["updated_by"] == manager_id


def test_the_sla_clock_not_a_person_escalates(sandbox: Any, support: Client) -> None:
    player_id = support.get("/players", params={"limit": 1}).json()["data"][0]["id"]
    body = {"player_id": player_id, "kind": "other", "subject": "Overdue", "priority": "urgent"}
    t = ok(support.post("/disputes", json=body, headers=new_key()))
    db_execute(
        sandbox,
        sa.update(db.Dispute)
        .where(db.Dispute.id == t["id"])
        .values(sla_due_at=datetime.now(UTC) - timedelta(minutes=1)),
    )
    deadline = time.monotonic() + 15
    current = t
    while current["status"] != "escalated" and time.monotonic() < deadline:
        time.sleep(0.2)
        current = support.get(f"/disputes/{t['id']}").json()
    assert current["status"] == "escalated"
    assert (current["updated_by"], current["updated_by_name"]) == (SYSTEM_ACTOR, "SLA clock")
    stale = support.patch(f"/disputes/{t['id']}", json={"status": "open"}, headers=if_match(t["version"]))
    assert assert_problem(stale, 412, "precondition_failed")["current"]["updated_by_name"] == "SLA clock"

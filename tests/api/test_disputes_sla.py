"""The dispute SLA over HTTP: clock by priority, pause while waiting on the player, escalation.

Overdue tickets are *arranged* by moving a fresh ticket's due date into the past in the database
(the API has no way to make time pass); everything checked afterwards comes from the API.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from api_helpers import db_execute, if_match, new_key
from test_events import open_stream

from bo_desktop.sandbox import db

Client = httpx.Client


@pytest.fixture
def support(staff: Callable[[str], Client]) -> Client:
    return staff("support")


@pytest.fixture
def make_ticket(support: Client) -> Callable[..., dict[str, Any]]:
    player_id = support.get("/players", params={"limit": 1}).json()["data"][0]["id"]

    def make(priority: str = "normal") -> dict[str, Any]:
        body = {"player_id": player_id, "kind": "other", "subject": "SLA test", "priority": priority}
        response = support.post("/disputes", json=body, headers=new_key())
        assert response.status_code == 201, response.text
        ticket: dict[str, Any] = response.json()
        return ticket

    return make


def patch(client: Client, ticket: dict[str, Any], **fields: Any) -> dict[str, Any]:
    response = client.patch(f"/disputes/{ticket['id']}", json=fields, headers=if_match(ticket["version"]))
    assert response.status_code == 200, response.text
    changed: dict[str, Any] = response.json()
    return changed


def due(ticket: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(ticket["sla_due_at"])


def move_due_date(sandbox: Any, dispute_id: str, when: datetime) -> None:
    db_execute(sandbox, sa.update(db.Dispute).where(db.Dispute.id == dispute_id).values(sla_due_at=when))


@pytest.mark.parametrize(("priority", "hours"), [("urgent", 4), ("high", 24), ("normal", 72), ("low", 168)])
def test_clock_by_priority(make_ticket: Callable[..., dict[str, Any]], priority: str, hours: int) -> None:
    ticket = make_ticket(priority)
    assert due(ticket) - datetime.fromisoformat(ticket["created_at"]) == timedelta(hours=hours)


def test_waiting_on_the_player_pauses_the_clock(
    support: Client, make_ticket: Callable[..., dict[str, Any]]
) -> None:
    ticket = patch(support, make_ticket("high"), status="open")
    waiting = patch(support, ticket, status="waiting_on_player")
    assert waiting["sla_paused"] is True and waiting["sla_due_at"] is None
    left = waiting["sla_remaining_seconds"]
    assert 24 * 3600 - 60 < left <= 24 * 3600
    resumed = patch(support, waiting, status="open")
    assert resumed["sla_paused"] is False and resumed["sla_remaining_seconds"] is None
    # The time left is what it was when paused, counted from the resume.
    expected = datetime.now(UTC) + timedelta(seconds=left)
    assert abs((due(resumed) - expected).total_seconds()) < 30


def test_priority_change_moves_the_due_date(
    support: Client, make_ticket: Callable[..., dict[str, Any]]
) -> None:
    ticket = make_ticket("normal")
    urgent = patch(support, ticket, priority="urgent")
    assert due(ticket) - due(urgent) == timedelta(hours=68)
    paused = patch(support, urgent, status="waiting_on_player")
    low = patch(support, paused, priority="low")
    assert low["sla_remaining_seconds"] - paused["sla_remaining_seconds"] == (168 - 4) * 3600


def test_overdue_ticket_escalates_on_the_server_and_is_published(
    sandbox: Any, support: Client, manager: Client, make_ticket: Callable[..., dict[str, Any]]
) -> None:
    ticket = patch(support, make_ticket(), status="open")
    paused = patch(support, make_ticket(), status="waiting_on_player")
    with open_stream(support) as stream:
        # In a thread: the reader blocks on the next line until the watch publishes.
        worker = threading.Thread(
            target=lambda: [
                move_due_date(sandbox, t["id"], datetime.now(UTC) - timedelta(minutes=1))
                for t in (ticket, paused)
            ]
        )
        worker.start()
        event = stream.until(lambda e: e["event"] == "dispute.updated" and e["data"]["id"] == ticket["id"])
        worker.join(10)
    assert event["data"]["status"] == "escalated" and event["data"]["sla_breached"] is True
    assert event["data"]["version"] == ticket["version"] + 1
    current = support.get(f"/disputes/{ticket['id']}").json()
    assert current["status"] == "escalated"
    still_paused = support.get(f"/disputes/{paused['id']}").json()
    assert still_paused["status"] == "waiting_on_player" and not still_paused["sla_breached"]
    trail = manager.get("/audit", params={"action": "dispute.sla_breach", "entity_id": ticket["id"]}).json()
    assert [(r["actor_id"], r["actor_name"]) for r in trail["data"]] == [("SYSTEM", "SLA monitor")]
    overdue = support.get("/disputes", params={"sla": "overdue", "limit": 500}).json()["data"]
    assert ticket["id"] in {d["id"] for d in overdue}
    # A breach escalates once: a handler may take it back to open without it bouncing back.
    reopened = patch(support, current, status="open")
    threading.Event().wait(3)
    assert support.get(f"/disputes/{ticket['id']}").json()["version"] == reopened["version"]


def test_at_risk_view(sandbox: Any, support: Client, make_ticket: Callable[..., dict[str, Any]]) -> None:
    soon = make_ticket("urgent")  # at-risk window: the last hour of four
    later = make_ticket("urgent")
    move_due_date(sandbox, soon["id"], datetime.now(UTC) + timedelta(minutes=30))
    move_due_date(sandbox, later["id"], datetime.now(UTC) + timedelta(hours=2))
    at_risk = {d["id"] for d in support.get("/disputes", params={"view": "sla", "limit": 500}).json()["data"]}
    assert soon["id"] in at_risk and later["id"] not in at_risk
    overdue = {
        d["id"] for d in support.get("/disputes", params={"sla": "overdue", "limit": 500}).json()["data"]
    }
    assert soon["id"] not in overdue


def test_reopening_a_resolved_ticket_starts_a_fresh_window(
    support: Client, make_ticket: Callable[..., dict[str, Any]]
) -> None:
    ticket = make_ticket("high")
    resolved = support.post(
        f"/disputes/{ticket['id']}/resolve",
        json={"outcome": "upheld", "summary": "Fixed"},
        headers={**if_match(ticket["version"]), **new_key()},
    ).json()
    reopened = patch(support, resolved, status="open")
    expected = datetime.now(UTC) + timedelta(hours=24)
    assert abs((due(reopened) - expected).total_seconds()) < 30
    assert reopened["resolution"] is None  # the earlier outcome is void (the audit trail keeps it)

"""Dispute tickets over HTTP: create, views, the state machine, assignment, resolution, approval.

SLA behaviour (pause, resume, escalation) is in test_disputes_sla.py; comments, attachments and
links in test_disputes_thread.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from api_helpers import assert_problem, audit_count, if_match, new_key

from bo_desktop.contract.disputes import Dispute

Client = httpx.Client


@pytest.fixture
def support(staff: Callable[[str], Client]) -> Client:
    return staff("support")


@pytest.fixture
def compliance(staff: Callable[[str], Client]) -> Client:
    return staff("compliance")


def a_transaction(client: Client, **params: Any) -> dict[str, Any]:
    page = client.get("/transactions", params={"limit": 1, **params})
    assert page.status_code == 200, page.text
    item: dict[str, Any] = page.json()["data"][0]
    return item


def create(client: Client, player_id: str, **fields: Any) -> dict[str, Any]:
    body = {"player_id": player_id, "kind": "payment_delay", "subject": "Payout late", **fields}
    response = client.post("/disputes", json=body, headers=new_key())
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    assert response.headers["ETag"] == f'W/"{created["version"]}"'
    return created


def patch(client: Client, ticket: dict[str, Any], **fields: Any) -> httpx.Response:
    return client.patch(f"/disputes/{ticket['id']}", json=fields, headers=if_match(ticket["version"]))


@pytest.fixture
def ticket(support: Client) -> dict[str, Any]:
    tx = a_transaction(support, type="deposit")
    return create(support, tx["player_id"], links=[{"kind": "transaction", "target_id": tx["id"]}])


def test_create_from_a_transaction(support: Client, manager: Client, ticket: dict[str, Any]) -> None:
    created = Dispute.model_validate(ticket)
    assert created.status == "new" and created.assignee_id is None
    assert created.sla_due_at is not None and not created.sla_paused
    # Normal priority: 72 hours; ADR referral: 8 weeks for every sandbox jurisdiction.
    assert created.sla_due_at - created.created_at == timedelta(hours=72)
    assert created.adr_deadline is not None and created.adr_deadline - created.created_at == timedelta(
        weeks=8
    )
    links = support.get(f"/disputes/{created.id}/links").json()
    assert len(links) == 1 and links[0]["kind"] == "transaction"
    assert links[0]["amount_minor"] > 0 and links[0]["detail"].startswith("deposit")
    assert audit_count(manager, "dispute.create", created.id) == 1


def test_create_needs_an_idempotency_key_and_replays_it(support: Client) -> None:
    tx = a_transaction(support)
    body = {"player_id": tx["player_id"], "kind": "other", "subject": "Cannot log in"}
    assert_problem(support.post("/disputes", json=body), 428, "precondition_required")
    key = new_key()
    first = support.post("/disputes", json=body, headers=key)
    again = support.post("/disputes", json=body, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and again.headers["Idempotent-Replayed"] == "true"
    other = support.post("/disputes", json={**body, "subject": "Something else"}, headers=key)
    assert_problem(other, 422, "idempotency_key_reused")


def test_create_refuses_unknown_players_and_foreign_links(support: Client) -> None:
    unknown = support.post(
        "/disputes", json={"player_id": "P-999999", "kind": "other", "subject": "x"}, headers=new_key()
    )
    assert assert_problem(unknown, 422, "validation_error")["errors"][0]["field"] == "player_id"
    foreign = a_transaction(support, type="deposit")
    other_player = next(
        t
        for t in support.get("/transactions", params={"limit": 200}).json()["data"]
        if t["player_id"] != foreign["player_id"]
    )
    body = {
        "player_id": other_player["player_id"],
        "kind": "chargeback",
        "subject": "Wrong link",
        "links": [{"kind": "transaction", "target_id": foreign["id"]}],
    }
    problem = assert_problem(support.post("/disputes", json=body, headers=new_key()), 422, "validation_error")
    assert problem["errors"][0]["field"] == "links.0.target_id"
    assert "another player" in problem["errors"][0]["message"]


def test_detail_has_an_etag_and_patch_needs_if_match(support: Client, ticket: dict[str, Any]) -> None:
    got = support.get(f"/disputes/{ticket['id']}")
    assert got.headers["ETag"] == f'W/"{ticket["version"]}"'
    missing = support.patch(f"/disputes/{ticket['id']}", json={"priority": "high"})
    assert_problem(missing, 428, "precondition_required")
    changed = patch(support, ticket, priority="high")
    assert changed.status_code == 200, changed.text
    stale = patch(support, ticket, status="open")
    problem = assert_problem(stale, 412, "precondition_failed")
    assert problem["current"]["priority"] == "high" and problem["current"]["version"] == ticket["version"] + 1


def test_the_state_machine(support: Client, manager: Client, ticket: dict[str, Any]) -> None:
    current = ticket
    for status in ("open", "waiting_on_player", "open", "escalated", "open"):
        response = patch(support, current, status=status)
        assert response.status_code == 200, response.text
        current = response.json()
        assert current["status"] == status
    problem = assert_problem(patch(support, current, status="resolved"), 409, "invalid_transition")
    assert "outcome" in problem["detail"]
    assert_problem(patch(support, current, status="closed"), 409, "invalid_transition")
    resolved = support.post(
        f"/disputes/{current['id']}/resolve",
        json={"outcome": "rejected", "summary": "Payout was sent on time"},
        headers={**if_match(current["version"]), **new_key()},
    )
    assert resolved.status_code == 200, resolved.text
    closed = patch(support, resolved.json(), status="closed")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert_problem(patch(support, closed.json(), status="open"), 409, "invalid_transition")
    assert audit_count(manager, "dispute.update", current["id"]) == 6


def test_assignment_needs_a_reason_and_a_handler(
    support: Client, manager: Client, ticket: dict[str, Any]
) -> None:
    url = f"/disputes/{ticket['id']}/assign"
    empty = support.post(
        url, json={"assignee_id": "ST-001", "reason": " "}, headers=if_match(ticket["version"])
    )
    assert assert_problem(empty, 422, "validation_error")["errors"][0]["field"] == "reason"
    payments = support.post(
        url, json={"assignee_id": "ST-002", "reason": "x"}, headers=if_match(ticket["version"])
    )
    assert "cannot work dispute tickets" in assert_problem(payments, 422, "validation_error")["detail"]
    bad_code = support.post(
        url,
        json={"assignee_id": "ST-001", "reason": "x", "reason_code": "nope"},
        headers=if_match(ticket["version"]),
    )
    assert_problem(bad_code, 422, "validation_error")
    mine = support.post(
        url,
        json={"assignee_id": "ST-001", "reason": "I take it", "reason_code": "workload"},
        headers=if_match(ticket["version"]),
    )
    assert mine.status_code == 200, mine.text
    assert mine.json()["assignee_name"] == "Sam Support" and mine.json()["status"] == "open"
    reassigned = support.post(
        url,
        json={"assignee_id": "ST-005", "reason": "Needs a senior", "reason_code": "escalation"},
        headers=if_match(mine.json()["version"]),
    )
    assert reassigned.status_code == 200 and reassigned.json()["assignee_id"] == "ST-005"
    trail = manager.get("/audit", params={"action": "dispute.assign", "entity_id": ticket["id"]}).json()
    reasons = {r["reason"] for r in trail["data"]}
    assert reasons == {"[workload] I take it", "[escalation] Needs a senior"}


def test_compensation_above_the_threshold_needs_a_manager(
    support: Client, manager: Client, admin: Client, ticket: dict[str, Any]
) -> None:
    url = f"/disputes/{ticket['id']}"
    headers = {**if_match(ticket["version"]), **new_key()}
    rejected_with_money = support.post(
        f"{url}/resolve",
        json={"outcome": "rejected", "summary": "no", "compensation_minor": 100},
        headers=headers,
    )
    assert (
        assert_problem(rejected_with_money, 422, "validation_error")["errors"][0]["field"]
        == "compensation_minor"
    )
    no_currency = support.post(
        f"{url}/resolve",
        json={"outcome": "upheld", "summary": "ok", "compensation_minor": 100},
        headers=new_key() | if_match(ticket["version"]),
    )
    assert assert_problem(no_currency, 422, "validation_error")["errors"][0]["field"] == "currency"
    body = {
        "outcome": "upheld",
        "summary": "Refund the stake",
        "compensation_minor": 60_000,
        "currency": "EUR",
    }
    resolved = support.post(f"{url}/resolve", json=body, headers={**if_match(ticket["version"]), **new_key()})
    assert resolved.status_code == 200, resolved.text
    resolution = resolved.json()["resolution"]
    assert resolution["needs_approval"] is True and resolution["approved_by"] is None
    version = resolved.json()["version"]
    assert_problem(
        support.patch(url, json={"status": "closed"}, headers=if_match(version)),
        409,
        "compensation_pending_approval",
    )
    forbidden = support.post(f"{url}/approve-compensation", headers={**if_match(version), **new_key()})
    assert_problem(forbidden, 403, "forbidden")
    approved = manager.post(f"{url}/approve-compensation", headers={**if_match(version), **new_key()})
    assert approved.status_code == 200, approved.text
    assert approved.json()["resolution"]["approved_by"] == "ST-005"
    again = admin.post(f"{url}/approve-compensation", headers={**if_match(version + 1), **new_key()})
    assert_problem(again, 409, "invalid_transition")
    closed = support.patch(url, json={"status": "closed"}, headers=if_match(version + 1))
    assert closed.status_code == 200, closed.text


def test_a_manager_cannot_approve_their_own_compensation(manager: Client, admin: Client) -> None:
    tx = a_transaction(manager, type="deposit")
    ticket = create(manager, tx["player_id"], kind="game_malfunction", subject="Game froze")
    body = {
        "outcome": "partially_upheld",
        "summary": "Half the stake",
        "compensation_minor": 80_000,
        "currency": "EUR",
    }
    resolved = manager.post(
        f"/disputes/{ticket['id']}/resolve", json=body, headers={**if_match(1), **new_key()}
    )
    assert resolved.status_code == 200, resolved.text
    own = manager.post(f"/disputes/{ticket['id']}/approve-compensation", headers={**if_match(2), **new_key()})
    assert_problem(own, 409, "same_approver")
    other = admin.post(f"/disputes/{ticket['id']}/approve-compensation", headers={**if_match(2), **new_key()})
    assert other.status_code == 200 and other.json()["resolution"]["approved_by"] == "ST-006"


def test_small_compensation_needs_no_approval(support: Client, ticket: dict[str, Any]) -> None:
    body = {"outcome": "upheld", "summary": "Goodwill", "compensation_minor": 49_999, "currency": "EUR"}
    resolved = support.post(
        f"/disputes/{ticket['id']}/resolve", json=body, headers={**if_match(ticket["version"]), **new_key()}
    )
    assert resolved.status_code == 200 and resolved.json()["resolution"]["needs_approval"] is False


def test_saved_views_and_counts(support: Client, ticket: dict[str, Any]) -> None:
    def ids(view: str) -> set[str]:
        page = support.get("/disputes", params={"view": view, "limit": 500}).json()
        return {d["id"] for d in page["data"]}

    assert ticket["id"] in ids("unassigned") and ticket["id"] not in ids("mine")
    assigned = support.post(
        f"/disputes/{ticket['id']}/assign",
        json={"assignee_id": "ST-001", "reason": "mine"},
        headers=if_match(ticket["version"]),
    ).json()
    assert ticket["id"] in ids("mine") and ticket["id"] not in ids("unassigned")
    waiting = patch(support, assigned, status="waiting_on_player").json()
    assert ticket["id"] in ids("waiting") and ticket["id"] not in ids("sla")
    patch(support, waiting, status="escalated")
    assert ticket["id"] in ids("escalated") and ticket["id"] in ids("all")
    counts = support.get("/disputes/counts").json()["counts"]
    assert set(counts) == {"mine", "unassigned", "waiting", "sla", "escalated", "all"}
    assert counts["all"] >= counts["escalated"] >= 1
    total = support.get("/disputes", params={"view": "mine", "count": "true"}).json()["total"]
    assert counts["mine"] == total


def test_list_pages_filters_and_search(support: Client, ticket: dict[str, Any]) -> None:
    seen: list[str] = []
    cursor = None
    while True:
        page = support.get("/disputes", params={"limit": 7, "cursor": cursor, "sort": "sla_due_at"}).json()
        seen += [d["id"] for d in page["data"]]
        if not page["has_more"]:
            break
        cursor = page["next_cursor"]
    assert len(seen) == len(set(seen)) and ticket["id"] in seen
    by_subject = support.get("/disputes", params={"q": "payout LATE"}).json()["data"]
    assert ticket["id"] in {d["id"] for d in by_subject}
    by_player = support.get("/disputes", params={"player_id": ticket["player_id"]}).json()["data"]
    assert all(d["player_id"] == ticket["player_id"] for d in by_player)
    urgent = support.get("/disputes", params={"priority": "urgent", "kind": "chargeback"}).json()["data"]
    assert all(d["priority"] == "urgent" and d["kind"] == "chargeback" for d in urgent)
    last = [datetime.fromisoformat(d["last_activity_at"]) for d in support.get("/disputes").json()["data"]]
    assert last == sorted(last, reverse=True)


def test_read_only_roles_cannot_change_tickets(compliance: Client, ticket: dict[str, Any]) -> None:
    assert compliance.get(f"/disputes/{ticket['id']}").status_code == 200
    assert_problem(
        compliance.patch(
            f"/disputes/{ticket['id']}", json={"priority": "low"}, headers=if_match(ticket["version"])
        ),
        403,
        "forbidden",
    )
    comment = compliance.post(f"/disputes/{ticket['id']}/comments", json={"body": "hi"}, headers=new_key())
    assert_problem(comment, 403, "forbidden")

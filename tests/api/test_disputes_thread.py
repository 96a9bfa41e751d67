"""Dispute conversation over HTTP: immutable comments, attachments, links to the player's items."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from api_helpers import assert_problem, audit_count, if_match, new_key
from test_events import open_stream

Client = httpx.Client


@pytest.fixture
def support(staff: Callable[[str], Client]) -> Client:
    return staff("support")


@pytest.fixture
def deposit(support: Client) -> dict[str, Any]:
    item: dict[str, Any] = support.get("/transactions", params={"type": "deposit", "limit": 1}).json()[
        "data"
    ][0]
    return item


@pytest.fixture
def ticket(support: Client, deposit: dict[str, Any]) -> dict[str, Any]:
    body = {"player_id": deposit["player_id"], "kind": "chargeback", "subject": "Unknown card deposit"}
    response = support.post("/disputes", json=body, headers=new_key())
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def comment(
    client: Client, ticket: dict[str, Any], body: str, internal: bool, key: dict[str, str] | None = None
) -> httpx.Response:
    return client.post(
        f"/disputes/{ticket['id']}/comments",
        json={"body": body, "internal": internal},
        headers=key or new_key(),
    )


def test_comments_are_appended_in_order_and_never_doubled(
    support: Client, manager: Client, ticket: dict[str, Any]
) -> None:
    assert_problem(
        support.post(f"/disputes/{ticket['id']}/comments", json={"body": "no key"}),
        428,
        "precondition_required",
    )
    key = new_key()
    first = comment(support, ticket, "Checked the PSP log.", True, key)
    retried = comment(support, ticket, "Checked the PSP log.", True, key)
    assert first.status_code == retried.status_code == 201
    assert retried.json()["id"] == first.json()["id"]
    reply = comment(support, ticket, "Could you send a bank statement? <b>not html</b>", False)
    assert reply.status_code == 201
    thread = support.get(f"/disputes/{ticket['id']}/comments").json()
    assert [(c["body"], c["internal"], c["author_name"]) for c in thread] == [
        ("Checked the PSP log.", True, "Sam Support"),
        ("Could you send a bank statement? <b>not html</b>", False, "Sam Support"),
    ]
    assert audit_count(manager, "dispute.comment", ticket["id"]) == 2
    # Comments do not bump the version: a colleague's note must not fail my pending change.
    current = support.get(f"/disputes/{ticket['id']}")
    assert current.headers["ETag"] == f'W/"{ticket["version"]}"'
    assert current.json()["last_activity_at"] > ticket["last_activity_at"]


def test_comments_are_immutable_and_closed_tickets_take_none(support: Client, ticket: dict[str, Any]) -> None:
    posted = comment(support, ticket, "Note", True).json()
    for method in ("PUT", "PATCH", "DELETE"):
        response = support.request(method, f"/disputes/{ticket['id']}/comments/{posted['id']}")
        assert response.status_code in (404, 405)
    assert_problem(comment(support, ticket, "   ", True), 422, "validation_error")
    resolved = support.post(
        f"/disputes/{ticket['id']}/resolve",
        json={"outcome": "rejected", "summary": "Card holder's own deposit"},
        headers={**if_match(ticket["version"]), **new_key()},
    ).json()
    support.patch(
        f"/disputes/{ticket['id']}", json={"status": "closed"}, headers=if_match(resolved["version"])
    )
    assert_problem(comment(support, ticket, "Too late", False), 409, "invalid_transition")


def test_a_comment_is_published(
    staff: Callable[[str], Client], support: Client, ticket: dict[str, Any]
) -> None:
    with open_stream(staff("manager")) as stream:
        worker = threading.Thread(target=lambda: comment(support, ticket, "Live note", True))
        worker.start()
        event = stream.until(
            lambda e: e["event"] == "dispute.commented" and e["data"]["dispute_id"] == ticket["id"]
        )
        worker.join(10)
    assert event["data"]["body"] == "Live note" and event["data"]["internal"] is True


def test_attachments(support: Client, ticket: dict[str, Any]) -> None:
    body = {"file_name": "statement.pdf", "content_type": "application/pdf", "size_bytes": 120_400}
    added = support.post(f"/disputes/{ticket['id']}/attachments", json=body, headers=new_key())
    assert added.status_code == 201, added.text
    listed = support.get(f"/disputes/{ticket['id']}/attachments").json()
    assert [(a["file_name"], a["size_bytes"], a["uploaded_by_name"]) for a in listed] == [
        ("statement.pdf", 120_400, "Sam Support")
    ]
    too_big = support.post(
        f"/disputes/{ticket['id']}/attachments", json={**body, "size_bytes": 10**9}, headers=new_key()
    )
    assert_problem(too_big, 422, "validation_error")


def test_link_and_unlink(support: Client, ticket: dict[str, Any], deposit: dict[str, Any]) -> None:
    url = f"/disputes/{ticket['id']}/links"
    body = {"kind": "transaction", "target_id": deposit["id"].lower()}
    assert_problem(support.post(url, json=body), 428, "precondition_required")
    linked = support.post(url, json=body, headers=if_match(ticket["version"]))
    assert linked.status_code == 200, linked.text
    version = linked.json()["version"]
    assert version == ticket["version"] + 1
    assert_problem(support.post(url, json=body, headers=if_match(version)), 409, "conflict")
    links = support.get(url).json()
    assert [(link["kind"], link["target_id"], link["amount_minor"]) for link in links] == [
        ("transaction", deposit["id"], deposit["amount_minor"])
    ]
    rounds = support.get(
        f"/players/{deposit['player_id']}/transactions", params={"type": "bet", "limit": 1}
    ).json()
    if rounds["data"]:
        round_id = rounds["data"][0]["round_id"]
        by_round = support.post(
            url, json={"kind": "game_round", "target_id": round_id}, headers=if_match(version)
        )
        assert by_round.status_code == 200, by_round.text
        version += 1
        assert support.get(url).json()[-1]["detail"].startswith("round")
    unknown = support.post(
        url, json={"kind": "withdrawal", "target_id": "W-999999"}, headers=if_match(version)
    )
    assert assert_problem(unknown, 422, "validation_error")["errors"][0]["field"] == "target_id"
    bad_kind = support.post(url, json={"kind": "bonus", "target_id": "B-1"}, headers=if_match(version))
    assert_problem(bad_kind, 422, "validation_error")
    removed = support.delete(f"{url}/transaction/{deposit['id']}", headers=if_match(version))
    assert removed.status_code == 200 and removed.json()["version"] == version + 1
    assert deposit["id"] not in {link["target_id"] for link in support.get(url).json()}
    again = support.delete(f"{url}/transaction/{deposit['id']}", headers=if_match(version + 1))
    assert_problem(again, 409, "conflict")

"""KYC review queue and decisions: bank-verified identity for Pay-n-Play, reason codes, the
player's KYC state re-derived and published live, If-Match/Idempotency-Key, permissions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from api_helpers import assert_problem, audit_count, new_key
from compliance_helpers import active_player, make_document, set_player
from test_events import open_stream  # the raw SSE reader, not the client library


@pytest.fixture
def compliance(staff: Callable[[str], httpx.Client]) -> httpx.Client:
    return staff("compliance")


def decide(
    client: httpx.Client, doc_id: str, decision: str, version: int = 1, **extra: Any
) -> httpx.Response:
    body = {"decision": decision, **extra}
    return client.post(
        f"/kyc/documents/{doc_id}/decision", json=body, headers={"If-Match": f'W/"{version}"', **new_key()}
    )


def queue_item(client: httpx.Client, doc_id: str, player_id: str) -> dict[str, Any] | None:
    page = client.get("/kyc/queue", params={"player_id": player_id, "limit": 500}).json()["data"]
    return next((d for d in page if d["id"] == doc_id), None)


def test_pay_n_play_documents_show_the_bank_verified_identity(sandbox: Any, compliance: httpx.Client) -> None:
    player_id = active_player(sandbox, pay_n_play=True)
    doc_id = make_document(sandbox, player_id, kind="source_of_funds")
    item = queue_item(compliance, doc_id, player_id)
    assert item is not None and item["pay_n_play"] is True
    assert item["pay_n_play_provider"] in ("trustly", "zimpler")
    assert item["bank_verified_name"]
    only_pnp = compliance.get("/kyc/queue", params={"pay_n_play": "true", "limit": 200}).json()["data"]
    assert only_pnp and all(d["pay_n_play"] and d["status"] == "pending" for d in only_pnp)
    uploads = [d["uploaded_at"] for d in compliance.get("/kyc/queue", params={"limit": 200}).json()["data"]]
    assert uploads == sorted(uploads)  # oldest upload first


def test_verifying_updates_the_player_live_and_is_audited(sandbox: Any, compliance: httpx.Client) -> None:
    player_id = active_player(sandbox, offset=3)
    set_player(sandbox, player_id, kyc_status="pending")
    id_doc = make_document(sandbox, player_id, kind="id")
    address = make_document(sandbox, player_id, kind="proof_of_address")
    before = compliance.get(f"/players/{player_id}").json()
    first = decide(compliance, id_doc, "verified")
    assert first.status_code == 200, first.text
    # The address is still waiting: the player stays pending.
    assert first.json()["status"] == "verified" and first.json()["player_kyc_status"] == "pending"
    with open_stream(compliance) as stream:
        second = decide(compliance, address, "verified", comment="utility bill, matches")
        assert second.status_code == 200, second.text
        kyc_event = stream.until(lambda e: e["event"] == "kyc.updated" and e["data"]["id"] == address)
        player_event = stream.until(lambda e: e["event"] == "player.updated" and e["data"]["id"] == player_id)
    assert kyc_event["data"]["reviewed_by"] == "ST-004"
    assert player_event["data"]["kyc_status"] == "verified"
    after = compliance.get(f"/players/{player_id}").json()
    assert after["kyc_status"] == "verified" and after["version"] > before["version"]
    assert queue_item(compliance, address, player_id) is None
    assert audit_count(compliance, "kyc.decision", address) == 1
    trail = compliance.get("/audit", params={"entity_id": address, "action": "kyc.decision"}).json()["data"][
        0
    ]
    assert (
        trail["before"]["player_kyc_status"] == "pending"
        and trail["after"]["player_kyc_status"] == "verified"
    )


def test_reject_needs_a_reason_code(sandbox: Any, compliance: httpx.Client) -> None:
    player_id = active_player(sandbox, offset=5)
    set_player(sandbox, player_id, kyc_status="pending")
    doc = make_document(sandbox, player_id, kind="id")
    missing = assert_problem(decide(compliance, doc, "rejected"), 422, "validation_error")
    assert missing["errors"][0]["field"] == "reason_code"
    assert_problem(decide(compliance, doc, "rejected", reason_code="no_such_code"), 422, "validation_error")
    assert_problem(decide(compliance, doc, "pending"), 422, "validation_error")
    rejected = decide(compliance, doc, "rejected", reason_code="unreadable", comment="blurred photo")
    assert rejected.status_code == 200 and rejected.json()["reason_code"] == "unreadable"
    assert compliance.get(f"/players/{player_id}").json()["kyc_status"] == "rejected"
    # Decided once: a second decision is a conflict, not a silent overwrite.
    assert_problem(decide(compliance, doc, "verified", version=2), 409, "invalid_transition")


def test_decision_concurrency_and_permissions(
    sandbox: Any, compliance: httpx.Client, staff: Callable[[str], httpx.Client]
) -> None:
    player_id = active_player(sandbox, offset=7)
    doc = make_document(sandbox, player_id, kind="source_of_wealth")
    url = f"/kyc/documents/{doc}/decision"
    body = {"decision": "verified"}
    assert_problem(compliance.post(url, json=body, headers=new_key()), 428, "precondition_required")
    stale = assert_problem(decide(compliance, doc, "verified", version=7), 412, "precondition_failed")
    assert stale["current"]["id"] == doc and stale["current"]["status"] == "pending"
    assert_problem(decide(staff("support"), doc, "verified"), 403, "forbidden")
    assert_problem(staff("payments1").get("/kyc/queue"), 403, "forbidden")
    key = new_key()
    first = compliance.post(url, json=body, headers={"If-Match": 'W/"1"', **key})
    replay = compliance.post(url, json=body, headers={"If-Match": 'W/"1"', **key})
    assert first.status_code == replay.status_code == 200
    assert replay.json() == first.json() and audit_count(compliance, "kyc.decision", doc) == 1
    assert_problem(decide(compliance, "K-9999999", "verified"), 404, "not_found")

"""Player mutations: notes, pinning, status, flag, RG limits — If-Match, Idempotency-Key, audit,
events, permissions and the limit rules (decrease at once, increase after the cooling-off)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from api_helpers import assert_problem, audit_count, if_match, new_key
from test_events import _in_background, open_stream

from bo_desktop.contract.player_limits import RgLimitChange
from bo_desktop.contract.players import Note, PlayerDetail
from bo_desktop.sandbox import db

_used: set[str] = set()


@pytest.fixture
def compliance(staff: Callable[[str], httpx.Client]) -> httpx.Client:
    return staff("compliance")


@pytest.fixture
def support(staff: Callable[[str], httpx.Client]) -> httpx.Client:
    return staff("support")


def fresh_player(client: httpx.Client, **filters: str) -> PlayerDetail:
    """An active player no other test of this session has touched (tests stay independent)."""
    params: dict[str, Any] = {"status": "active", "sort": "-registered_at", "limit": 500, **filters}
    for row in client.get("/players", params=params).json()["data"]:
        if row["id"] not in _used:
            _used.add(row["id"])
            response = client.get(f"/players/{row['id']}")
            return PlayerDetail.model_validate(response.json())
    raise AssertionError(f"no unused player with {filters}")


def post(
    client: httpx.Client, path: str, body: dict[str, Any], version: int, key: str | None = None
) -> httpx.Response:
    return client.post(
        path, json=body, headers={**if_match(version), "Idempotency-Key": key or str(uuid.uuid4())}
    )


def test_status_change_needs_if_match_and_a_reason_code(compliance: httpx.Client) -> None:
    p = fresh_player(compliance)
    path = f"/players/{p.id}/status"
    body = {"status": "suspended", "reason_code": "rg_concern", "comment": "called the player"}
    assert_problem(compliance.post(path, json=body, headers=new_key()), 428, "precondition_required")
    bad = post(compliance, path, {**body, "reason_code": "because"}, p.version)
    assert assert_problem(bad, 422, "validation_error")["errors"][0]["field"] == "reason_code"
    assert_problem(
        post(compliance, path, {**body, "status": "self_excluded"}, p.version), 422, "validation_error"
    )

    done = post(compliance, path, body, p.version)
    assert done.status_code == 200, done.text
    suspended = PlayerDetail.model_validate(done.json())
    assert suspended.status == "suspended" and suspended.version == p.version + 1
    assert done.headers["ETag"] == f'W/"{suspended.version}"'
    assert audit_count(compliance, "player.status", p.id) == 1
    record = compliance.get(f"/players/{p.id}/audit").json()["data"][0]
    assert record["before"]["status"] == "active" and record["after"]["status"] == "suspended"
    assert record["reason"] == "rg_concern: called the player"

    stale = post(compliance, path, {**body, "status": "closed"}, p.version)
    problem = assert_problem(stale, 412, "precondition_failed")
    assert problem["current"]["status"] == "suspended" and problem["current"]["version"] == suspended.version
    back = post(compliance, path, {"status": "active", "reason_code": "review_completed"}, suspended.version)
    assert back.status_code == 200 and back.json()["status"] == "active"


def test_status_transitions_staff_may_not_make(compliance: httpx.Client) -> None:
    p = fresh_player(compliance)
    path = f"/players/{p.id}/status"
    assert_problem(
        post(compliance, path, {"status": "active", "reason_code": "rg_concern"}, p.version),
        409,
        "invalid_transition",
    )
    closed = post(compliance, path, {"status": "closed", "reason_code": "player_request"}, p.version).json()
    reopen = post(
        compliance, path, {"status": "active", "reason_code": "review_completed"}, closed["version"]
    )
    assert_problem(reopen, 409, "invalid_transition")
    excluded = compliance.get("/players", params={"status": "self_excluded"}).json()["data"][0]
    lift = post(
        compliance,
        f"/players/{excluded['id']}/status",
        {"status": "active", "reason_code": "player_request"},
        10**6,
    )
    assert lift.status_code in (409, 412)  # never 200: staff cannot lift a self-exclusion


def test_status_change_is_idempotent_and_published(compliance: httpx.Client) -> None:
    p = fresh_player(compliance)
    key = str(uuid.uuid4())
    body = {"status": "suspended", "reason_code": "fraud_suspected"}
    with open_stream(compliance) as stream:
        thread = _in_background(lambda: post(compliance, f"/players/{p.id}/status", body, p.version, key))
        event = stream.until(lambda e: e["event"] == "player.updated" and e["data"]["id"] == p.id)
        thread.join()
    assert event["data"]["status"] == "suspended"
    replay = post(compliance, f"/players/{p.id}/status", body, p.version, key)  # the same intent, retried
    assert replay.status_code == 200 and replay.headers.get("Idempotent-Replayed") == "true"
    assert audit_count(compliance, "player.status", p.id) == 1
    reused = post(compliance, f"/players/{p.id}/status", {**body, "comment": "other"}, p.version, key)
    assert_problem(reused, 422, "idempotency_key_reused")


def test_permissions_for_player_actions(support: httpx.Client, staff: Callable[[str], httpx.Client]) -> None:
    p = fresh_player(support)
    status = post(
        support, f"/players/{p.id}/status", {"status": "suspended", "reason_code": "rg_concern"}, p.version
    )
    assert_problem(status, 403, "forbidden")
    limit = post(
        support, f"/players/{p.id}/limits", {"kind": "deposit_daily", "value": 100, "reason": "x"}, p.version
    )
    assert_problem(limit, 403, "forbidden")
    payments = staff("payments1")
    note = post(payments, f"/players/{p.id}/notes", {"body": "hello"}, p.version)
    assert_problem(note, 403, "forbidden")
    assert (
        post(support, f"/players/{p.id}/notes", {"body": "support may write notes"}, p.version).status_code
        == 201
    )


def test_notes_are_immutable_pinnable_and_kept_verbatim(compliance: httpx.Client) -> None:
    p = fresh_player(compliance)
    hostile = '<b>bold</b> <script>alert(1)</script> =HYPERLINK("x") ‮ 𝓤𝓷𝓲𝓬𝓸𝓭𝓮 \'; DROP TABLE notes; --'
    created = post(compliance, f"/players/{p.id}/notes", {"body": hostile}, p.version)
    assert created.status_code == 201, created.text
    note = Note.model_validate(created.json())
    assert note.body == hostile and note.author_name == "Connie Compliance" and not note.pinned
    assert compliance.get(f"/players/{p.id}").json()["version"] == p.version  # a note is not a change
    for method in ("PUT", "PATCH", "DELETE"):
        assert compliance.request(method, f"/players/{p.id}/notes/{note.id}").status_code in (404, 405)
    assert_problem(
        post(compliance, f"/players/{p.id}/notes", {"body": "   "}, p.version), 422, "validation_error"
    )
    assert_problem(
        post(compliance, f"/players/{p.id}/notes", {"body": "x"}, p.version - 1 or 999),
        412,
        "precondition_failed",
    )

    older = post(compliance, f"/players/{p.id}/notes", {"body": "second"}, p.version).json()
    pinned = post(compliance, f"/players/{p.id}/notes/{note.id}/pin", {"pinned": True}, p.version)
    assert pinned.status_code == 200 and pinned.json()["pinned"] is True
    again = post(compliance, f"/players/{p.id}/notes/{note.id}/pin", {"pinned": True}, p.version)
    assert_problem(again, 409, "invalid_transition")
    listed = compliance.get(f"/players/{p.id}/notes").json()["data"]
    assert listed[0]["id"] == note.id and listed[0]["body"] == hostile  # pinned first
    assert older["id"] in [n["id"] for n in listed]
    assert audit_count(compliance, "player.note.add", p.id) == 2
    assert audit_count(compliance, "player.note.pin", p.id) == 1


def test_flag_for_review(compliance: httpx.Client) -> None:
    p = fresh_player(compliance)
    path = f"/players/{p.id}/flag"
    flagged = post(compliance, path, {"flagged": True, "reason": "odd deposit pattern"}, p.version)
    assert flagged.status_code == 200 and flagged.json()["flagged_for_review"] is True
    assert_problem(
        post(compliance, path, {"flagged": True, "reason": "again"}, p.version), 412, "precondition_failed"
    )
    dup = post(compliance, path, {"flagged": True, "reason": "again"}, flagged.json()["version"])
    assert_problem(dup, 409, "invalid_transition")
    assert_problem(
        post(compliance, path, {"flagged": False, "reason": ""}, flagged.json()["version"]),
        422,
        "validation_error",
    )


def set_limit(client: httpx.Client, player_id: str, kind: str, value: int) -> RgLimitChange:
    version = client.get(f"/players/{player_id}").json()["version"]
    response = post(
        client, f"/players/{player_id}/limits", {"kind": kind, "value": value, "reason": "asked"}, version
    )
    assert response.status_code == 200, response.text
    change = RgLimitChange.model_validate(response.json())
    assert response.headers["ETag"] == f'W/"{change.player_version}"'
    return change


@pytest.mark.parametrize(("jurisdiction", "hours"), [("MGA", 24), ("UKGC", 168), ("SGA", 168)])
def test_limit_decrease_applies_now_and_increase_waits(
    compliance: httpx.Client, jurisdiction: str, hours: int
) -> None:
    p = fresh_player(compliance, jurisdiction=jurisdiction)
    while any(lim["kind"] == "deposit_weekly" for lim in compliance.get(f"/players/{p.id}/limits").json()):
        p = fresh_player(compliance, jurisdiction=jurisdiction)  # the rules below start from no limit
    first = set_limit(compliance, p.id, "deposit_weekly", 50_000)
    assert first.applied_now and first.limit.status == "active"
    lower = set_limit(compliance, p.id, "deposit_weekly", 20_000)
    assert lower.applied_now and lower.cooling_off_hours == 0
    higher = set_limit(compliance, p.id, "deposit_weekly", 80_000)
    assert not higher.applied_now and higher.limit.status == "pending_increase"
    assert higher.cooling_off_hours == hours
    assert higher.effective_at - higher.limit.created_at == timedelta(hours=hours)
    limits = compliance.get(f"/players/{p.id}/limits").json()
    weekly = {(lim["value"], lim["status"]) for lim in limits if lim["kind"] == "deposit_weekly"}
    assert weekly == {(50_000, "superseded"), (20_000, "active"), (80_000, "pending_increase")}
    # A decrease while an increase waits cancels the increase.
    cancel = set_limit(compliance, p.id, "deposit_weekly", 10_000)
    statuses = {lim.value: lim.status for lim in cancel.limits if lim.kind == "deposit_weekly"}
    assert statuses == {50_000: "superseded", 20_000: "superseded", 80_000: "removed", 10_000: "active"}
    assert audit_count(compliance, "player.limit.set", p.id) == 4


def test_a_due_increase_becomes_active(compliance: httpx.Client, sandbox: Any) -> None:
    p = fresh_player(compliance)
    while any(lim["kind"] == "session_minutes" for lim in compliance.get(f"/players/{p.id}/limits").json()):
        p = fresh_player(compliance)
    set_limit(compliance, p.id, "session_minutes", 60)
    pending = set_limit(compliance, p.id, "session_minutes", 120)
    # Arrange: the cooling-off is over (the API cannot move time forward).
    with sandbox.state.sessionmaker.begin() as session:
        session.execute(
            sa.update(db.RgLimit)
            .where(db.RgLimit.id == pending.limit.id)
            .values(effective_at=datetime.now(pending.effective_at.tzinfo) - timedelta(minutes=1))
        )
    limits = compliance.get(f"/players/{p.id}/limits").json()
    session_limits = {lim["value"]: lim["status"] for lim in limits if lim["kind"] == "session_minutes"}
    assert session_limits == {60: "superseded", 120: "active"}
    assert all(lim["currency"] is None for lim in limits if lim["kind"] == "session_minutes")


def test_request_a_kyc_document(compliance: httpx.Client, support: httpx.Client) -> None:
    p = fresh_player(compliance)
    path = f"/players/{p.id}/kyc/requests"
    body = {"kind": "source_of_funds", "comment": "Deposits above EUR 2,000 in 30 days"}
    assert_problem(post(support, path, body, p.version), 403, "forbidden")
    assert_problem(compliance.post(path, json=body, headers=new_key()), 428, "precondition_required")
    created = post(compliance, path, body, p.version)
    assert created.status_code == 201, created.text
    document = created.json()
    assert document["status"] == "requested" and document["kind"] == "source_of_funds"
    assert document["id"] in [d["id"] for d in compliance.get(f"/players/{p.id}/kyc").json()]
    assert_problem(post(compliance, path, body, p.version), 409, "conflict")  # one open request per kind
    assert audit_count(compliance, "player.kyc.request", p.id) == 1

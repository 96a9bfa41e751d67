"""The audit trail: every decision recorded once, hash-chained, tampering detected."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import Any

import httpx
import sqlalchemy as sa
from api_helpers import approve, assert_problem, claim, db_execute

from bo_desktop.sandbox import db


def test_each_decision_is_recorded_with_actor_and_change(
    payments1: httpx.Client, admin: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    wid = make_withdrawal()
    assert approve(payments1, claim(payments1, wid)).status_code == 200
    trail = admin.get("/audit", params={"entity_type": "withdrawal", "entity_id": wid, "sort": "seq"}).json()[
        "data"
    ]
    assert [r["action"] for r in trail] == ["withdrawal.claim", "withdrawal.approve"]
    approval = trail[1]
    assert approval["actor_id"] == "ST-002" and approval["actor_name"] == "Pia Payments"
    assert approval["before"]["status"] == "in_review" and approval["after"]["status"] == "approved"
    assert approval["reason"] == "checked"


def test_records_link_to_their_predecessor(admin: httpx.Client) -> None:
    page = admin.get("/audit", params={"sort": "seq", "limit": 500}).json()["data"]
    assert len(page) >= 2
    for earlier, later in itertools.pairwise(page):
        assert later["seq"] == earlier["seq"] + 1
        assert later["prev_hash"] == earlier["hash"]


def test_filters_and_newest_first_default(admin: httpx.Client, payments1: httpx.Client) -> None:
    newest_first = admin.get("/audit", params={"limit": 50}).json()["data"]
    seqs = [r["seq"] for r in newest_first]
    assert seqs == sorted(seqs, reverse=True)
    mine = admin.get("/audit", params={"actor_id": "ST-006", "action": "staff.login"}).json()["data"]
    assert mine and all(r["actor_id"] == "ST-006" and r["action"] == "staff.login" for r in mine)
    assert_problem(admin.get("/audit", params={"from": "2026-01-01T00:00:00"}), 422, "validation_error")
    assert_problem(payments1.get("/audit"), 403, "forbidden")


def test_verify_detects_an_edited_record(
    sandbox: Any, admin: httpx.Client, payments1: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    claim(payments1, make_withdrawal())
    intact = admin.get("/audit/verify").json()
    assert intact["ok"] is True and intact["broken_at"] is None and intact["checked"] >= 2

    target = admin.get("/audit", params={"action": "withdrawal.claim", "limit": 1}).json()["data"][0]
    row = sa.update(db.AuditLog).where(db.AuditLog.seq == target["seq"])
    db_execute(sandbox, row.values(reason="lease 1800 s"))  # someone "adjusts" history
    try:
        broken = admin.get("/audit/verify").json()
        assert broken["ok"] is False
        assert broken["broken_at"] == target["seq"]
        assert str(target["seq"]) in broken["detail"]
    finally:
        db_execute(sandbox, row.values(reason=target["reason"]))
    assert admin.get("/audit/verify").json()["ok"] is True


def test_verify_detects_a_deleted_record(
    sandbox: Any, admin: httpx.Client, payments1: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    claim(payments1, make_withdrawal())  # at least one record after the one we delete
    with sandbox.state.sessionmaker() as session:
        newest = session.scalar(sa.select(sa.func.max(db.AuditLog.seq)))
        assert newest is not None
        victim = session.get_one(db.AuditLog, newest - 1)
        saved = {c.key: getattr(victim, c.key) for c in sa.inspect(db.AuditLog).column_attrs}
    db_execute(sandbox, sa.delete(db.AuditLog).where(db.AuditLog.seq == saved["seq"]))
    try:
        broken = admin.get("/audit/verify").json()
        assert broken["ok"] is False and broken["broken_at"] == saved["seq"]
    finally:
        with sandbox.state.sessionmaker.begin() as session:
            session.add(db.AuditLog(**saved))
    assert admin.get("/audit/verify").json()["ok"] is True


def test_concurrent_appends_never_fork_the_chain(sandbox: Any, admin: httpx.Client) -> None:
    before = admin.get("/audit", params={"limit": 1}).json()["data"][0]["seq"]
    barrier = threading.Barrier(8)

    def sign_in_at_once() -> None:
        barrier.wait()
        response = httpx.post(
            f"{sandbox.api_url}/auth/login", json={"username": "support", "password": "sandbox"}, timeout=60
        )
        assert response.status_code == 200

    threads = [threading.Thread(target=sign_in_at_once) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    records = []
    cursor = None
    while True:
        params: dict[str, Any] = {"sort": "seq", "limit": 500}
        if cursor:
            params["cursor"] = cursor
        page = admin.get("/audit", params=params).json()
        records.extend(r for r in page["data"] if r["seq"] > before)
        if not page["has_more"]:
            break
        cursor = page["next_cursor"]
    logins = [r for r in records if r["action"] == "staff.login" and r["actor_id"] == "ST-001"]
    assert len(logins) >= 8
    for earlier, later in itertools.pairwise(records):
        assert later["seq"] == earlier["seq"] + 1 and later["prev_hash"] == earlier["hash"]
    assert admin.get("/audit/verify").json()["ok"] is True

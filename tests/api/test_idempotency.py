"""Idempotency-Key: replay, changed body, in flight, and retries across injected failures."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
from api_helpers import approve, assert_problem, audit_count, claim, if_match

from bo_desktop.contract.payments import ApproveRequest
from bo_desktop.sandbox import db
from bo_desktop.sandbox.api.idempotency import REPLAY_HEADER, request_hash


def test_retry_with_the_same_key_replays_the_first_answer(
    payments1: httpx.Client, admin: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    held = claim(payments1, make_withdrawal())
    key = str(uuid.uuid4())
    first = approve(payments1, held, key=key)
    again = approve(payments1, held, key=key)  # same If-Match, now stale: the replay wins
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers[REPLAY_HEADER] == "true" and REPLAY_HEADER not in first.headers
    assert again.headers["ETag"] == first.headers["ETag"]
    assert audit_count(admin, "withdrawal.approve", held["id"]) == 1


def test_same_key_with_another_body_is_422(
    payments1: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    held = claim(payments1, make_withdrawal())
    key = str(uuid.uuid4())
    assert approve(payments1, held, key=key).status_code == 200
    changed = payments1.post(
        f"/withdrawals/{held['id']}/approve",
        json={"comment": "a different comment"},
        headers={**if_match(held["version"]), "Idempotency-Key": key},
    )
    assert_problem(changed, 422, "idempotency_key_reused")


def test_keys_are_per_staff_member(
    payments1: httpx.Client, payments2: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    key = str(uuid.uuid4())
    assert approve(payments1, claim(payments1, make_withdrawal()), key=key).status_code == 200
    # Another person's identical key is another intent, not a replay of payments1's approval.
    other = approve(payments2, claim(payments2, make_withdrawal()), key=key)
    assert other.status_code == 200 and REPLAY_HEADER not in other.headers


def test_approve_without_a_key_is_refused(
    payments1: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    held = claim(payments1, make_withdrawal())
    response = payments1.post(
        f"/withdrawals/{held['id']}/approve", json={}, headers=if_match(held["version"])
    )
    body = assert_problem(response, 428, "precondition_required")
    assert "Idempotency-Key" in body["detail"]


def _record_key(
    sandbox: Any, withdrawal_id: str, key: str, *, age: timedelta, status: str, comment: str
) -> None:
    """Arrange a stored key exactly as the server records one (e.g. a request still running)."""
    path = f"/api/v1/withdrawals/{withdrawal_id}/approve"
    with sandbox.state.sessionmaker.begin() as session:
        session.add(
            db.IdempotencyKey(
                staff_id="ST-002",
                key=key,
                method="POST",
                path=path,
                request_hash=request_hash("POST", path, ApproveRequest(comment=comment)),
                status=status,
                response_status=200 if status == "done" else None,
                response_body='{"stale": true}' if status == "done" else None,
                response_headers={},
                created_at=db.utcnow() - age,
            )
        )


def test_a_request_still_in_flight_answers_409(
    sandbox: Any, payments1: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    held = claim(payments1, make_withdrawal())
    key = str(uuid.uuid4())
    _record_key(sandbox, held["id"], key, age=timedelta(seconds=1), status="in_flight", comment="checked")
    response = approve(payments1, held, key=key)
    assert_problem(response, 409, "idempotency_in_flight")
    assert int(response.headers["Retry-After"]) >= 1
    assert payments1.get(f"/withdrawals/{held['id']}").json()["status"] == "in_review"


def test_an_abandoned_in_flight_key_is_taken_over(
    sandbox: Any, payments1: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    """A worker that died mid-request must not block the key forever."""
    held = claim(payments1, make_withdrawal())
    key = str(uuid.uuid4())
    _record_key(sandbox, held["id"], key, age=timedelta(minutes=3), status="in_flight", comment="checked")
    response = approve(payments1, held, key=key)
    assert response.status_code == 200 and REPLAY_HEADER not in response.headers


def test_keys_expire_after_24_hours(
    sandbox: Any, payments1: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    held = claim(payments1, make_withdrawal())
    key = str(uuid.uuid4())
    _record_key(sandbox, held["id"], key, age=timedelta(hours=25), status="done", comment="other body")
    response = approve(payments1, held, key=key)  # neither a replay nor "reused": a new intent
    assert response.status_code == 200, response.text
    assert REPLAY_HEADER not in response.headers and response.json()["status"] == "approved"


def test_concurrent_duplicates_run_once(
    payments1: httpx.Client, admin: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    held = claim(payments1, make_withdrawal())
    key = str(uuid.uuid4())
    barrier = threading.Barrier(6)
    results: list[httpx.Response] = []
    lock = threading.Lock()

    def fire() -> None:
        barrier.wait()
        response = approve(payments1, held, key=key)
        with lock:
            results.append(response)

    threads = [threading.Thread(target=fire) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    originals = [r for r in results if r.status_code == 200 and REPLAY_HEADER not in r.headers]
    assert len(originals) == 1, [(r.status_code, r.text) for r in results]
    for response in results:
        if response.status_code == 200:
            assert response.json() == originals[0].json()
        else:
            assert_problem(response, 409, "idempotency_in_flight")
    assert audit_count(admin, "withdrawal.approve", held["id"]) == 1


def test_retry_after_a_5xx_injected_after_commit_replays_one_approval(
    payments1: httpx.Client,
    admin: httpx.Client,
    chaos: Callable[..., None],
    make_withdrawal: Callable[..., str],
) -> None:
    held = claim(payments1, make_withdrawal())
    key = str(uuid.uuid4())
    chaos(error_rate_after_commit=1.0, paths=["/withdrawals"])
    failed = approve(payments1, held, key=key)
    assert_problem(failed, 500, "chaos_error")
    chaos()

    retried = approve(payments1, held, key=key)
    assert retried.status_code == 200, retried.text
    assert retried.headers[REPLAY_HEADER] == "true"
    assert retried.json()["status"] == "approved"
    assert len(retried.json()["approvals"]) == 1
    assert audit_count(admin, "withdrawal.approve", held["id"]) == 1


def test_a_503_before_commit_changes_nothing(
    payments1: httpx.Client,
    admin: httpx.Client,
    chaos: Callable[..., None],
    make_withdrawal: Callable[..., str],
) -> None:
    held = claim(payments1, make_withdrawal())
    key = str(uuid.uuid4())
    chaos(error_rate_before_commit=1.0, paths=["/withdrawals"])
    assert_problem(approve(payments1, held, key=key), 503, "chaos_error")
    chaos()
    assert payments1.get(f"/withdrawals/{held['id']}").json()["version"] == held["version"]
    assert audit_count(admin, "withdrawal.approve", held["id"]) == 0

    retried = approve(payments1, held, key=key)
    assert retried.status_code == 200 and REPLAY_HEADER not in retried.headers


def test_a_failed_attempt_releases_the_key(
    payments1: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    """A 4xx changed nothing, so the same intent may be retried with the same key once fixed."""
    wid = make_withdrawal()
    key = str(uuid.uuid4())
    unclaimed = payments1.get(f"/withdrawals/{wid}").json()
    assert_problem(approve(payments1, unclaimed, key=key), 409, "invalid_transition")
    held = claim(payments1, wid)
    retried = approve(payments1, held, key=key)
    assert retried.status_code == 200 and REPLAY_HEADER not in retried.headers

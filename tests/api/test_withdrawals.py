"""The withdrawal state machine over HTTP: leases, four-eyes, rejection, races, events."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import httpx
import sqlalchemy as sa
from api_helpers import approve, assert_problem, audit_count, claim, db_execute, if_match, new_key

from bo_desktop.contract.payments import Withdrawal
from bo_desktop.sandbox import db

BELOW = 50_000  # EUR 500: one approval is enough
ABOVE = 250_000  # EUR 2,500: at/above the EUR 2,000 four-eyes threshold


def _reason_code(client: httpx.Client) -> str:
    codes = client.get("/reference/reason-codes").json()["items"]
    return next(c["code"] for c in codes if c["applies_to"] == "withdrawal_reject")


def test_claim_then_approve_below_threshold(
    payments1: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    wid = make_withdrawal(BELOW)
    claimed = claim(payments1, wid)
    assert claimed["status"] == "in_review"
    assert claimed["claimed_by"] == "ST-002"
    assert claimed["claimed_by_name"] == "Pia Payments"

    response = approve(payments1, claimed)
    assert response.status_code == 200, response.text
    approved = Withdrawal.model_validate(response.json())
    assert approved.status == "approved"
    assert approved.requires_four_eyes is False
    assert [a.staff_id for a in approved.approvals] == ["ST-002"]
    assert approved.claimed_by is None and approved.decided_at is not None
    assert response.headers["ETag"] == f'W/"{approved.version}"'
    assert payments1.get(f"/withdrawals/{wid}").headers["ETag"] == f'W/"{approved.version}"'


def test_default_lease_is_five_minutes_and_renewable(
    payments1: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    wid = make_withdrawal(BELOW)
    before = datetime.now().astimezone()
    first = claim(payments1, wid)
    lease = datetime.fromisoformat(first["claim_expires_at"]) - before
    assert timedelta(seconds=295) <= lease <= timedelta(seconds=310)

    renewed = payments1.post(
        f"/withdrawals/{wid}/claim", json={"lease_seconds": 900}, headers=if_match(first["version"])
    )
    assert renewed.status_code == 200, renewed.text
    assert renewed.json()["version"] == first["version"] + 1
    assert datetime.fromisoformat(renewed.json()["claim_expires_at"]) - before >= timedelta(seconds=895)


def test_four_eyes_needs_two_different_approvers(
    payments1: httpx.Client, payments2: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    wid = make_withdrawal(ABOVE)
    first = approve(payments1, claim(payments1, wid))
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "awaiting_second_approval"
    assert first.json()["requires_four_eyes"] is True
    assert first.json()["claimed_by"] is None  # released so a colleague can take it

    # The first approver can neither claim it again nor approve twice.
    again = payments1.post(f"/withdrawals/{wid}/claim", headers=if_match(first.json()["version"]))
    assert_problem(again, 409, "same_approver")

    second = approve(payments2, claim(payments2, wid))
    assert second.status_code == 200, second.text
    assert second.json()["status"] == "approved"
    assert [a["staff_id"] for a in second.json()["approvals"]] == ["ST-002", "ST-003"]


def test_same_approver_is_refused_even_when_holding_the_lease(
    sandbox: Any, payments1: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    wid = make_withdrawal(ABOVE)
    first = approve(payments1, claim(payments1, wid)).json()
    # Arrange what the claim check prevents: the first approver holding the lease again.
    db_execute(
        sandbox,
        sa.update(db.Withdrawal)
        .where(db.Withdrawal.id == wid)
        .values(claimed_by="ST-002", claim_expires_at=db.utcnow() + timedelta(minutes=5)),
    )
    assert_problem(approve(payments1, first), 409, "same_approver")


def test_high_risk_below_threshold_needs_four_eyes(
    payments1: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    wid = make_withdrawal(10_000, risk_level="high")
    response = approve(payments1, claim(payments1, wid))
    assert response.json()["status"] == "awaiting_second_approval"


def test_only_the_lease_holder_acts(
    payments1: httpx.Client, payments2: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    wid = make_withdrawal(BELOW)
    held = claim(payments1, wid)

    body = assert_problem(
        payments2.post(f"/withdrawals/{wid}/claim", headers=if_match(held["version"])),
        409,
        "claimed_by_other",
    )
    assert "Pia Payments" in body["detail"]
    assert_problem(approve(payments2, held), 409, "not_lease_holder")
    reject = payments2.post(
        f"/withdrawals/{wid}/reject",
        json={"reason_code": _reason_code(payments2)},
        headers={**if_match(held["version"]), **new_key()},
    )
    assert_problem(reject, 409, "not_lease_holder")
    assert payments2.get(f"/withdrawals/{wid}").json()["status"] == "in_review"


def test_approving_without_a_claim_is_refused(
    payments1: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    wid = make_withdrawal(BELOW)
    current = payments1.get(f"/withdrawals/{wid}").json()
    assert_problem(approve(payments1, current), 409, "invalid_transition")


def test_an_expired_lease_can_be_taken_over(
    sandbox: Any, payments1: httpx.Client, payments2: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    wid = make_withdrawal(BELOW)
    claim(payments1, wid)
    db_execute(
        sandbox,
        sa.update(db.Withdrawal)
        .where(db.Withdrawal.id == wid)
        .values(claim_expires_at=db.utcnow() - timedelta(seconds=1)),
    )
    assert payments2.get(f"/withdrawals/{wid}").json()["claimed_by"] is None
    taken = claim(payments2, wid)
    assert taken["claimed_by"] == "ST-003"


def test_release_own_claim_and_manager_breaks_a_lease(
    payments1: httpx.Client,
    payments2: httpx.Client,
    manager: httpx.Client,
    make_withdrawal: Callable[..., str],
) -> None:
    wid = make_withdrawal(BELOW)
    held = claim(payments1, wid)
    released = payments1.delete(f"/withdrawals/{wid}/claim", headers=if_match(held["version"]))
    assert released.status_code == 200, released.text
    assert released.json()["claimed_by"] is None
    assert released.json()["status"] == "pending"

    held = claim(payments1, wid)
    foreign = payments2.delete(f"/withdrawals/{wid}/claim", headers=if_match(held["version"]))
    assert_problem(foreign, 403, "forbidden")
    broken = manager.delete(f"/withdrawals/{wid}/claim", headers=if_match(held["version"]))
    assert broken.status_code == 200, broken.text
    assert broken.json()["claimed_by"] is None
    trail = manager.get("/audit", params={"entity_id": wid, "action": "withdrawal.release"}).json()["data"]
    assert trail[0]["actor_id"] == "ST-005"
    assert trail[0]["reason"] == "lease of ST-002 broken"


def test_reject_needs_a_withdrawal_reject_reason_code(
    payments1: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    wid = make_withdrawal(BELOW)
    held = claim(payments1, wid)
    bad = payments1.post(
        f"/withdrawals/{wid}/reject",
        json={"reason_code": "no_such_code", "comment": "x"},
        headers={**if_match(held["version"]), **new_key()},
    )
    body = assert_problem(bad, 422, "validation_error")
    assert body["errors"][0]["field"] == "reason_code"

    code = _reason_code(payments1)
    ok = payments1.post(
        f"/withdrawals/{wid}/reject",
        json={"reason_code": code, "comment": "Documents do not match"},
        headers={**if_match(held["version"]), **new_key()},
    )
    assert ok.status_code == 200, ok.text
    rejected = ok.json()
    assert rejected["status"] == "rejected"
    assert rejected["reject_reason_code"] == code
    assert rejected["reject_comment"] == "Documents do not match"
    assert rejected["claimed_by"] is None
    # A decided withdrawal is final.
    assert_problem(
        payments1.post(f"/withdrawals/{wid}/claim", headers=if_match(rejected["version"])),
        409,
        "invalid_transition",
    )


def test_if_match_missing_is_428_and_stale_is_412_with_current(
    payments1: httpx.Client, payments2: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    wid = make_withdrawal(BELOW)
    assert_problem(payments1.post(f"/withdrawals/{wid}/claim"), 428, "precondition_required")
    held = claim(payments1, wid)

    stale = payments2.post(f"/withdrawals/{wid}/claim", headers=if_match(held["version"] - 1))
    body = assert_problem(stale, 412, "precondition_failed")
    assert body["current"]["version"] == held["version"]
    assert body["current"]["claimed_by"] == "ST-002"  # what changed, and by whom
    assert stale.headers["ETag"] == f'W/"{held["version"]}"'


def _race(*calls: Callable[[], httpx.Response]) -> list[httpx.Response]:
    barrier = threading.Barrier(len(calls))
    results: list[httpx.Response | None] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert all(r is not None for r in results)
    return [r for r in results if r is not None]


def test_two_workstations_racing_to_approve_one_wins(
    staff: Callable[[str], httpx.Client], payments1: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    """The same lease holder signed in twice: both approve version N at once."""
    second_desk = staff("payments1")
    for _round in range(3):
        wid = make_withdrawal(BELOW)
        held = claim(payments1, wid)
        results = _race(partial(approve, payments1, held), partial(approve, second_desk, held))
        statuses = sorted(r.status_code for r in results)
        assert statuses[0] == 200, [r.text for r in results]
        loser = next(r for r in results if r.status_code != 200)
        assert loser.status_code in (409, 412), loser.text
        assert loser.json()["code"] in {"precondition_failed", "invalid_transition"}
        assert payments1.get(f"/withdrawals/{wid}").json()["status"] == "approved"


def test_two_staff_racing_to_claim_one_wins(
    payments1: httpx.Client, payments2: httpx.Client, make_withdrawal: Callable[..., str], admin: httpx.Client
) -> None:
    for _round in range(3):
        wid = make_withdrawal(BELOW)
        version = payments1.get(f"/withdrawals/{wid}").json()["version"]
        results = _race(
            partial(payments1.post, f"/withdrawals/{wid}/claim", headers=if_match(version)),
            partial(payments2.post, f"/withdrawals/{wid}/claim", headers=if_match(version)),
        )
        assert sorted(r.status_code for r in results) in ([200, 409], [200, 412]), [r.text for r in results]
        winner = next(r for r in results if r.status_code == 200).json()["claimed_by"]
        assert payments1.get(f"/withdrawals/{wid}").json()["claimed_by"] == winner
        assert audit_count(admin, "withdrawal.claim", wid) == 1


def test_list_filters_sort_and_counts(payments1: httpx.Client, make_withdrawal: Callable[..., str]) -> None:
    wid = make_withdrawal(123_456, risk_level="medium")
    found = payments1.get("/withdrawals", params={"q": wid}).json()["data"]
    assert [w["id"] for w in found] == [wid]

    page = payments1.get(
        "/withdrawals", params={"min_eur": 123_456, "max_eur": 123_456, "risk_level": "medium", "limit": 500}
    ).json()["data"]
    assert wid in {w["id"] for w in page}
    assert all(w["amount_eur_minor"] == 123_456 and w["risk_level"] == "medium" for w in page)

    claim(payments1, wid)
    mine = payments1.get("/withdrawals", params={"claimed_by": "me", "limit": 500}).json()["data"]
    assert wid in {w["id"] for w in mine} and {w["claimed_by"] for w in mine} == {"ST-002"}
    in_review = payments1.get("/withdrawals", params={"status": "in_review", "limit": 500}).json()["data"]
    assert {w["status"] for w in in_review} == {"in_review"}

    queue = payments1.get("/withdrawals", params={"limit": 200}).json()["data"]
    keys = [(-w["risk_score"], w["requested_at"], w["id"]) for w in queue]
    assert keys == sorted(keys)  # default: riskiest first, then oldest
    assert {w["status"] for w in queue} <= {"pending", "in_review", "awaiting_second_approval"}

    counts = payments1.get("/withdrawals/counts").json()["counts"]
    assert set(counts) == {"pending", "in_review", "awaiting_second_approval"}
    assert counts["in_review"] >= 1

    assert_problem(payments1.get("/withdrawals", params={"sort": "nope"}), 422, "validation_error")
    assert_problem(payments1.get("/withdrawals/W-999999"), 404, "not_found")


def test_detail_carries_risk_signals_and_etag(sandbox: Any, payments1: httpx.Client) -> None:
    with sandbox.state.sessionmaker() as session:
        wid = session.scalar(
            sa.select(db.Withdrawal.id)
            .where(db.Withdrawal.risk_score > 0)
            .order_by(db.Withdrawal.id)
            .limit(1)
        )
    assert wid is not None, "the seed has no risky withdrawal"
    response = payments1.get(f"/withdrawals/{wid}")
    detail = Withdrawal.model_validate(response.json())
    assert detail.risk_signals, "a scored withdrawal explains its score"
    assert 0 <= detail.risk_score <= 100
    assert response.headers["ETag"] == f'W/"{detail.version}"'

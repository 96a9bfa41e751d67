"""Who decided a withdrawal, and the payout step after approval (approved → paid | failed).

The decision tests use the session sandbox. The payout tests use a sandbox of their own with the
simulator off: they check the player's balance and ledger, which the simulator's live play would
move underneath them. The withdrawal is *requested* the way the platform does it
(``sim_actions.withdrawal``: ledger row written, balance reserved), decided through the API, and
settled with ``payouts.settle_payouts`` — or by one simulator tick; every result is read back
through the API.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from typing import Any

import httpx
import sqlalchemy as sa
from api_helpers import approve, assert_problem, audit_count, claim, if_match, new_key, sign_in

from bo_desktop.contract.payments import Withdrawal
from bo_desktop.sandbox import db, payouts, sim_actions
from bo_desktop.sandbox.reference_data import PSP_PROFILES
from bo_desktop.sandbox.simulator import Simulator

BELOW, ABOVE = 50_000, 500_000  # EUR cents around the four-eyes threshold (EUR 2,000)
BALANCE = 900_000  # what the payout test's player holds before requesting (minor units)


class _Answer(random.Random):
    """An rng whose ``random()`` is fixed: 0.0 → every PSP pays, 0.9999999 → every PSP declines
    (``random() >= withdrawal_success``). References still come from ``getrandbits``."""

    def __init__(self, value: float) -> None:
        super().__init__(7)
        self.value = value

    def random(self) -> float:
        return self.value


def _reason_code(client: httpx.Client) -> str:
    codes = client.get("/reference/reason-codes").json()["items"]
    return str(next(c["code"] for c in codes if c["applies_to"] == "withdrawal_reject"))


# -- who decided ------------------------------------------------------------------------------------


def test_reject_records_who_rejected(payments1: httpx.Client, make_withdrawal: Callable[..., str]) -> None:
    wid = make_withdrawal(BELOW)
    held = claim(payments1, wid)
    assert held["decided_by"] is None and held["decided_by_name"] is None
    response = payments1.post(
        f"/withdrawals/{wid}/reject",
        json={"reason_code": _reason_code(payments1), "comment": "Bonus terms"},
        headers={**if_match(held["version"]), **new_key()},
    )
    assert response.status_code == 200, response.text
    assert response.json()["decided_by"] == "ST-002"
    assert response.json()["decided_by_name"] == "Pia Payments"
    again = payments1.get(f"/withdrawals/{wid}").json()
    assert (again["decided_by"], again["decided_by_name"]) == ("ST-002", "Pia Payments")
    # A 412 carries the decider too: that is what the client's explanation names.
    stale = payments1.post(f"/withdrawals/{wid}/claim", headers=if_match(held["version"]))
    body = assert_problem(stale, 412, "precondition_failed")
    assert body["current"]["decided_by_name"] == "Pia Payments"


def test_the_second_approver_is_the_decider(
    payments1: httpx.Client, payments2: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    wid = make_withdrawal(ABOVE)
    first = approve(payments1, claim(payments1, wid)).json()
    assert first["status"] == "awaiting_second_approval"
    assert first["decided_by"] is None  # one approval of two decides nothing yet
    second = approve(payments2, claim(payments2, wid))
    assert second.status_code == 200, second.text
    assert second.json()["status"] == "approved"
    assert (second.json()["decided_by"], second.json()["decided_by_name"]) == ("ST-003", "Per Payments")


def test_approved_stays_approved_in_the_test_sandbox(
    sandbox: Any, payments1: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    """The session sandbox's simulator runs, but with a payout delay of a day: approving and
    then reading "approved" cannot race a payout (tests settle their own payouts)."""
    assert sandbox.config.payout_delay_seconds >= 3600
    wid = make_withdrawal(BELOW)
    assert approve(payments1, claim(payments1, wid)).json()["status"] == "approved"
    assert payouts.settle_payouts(sandbox.state, ids=[wid]) == []  # not due yet
    assert payments1.get(f"/withdrawals/{wid}").json()["status"] == "approved"


def test_settling_a_withdrawal_without_ledger_row_pays_it(
    sandbox: Any, payments1: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    wid = make_withdrawal(BELOW)
    approved = approve(payments1, claim(payments1, wid)).json()
    settled = payouts.settle_payouts(sandbox.state, ids=[wid], ignore_delay=True, rng=_Answer(0.0))
    assert [w.id for w in settled] == [wid]
    now = payments1.get(f"/withdrawals/{wid}")
    assert now.json()["status"] == "paid" and now.json()["psp_reference"]
    assert now.json()["version"] == approved["version"] + 1
    assert now.headers["ETag"] == f'W/"{approved["version"] + 1}"'
    # Paid is final: nobody can claim or decide it any more.
    assert_problem(
        payments1.post(f"/withdrawals/{wid}/claim", headers=if_match(now.json()["version"])),
        409,
        "invalid_transition",
    )


# -- the payout and the books -------------------------------------------------------------------


def _request(server: Any) -> tuple[str, str, int]:
    """A player requests a withdrawal as on the casino side; returns (withdrawal, player, amount)."""
    state = server.state
    with state.sessionmaker.begin() as session:
        player = session.scalars(
            sa.select(db.Player)
            .where(db.Player.status == "active", db.Player.withdrawals_blocked.is_(False))
            .order_by(db.Player.id)
            .limit(1)
        ).one()
        player.balance_minor = BALANCE
        outcome = sim_actions.withdrawal(
            session, random.Random(3), player, datetime.now(UTC), state.config.four_eyes_threshold_eur_minor
        )
        (_type, data), *_ = [e for e in outcome.events if e[0] == "withdrawal.created"]
        return data["id"], player.id, data["amount_minor"]


def _approve_fully(server: Any, withdrawal_id: str) -> dict[str, Any]:
    with (
        closing(sign_in(server.api_url, "payments1")) as p1,
        closing(sign_in(server.api_url, "payments2")) as p2,
    ):
        body: dict[str, Any] = approve(p1, claim(p1, withdrawal_id)).json()
        if body["status"] == "awaiting_second_approval":
            body = approve(p2, claim(p2, withdrawal_id)).json()
    assert body["status"] == "approved", body
    return body


def _books(client: httpx.Client, player_id: str, transaction_id: str) -> tuple[int, int, dict[str, Any]]:
    player = client.get(f"/players/{player_id}").json()
    txs = client.get(f"/players/{player_id}/transactions", params={"limit": 200}).json()["data"]
    tx = next(t for t in txs if t["id"] == transaction_id)
    return player["balance_minor"], player["kpis"]["lifetime_withdrawals_minor"], tx


def _transaction_of(server: Any, withdrawal_id: str) -> str:
    with server.state.sessionmaker() as session:
        row = session.get(db.Withdrawal, withdrawal_id)
        assert row is not None and row.transaction_id
        return row.transaction_id


def test_payout_pays_an_approved_withdrawal_and_books_it(fresh_sandbox: Callable[..., Any]) -> None:
    server = fresh_sandbox(players=60, simulator=False)
    wid, player_id, amount = _request(server)
    tx_id = _transaction_of(server, wid)
    with closing(sign_in(server.api_url, "manager")) as manager:
        balance, lifetime, tx = _books(manager, player_id, tx_id)
        assert balance == BALANCE - amount  # reserved at request time
        assert tx["status"] == "pending"
        approved = _approve_fully(server, wid)

        settled = payouts.settle_payouts(server.state, ids=[wid], ignore_delay=True, rng=_Answer(0.0))
        assert [w.status for w in settled] == ["paid"]

        paid = Withdrawal.model_validate(manager.get(f"/withdrawals/{wid}").json())
        assert paid.status == "paid"
        assert paid.psp_reference and paid.settled_at is not None and paid.failure_reason is None
        assert paid.version == approved["version"] + 1
        assert paid.decided_by == approved["decided_by"]  # the payout does not change the decider
        balance_after, lifetime_after, tx = _books(manager, player_id, tx_id)
        assert balance_after == BALANCE - amount  # the money left with the payout
        assert lifetime_after == lifetime + amount
        assert (tx["status"], tx["psp_reference"]) == ("succeeded", paid.psp_reference)
        assert audit_count(manager, "withdrawal.paid", wid) == 1
        record = manager.get("/audit", params={"action": "withdrawal.paid", "entity_id": wid}).json()["data"][
            0
        ]
        assert record["actor_id"] == "SYSTEM" and record["after"]["status"] == "paid"

        # Settling again changes nothing (no double booking).
        assert payouts.settle_payouts(server.state, ids=[wid], ignore_delay=True) == []
        assert _books(manager, player_id, tx_id)[:2] == (balance_after, lifetime_after)


def test_psp_outage_fails_the_payout_and_refunds_the_player(fresh_sandbox: Callable[..., Any]) -> None:
    server = fresh_sandbox(players=60, simulator=False)
    wid, player_id, _amount = _request(server)
    tx_id = _transaction_of(server, wid)
    with (
        closing(sign_in(server.api_url, "admin")) as admin,
        closing(sign_in(server.api_url, "manager")) as manager,
    ):
        _balance, lifetime_before, _tx = _books(manager, player_id, tx_id)
        approved = _approve_fully(server, wid)
        response = admin.put("/admin/chaos", json={"psp_outage": [approved["psp"]]})
        assert response.status_code == 200, response.text

        settled = payouts.settle_payouts(server.state, ids=[wid], ignore_delay=True, rng=_Answer(0.0))
        assert [w.status for w in settled] == ["failed"]

        failed = Withdrawal.model_validate(manager.get(f"/withdrawals/{wid}").json())
        assert failed.status == "failed" and failed.psp_reference is None
        assert failed.failure_reason and "outage" in failed.failure_reason
        assert failed.version == approved["version"] + 1
        balance, lifetime, tx = _books(manager, player_id, tx_id)
        assert balance == BALANCE  # the reserved amount is back on the balance
        assert lifetime == lifetime_before  # nothing was paid out
        assert tx["status"] == "failed"
        assert audit_count(manager, "withdrawal.payout_failed", wid) == 1
        assert payouts.settle_payouts(server.state, ids=[wid], ignore_delay=True) == []
        assert _books(manager, player_id, tx_id)[0] == BALANCE  # refunded once
        assert admin.put("/admin/chaos", json={}).status_code == 200


def test_a_declining_psp_fails_the_payout(fresh_sandbox: Callable[..., Any]) -> None:
    server = fresh_sandbox(players=60, simulator=False)
    wid, player_id, _amount = _request(server)
    _approve_fully(server, wid)
    assert all(p.withdrawal_success < 1.0 for p in PSP_PROFILES.values())
    (failed,) = payouts.settle_payouts(server.state, ids=[wid], ignore_delay=True, rng=_Answer(0.9999999))
    assert failed.status == "failed" and failed.failure_reason in payouts.DECLINE_REASONS
    with closing(sign_in(server.api_url, "manager")) as manager:
        assert manager.get(f"/players/{player_id}").json()["balance_minor"] == BALANCE


def test_rejecting_returns_the_reserved_amount(fresh_sandbox: Callable[..., Any]) -> None:
    server = fresh_sandbox(players=60, simulator=False)
    wid, player_id, _amount = _request(server)
    tx_id = _transaction_of(server, wid)
    with closing(sign_in(server.api_url, "payments1")) as p1:
        held = claim(p1, wid)
        response = p1.post(
            f"/withdrawals/{wid}/reject",
            json={"reason_code": _reason_code(p1), "comment": ""},
            headers={**if_match(held["version"]), **new_key()},
        )
        assert response.status_code == 200, response.text
    with closing(sign_in(server.api_url, "manager")) as manager:
        balance, _lifetime, tx = _books(manager, player_id, tx_id)
        assert balance == BALANCE and tx["status"] == "reversed"


def test_the_simulator_tick_settles_due_payouts_and_publishes_them(
    fresh_sandbox: Callable[..., Any],
) -> None:
    server = fresh_sandbox(players=60, simulator=False, payout_delay_seconds=0, simulator_rate=0.0)
    wid, player_id, amount = _request(server)
    approved = _approve_fully(server, wid)
    bus = server.state.bus
    seen = bus.last_id
    Simulator(server.state, seed=1).tick()
    _reset, published = bus.read_after(seen)
    updates = [e.data for e in published if e.type == "withdrawal.updated" and e.data["id"] == wid]
    assert [u["status"] for u in updates] in (["paid"], ["failed"])
    with closing(sign_in(server.api_url, "manager")) as manager:
        now = manager.get(f"/withdrawals/{wid}").json()
        assert now["status"] in ("paid", "failed")
        assert now["version"] == approved["version"] + 1
        expected = BALANCE - amount if now["status"] == "paid" else BALANCE
        assert manager.get(f"/players/{player_id}").json()["balance_minor"] == expected
        assert updates[0]["version"] == now["version"]

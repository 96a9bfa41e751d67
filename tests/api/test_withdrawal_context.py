"""``GET /withdrawals/{id}/context``: the review context of a withdrawal, over HTTP.

Each test arranges its own player (the API cannot create players: they register on the casino
side) with a known money trail, then checks what the endpoint reports about it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from api_helpers import assert_problem

from bo_desktop.contract.withdrawal_context import WithdrawalContext
from bo_desktop.sandbox import db


@dataclass
class Arranged:
    """A player of our own, with rows added in one transaction by :meth:`commit`."""

    sandbox: Any
    player_id: str = ""
    rows: list[Any] = field(default_factory=list)
    now: datetime = field(default_factory=db.utcnow)

    def tx(self, kind: str, amount: int, days_ago: float, account: str | None = None, **extra: Any) -> str:
        tx_id = f"T-9{uuid.uuid4().int % 10**7:07d}"
        self.rows.append(
            db.Transaction(
                id=tx_id,
                player_id=self.player_id,
                type=kind,
                status=extra.pop("status", "succeeded"),
                amount_minor=amount,
                currency="EUR",
                amount_eur_minor=amount,
                created_at=self.now - timedelta(days=days_ago),
                psp=extra.pop("psp", "trustly" if kind in ("deposit", "withdrawal") else None),
                method=extra.pop("method", "bank_transfer" if kind in ("deposit", "withdrawal") else None),
                payment_account=account,
                **extra,
            )
        )
        return tx_id

    def withdrawal(self, amount: int, days_ago: float, status: str, tx_id: str | None, masked: str) -> str:
        withdrawal_id = f"W-9{uuid.uuid4().int % 10**5:05d}"
        requested = self.now - timedelta(days=days_ago)
        self.rows.append(
            db.Withdrawal(
                id=withdrawal_id,
                player_id=self.player_id,
                player_name="Context Tester",
                amount_minor=amount,
                currency="EUR",
                amount_eur_minor=amount,
                psp="trustly",
                method="bank_transfer",
                destination_masked=masked,
                requested_at=requested,
                status=status,
                risk_score=10,
                risk_level="low",
                risk_signals=[],
                decided_at=requested + timedelta(hours=2) if status == "paid" else None,
                transaction_id=tx_id,
                updated_at=requested,
            )
        )
        return withdrawal_id

    def alert(self, kind: str, status: str = "open") -> str:
        alert_id = f"A-9{uuid.uuid4().int % 10**5:05d}"
        self.rows.append(
            db.Alert(
                id=alert_id,
                kind=kind,
                rule=f"{kind}.test",
                rule_label=f"{kind.upper()} test rule",
                severity="high",
                player_id=self.player_id,
                player_name="Context Tester",
                status=status,
                created_at=self.now - timedelta(days=1),
                updated_at=self.now - timedelta(days=1),
            )
        )
        return alert_id

    def dispute(self, linked_withdrawal: str | None) -> str:
        dispute_id = f"D-9{uuid.uuid4().int % 10**5:05d}"
        self.rows.append(
            db.Dispute(
                id=dispute_id,
                player_id=self.player_id,
                player_name="Context Tester",
                jurisdiction="MGA",
                kind="payment_delay",
                subject="Where is my money?",
                priority="normal",
                status="open",
                created_at=self.now - timedelta(days=2),
                last_activity_at=self.now - timedelta(days=1),
            )
        )
        if linked_withdrawal:
            self.rows.append(
                db.DisputeLink(
                    dispute_id=dispute_id, kind="withdrawal", target_id=linked_withdrawal, created_at=self.now
                )
            )
        return dispute_id

    def commit(self) -> None:
        with self.sandbox.state.sessionmaker.begin() as session:
            # Parents first: the link and transaction rows refer to the player and the dispute.
            for kind in (db.Dispute, db.Transaction, db.Withdrawal, db.Alert, db.DisputeLink):
                session.add_all([row for row in self.rows if isinstance(row, kind)])
                session.flush()
        self.rows.clear()


@pytest.fixture
def arranged(sandbox: Any) -> Iterator[Arranged]:
    with sandbox.state.sessionmaker.begin() as session:
        player_id = db.next_id(session, "player")
        now = db.utcnow()
        session.add(
            db.Player(
                id=player_id,
                username=f"ctx.{uuid.uuid4().hex[:10]}",
                first_name="Context",
                last_name="Tester",
                email=f"{uuid.uuid4().hex[:10]}@example.test",
                country="MT",
                jurisdiction="MGA",
                currency="EUR",
                status="active",
                kyc_status="verified",
                risk_level="low",
                segment="vip",
                registered_at=now - timedelta(days=400),
                balance_minor=12_345,
                lifetime_deposits_minor=300_00,
                lifetime_withdrawals_minor=50_00,
                updated_at=now,
            )
        )
    yield Arranged(sandbox, player_id)


def _context(client: httpx.Client, withdrawal_id: str) -> WithdrawalContext:
    response = client.get(f"/withdrawals/{withdrawal_id}/context")
    assert response.status_code == 200, response.text
    return WithdrawalContext.model_validate(response.json())


def test_money_trail_since_the_last_payout(arranged: Arranged, payments1: httpx.Client) -> None:
    a = arranged
    a.tx("deposit", 50_00, days_ago=60, account="acct-old")  # before the last payout: not counted
    paid_tx = a.tx("withdrawal", 40_00, days_ago=20, account="acct-old")
    a.withdrawal(40_00, days_ago=20, status="paid", tx_id=paid_tx, masked="MT** **** 0001")
    a.tx("deposit", 100_00, days_ago=10, account="acct-old")
    a.tx("deposit", 200_00, days_ago=5, account="acct-old")
    a.tx("deposit", 999_00, days_ago=4, account="acct-old", status="failed")  # never arrived
    a.tx("bet", 150_00, days_ago=3)
    open_tx = a.tx("withdrawal", 120_00, days_ago=0.1, account="acct-old", status="pending")
    wid = a.withdrawal(120_00, days_ago=0.1, status="pending", tx_id=open_tx, masked="MT** **** 0001")
    a.commit()

    ctx = _context(payments1, wid)
    assert ctx.withdrawal_id == wid and ctx.player.id == a.player_id
    assert ctx.player.name == "Context Tester" and ctx.player.segment == "vip"
    assert ctx.player.balance_minor == 12_345 and ctx.player.lifetime_deposits_minor == 300_00
    assert ctx.since is not None and ctx.since < a.now - timedelta(days=19)
    assert (ctx.deposits_since_minor, ctx.wagered_since_minor) == (300_00, 150_00)
    # Stakes use up the oldest deposit first: 100 fully played, 50 of the 200.
    assert [(d.amount_minor, d.unwagered_minor) for d in ctx.unwagered_deposits] == [(200_00, 150_00)]
    assert ctx.recent_transactions[0].id == open_tx  # newest first
    assert len(ctx.recent_transactions) <= 20


def test_payout_to_an_account_never_paid_in_from_is_new(arranged: Arranged, payments1: httpx.Client) -> None:
    a = arranged
    a.tx("deposit", 80_00, days_ago=90, account="acct-known")
    payout_tx = a.tx("withdrawal", 70_00, days_ago=0.1, account="acct-fresh", status="pending")
    wid = a.withdrawal(70_00, days_ago=0.1, status="pending", tx_id=payout_tx, masked="MT** **** 9911")
    a.commit()

    ctx = _context(payments1, wid)
    assert ctx.payout_method_new is True
    payout = ctx.payment_methods[0]  # the destination is listed first
    assert payout.is_payout_destination and payout.new and payout.first_deposit_at is None
    assert payout.account == "MT** **** 9911" and payout.withdrawals == 1
    known = next(m for m in ctx.payment_methods if not m.is_payout_destination)
    assert known.deposits == 1 and known.deposits_minor == 80_00 and not known.new


def test_payout_to_the_usual_account_is_not_new(arranged: Arranged, payments1: httpx.Client) -> None:
    a = arranged
    a.tx("deposit", 80_00, days_ago=90, account="acct-usual")
    a.tx("deposit", 20_00, days_ago=1, account="acct-usual")
    payout_tx = a.tx("withdrawal", 70_00, days_ago=0.1, account="acct-usual", status="pending")
    wid = a.withdrawal(70_00, days_ago=0.1, status="pending", tx_id=payout_tx, masked="MT** **** 4242")
    a.commit()

    ctx = _context(payments1, wid)
    assert ctx.payout_method_new is False
    assert len(ctx.payment_methods) == 1
    usual = ctx.payment_methods[0]
    assert usual.is_payout_destination and (usual.deposits, usual.deposits_minor) == (2, 100_00)


def test_aml_alerts_are_counted_not_shown_outside_compliance(
    arranged: Arranged, payments1: httpx.Client, staff: Callable[[str], httpx.Client]
) -> None:
    a = arranged
    wid = a.withdrawal(70_00, days_ago=0.1, status="pending", tx_id=None, masked="MT** **** 1111")
    rg = a.alert("rg")
    aml = a.alert("aml", status="investigating")
    linked = a.dispute(linked_withdrawal=wid)
    other = a.dispute(linked_withdrawal=None)
    a.commit()

    for_payments = _context(payments1, wid)
    assert [x.id for x in for_payments.alerts] == [rg] and for_payments.restricted_alerts == 1
    for_compliance = _context(staff("compliance"), wid)
    assert {x.id for x in for_compliance.alerts} == {rg, aml} and for_compliance.restricted_alerts == 0
    disputes = {d.id: d.links_this_withdrawal for d in for_payments.disputes}
    assert disputes == {linked: True, other: False}


def test_reading_the_context_changes_nothing(arranged: Arranged, payments1: httpx.Client) -> None:
    wid = arranged.withdrawal(70_00, days_ago=0.1, status="pending", tx_id=None, masked="MT** **** 2222")
    arranged.commit()
    before = payments1.get(f"/withdrawals/{wid}").headers["ETag"]
    _context(payments1, wid)
    assert payments1.get(f"/withdrawals/{wid}").headers["ETag"] == before


def test_unknown_withdrawal_and_missing_permission(
    payments1: httpx.Client, staff: Callable[[str], httpx.Client]
) -> None:
    assert_problem(payments1.get("/withdrawals/W-999999999/context"), 404, "not_found")
    assert_problem(staff("support").get("/withdrawals/W-000001/context"), 403, "forbidden")

"""Helpers for API tests: signed-in clients per demo staff member, chaos control, test rows.

Every test talks HTTP to the real sandbox (``sandbox`` fixture, tests/conftest.py). The database
is touched directly only to *arrange* a precondition the API deliberately cannot create (a fresh
withdrawal with a chosen amount and risk, an expired lease, a tampered audit row) — never to
check a result the API should report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from api_helpers import sign_in

from bo_desktop.sandbox import db


@pytest.fixture
def staff(sandbox: Any) -> Iterator[Callable[[str], httpx.Client]]:
    """``staff("payments1")`` → a signed-in client (closed after the test)."""
    clients: list[httpx.Client] = []

    def make(username: str) -> httpx.Client:
        client = sign_in(sandbox.api_url, username)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def payments1(staff: Callable[[str], httpx.Client]) -> httpx.Client:
    return staff("payments1")


@pytest.fixture
def payments2(staff: Callable[[str], httpx.Client]) -> httpx.Client:
    return staff("payments2")


@pytest.fixture
def manager(staff: Callable[[str], httpx.Client]) -> httpx.Client:
    return staff("manager")


@pytest.fixture
def admin(staff: Callable[[str], httpx.Client]) -> httpx.Client:
    return staff("admin")


@pytest.fixture
def chaos(admin: httpx.Client) -> Iterator[Callable[..., None]]:
    """``chaos(rate_limit_rate=1.0, paths=["/withdrawals"])``; switched off after the test."""

    def configure(**settings: Any) -> None:
        response = admin.put("/admin/chaos", json=settings)
        assert response.status_code == 200, response.text

    yield configure
    configure()


@pytest.fixture
def make_withdrawal(sandbox: Any) -> Callable[..., str]:
    """Insert a fresh pending withdrawal (nobody else knows its id) and return the id."""

    def make(amount_eur_minor: int = 50_000, risk_level: str = "low", minutes_ago: float = 1.0) -> str:
        with sandbox.state.sessionmaker.begin() as session:
            player = session.scalars(sa.select(db.Player).order_by(db.Player.id).limit(1)).one()
            withdrawal_id = db.next_id(session, "withdrawal")
            now = db.utcnow()
            session.add(
                db.Withdrawal(
                    id=withdrawal_id,
                    player_id=player.id,
                    player_name=f"{player.first_name} {player.last_name}",
                    amount_minor=amount_eur_minor,
                    currency="EUR",
                    amount_eur_minor=amount_eur_minor,
                    psp="trustly",
                    method="bank_transfer",
                    destination_masked="SE** **** 1234",
                    requested_at=now - timedelta(minutes=minutes_ago),
                    status="pending",
                    risk_score={"low": 10, "medium": 40, "high": 70, "critical": 90}[risk_level],
                    risk_level=risk_level,
                    risk_signals=[],
                    requires_four_eyes=False,
                    updated_at=now,
                )
            )
        return withdrawal_id

    return make

"""Helpers for the withdrawal GUI tests (fixtures are in conftest.py).

The sandbox's database is written directly only to *arrange* what the API deliberately cannot do
(players request withdrawals on the casino side): a fresh withdrawal with a chosen name, amount
and risk that no other test knows about. Results are always checked through the UI or the API.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import sqlalchemy as sa

from bo_desktop.core.api import EventStream
from bo_desktop.core.context import AppContext
from bo_desktop.features.withdrawals.columns import Col
from bo_desktop.features.withdrawals.panel import WithdrawalsPanel
from bo_desktop.sandbox import db
from bo_desktop.sandbox.config import DEMO_STAFF_PASSWORD

PASSWORD = DEMO_STAFF_PASSWORD
RISK_SCORES = {"low": 10, "medium": 40, "high": 70, "critical": 90}


@dataclass
class Session:
    ctx: AppContext
    stream: EventStream
    errors: list[BaseException]


def unique_name(prefix: str = "Testa") -> str:
    """A surname nobody else uses, so a test can filter the shared queue down to its own rows."""
    return f"{prefix} Q{uuid.uuid4().hex[:8]}"


def make_withdrawal(
    sandbox: Any,
    *,
    player_name: str | None = None,
    amount_eur_minor: int = 50_000,
    risk_level: str = "low",
    signals: list[dict[str, str]] | None = None,
    minutes_ago: float = 1.0,
) -> str:
    """Insert a pending withdrawal for an existing player and announce it like the platform does."""
    from bo_desktop.contract.events import EventType
    from bo_desktop.contract.payments import Withdrawal

    with sandbox.state.sessionmaker.begin() as session:
        player = session.scalars(sa.select(db.Player).order_by(db.Player.id).limit(1)).one()
        withdrawal_id = db.next_id(session, "withdrawal")
        now = db.utcnow()
        row = db.Withdrawal(
            id=withdrawal_id,
            version=1,
            player_id=player.id,
            player_name=player_name or f"{player.first_name} {player.last_name}",
            amount_minor=amount_eur_minor,
            currency="EUR",
            amount_eur_minor=amount_eur_minor,
            psp="trustly",
            method="bank_transfer",
            destination_masked="SE** **** 1234",
            requested_at=now - timedelta(minutes=minutes_ago),
            status="pending",
            risk_score=RISK_SCORES[risk_level],
            risk_level=risk_level,
            risk_signals=signals or [],
            requires_four_eyes=False,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        data = Withdrawal.model_validate(row, from_attributes=True).model_dump(mode="json")
    sandbox.state.bus.publish(EventType.WITHDRAWAL_CREATED.value, data)
    return withdrawal_id


def cell(panel: WithdrawalsPanel, withdrawal_id: str, column: Col) -> str | None:
    """The text a person sees in the queue for ``withdrawal_id`` (None: not in the table)."""
    row = panel.model.row_of(withdrawal_id)
    if row is None:
        return None
    value = panel.model.index(row, column).data()
    return str(value) if value is not None else ""


def get_withdrawal(client: httpx.Client, withdrawal_id: str) -> dict[str, Any]:
    response = client.get(f"/withdrawals/{withdrawal_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def claim_as(client: httpx.Client, withdrawal_id: str, lease_seconds: int = 300) -> dict[str, Any]:
    current = client.get(f"/withdrawals/{withdrawal_id}")
    response = client.post(
        f"/withdrawals/{withdrawal_id}/claim",
        json={"lease_seconds": lease_seconds},
        headers={"If-Match": current.headers["ETag"]},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def audit_count(client: httpx.Client, action: str, entity_id: str) -> int:
    response = client.get("/audit", params={"action": action, "entity_id": entity_id, "count": "true"})
    assert response.status_code == 200, response.text
    total: int = response.json()["total"]
    return total

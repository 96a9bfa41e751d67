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
    announce: bool = True,
) -> str:
    """Insert a pending withdrawal for an existing player and announce it like the platform does
    (``announce=False``: an event the client missed)."""
    from bo_desktop.contract.events import EventType
    from bo_desktop.sandbox.api.routes.withdrawals import withdrawal_model

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
        # Announced as the platform does: the same representation a GET returns.
        data = withdrawal_model(session, row, sandbox.state.config).model_dump(mode="json")
    if announce:
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


def open_panel(ctx: AppContext, qtbot: Any, **options: Any) -> WithdrawalsPanel:
    """The dock's panel, shown at a desktop size, with the queue loaded."""
    panel = WithdrawalsPanel(ctx, **options)
    qtbot.addWidget(panel)
    panel.resize(1500, 900)
    panel.show()
    qtbot.waitUntil(lambda: "live updates on" in panel.load_status.text(), timeout=20_000)
    return panel


def search_for(panel: WithdrawalsPanel, qtbot: Any, text: str, expected_rows: int | None = None) -> None:
    """Type into the search box like a person, and wait for the queue to narrow down."""
    from PySide6.QtCore import Qt

    panel.filters.search.setFocus()
    panel.filters.search.selectAll()
    qtbot.keyClick(panel.filters.search, Qt.Key.Key_Delete)
    qtbot.keyClicks(panel.filters.search, text)
    qtbot.waitUntil(lambda: panel.model.filter.text == text, timeout=5_000)
    if expected_rows is not None:
        qtbot.waitUntil(lambda: panel.model.rowCount() == expected_rows, timeout=10_000)


def open_item(panel: WithdrawalsPanel, qtbot: Any, withdrawal_id: str) -> None:
    """Click the item's row and wait until its detail (and context) is shown; focus stays in the queue."""
    from PySide6.QtCore import Qt

    # With two reviewers on one screen, keys go to the window the person works in.
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow, timeout=5_000)
    qtbot.waitUntil(lambda: panel.model.row_of(withdrawal_id) is not None, timeout=10_000)
    row = panel.model.row_of(withdrawal_id)
    assert row is not None
    rect = panel.view.visualRect(panel.model.index(row, 0))
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(
        lambda: (
            panel.detail.withdrawal is not None
            and panel.detail.withdrawal.id == withdrawal_id
            and panel.detail.context is not None
        ),
        timeout=10_000,
    )
    panel.view.setFocus()


def decision_dialog(panel: WithdrawalsPanel, qtbot: Any) -> Any:
    qtbot.waitUntil(
        lambda: panel.actions_.dialog is not None and panel.actions_.dialog.isVisible(), timeout=10_000
    )
    dialog = panel.actions_.dialog
    dialog.activateWindow()  # what the window manager does for a new dialog
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5_000)
    return dialog


def set_chaos(admin: httpx.Client, **settings: Any) -> None:
    response = admin.put("/admin/chaos", json=settings)
    assert response.status_code == 200, response.text

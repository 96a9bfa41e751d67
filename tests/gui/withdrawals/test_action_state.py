"""What the buttons offer for each state of the open item (the server still decides)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bo_desktop.contract.enums import Psp, RiskLevel, WithdrawalStatus
from bo_desktop.contract.payments import Approval, Withdrawal
from bo_desktop.features.withdrawals.action_state import ActionState, action_state

ME, COLLEAGUE = "ST-002", "ST-003"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def item(**changes: Any) -> Withdrawal:
    values: dict[str, Any] = {
        "version": 1,
        "id": "W-000001",
        "player_id": "P-000001",
        "player_name": "Ann Test",
        "amount_minor": 10_000,
        "currency": "EUR",
        "amount_eur_minor": 10_000,
        "psp": Psp.TRUSTLY,
        "method": "bank_transfer",
        "destination_masked": "SE** 1234",
        "requested_at": NOW - timedelta(hours=1),
        "status": WithdrawalStatus.PENDING,
        "risk_score": 10,
        "risk_level": RiskLevel.LOW,
    }
    values.update(changes)
    return Withdrawal(**values)


HELD_BY_COLLEAGUE = {"claimed_by": COLLEAGUE, "claim_expires_at": NOW + timedelta(minutes=2)}
LAPSED = {"claimed_by": COLLEAGUE, "claim_expires_at": NOW - timedelta(seconds=1)}
FIRST_APPROVAL_MINE = {
    "status": WithdrawalStatus.AWAITING_SECOND_APPROVAL,
    "approvals": [Approval(staff_id=ME, staff_name="Pia", at=NOW)],
}


@pytest.mark.parametrize(
    ("changes", "can_break", "expected"),
    [
        ({}, False, ActionState(claim=True, approve=True, reject=True)),
        (
            {"claimed_by": ME, "claim_expires_at": NOW + timedelta(minutes=4)},
            False,
            ActionState(True, True, True, True),
        ),
        (HELD_BY_COLLEAGUE, False, ActionState()),
        (HELD_BY_COLLEAGUE, True, ActionState(release=True)),
        (LAPSED, False, ActionState(claim=True, approve=True, reject=True)),
        (FIRST_APPROVAL_MINE, False, ActionState(reject=True)),
        ({"status": WithdrawalStatus.APPROVED}, False, ActionState()),
    ],
)
def test_single_item(changes: dict[str, Any], can_break: bool, expected: ActionState) -> None:
    assert (
        action_state(item(**changes), ME, online=True, many=False, can_break=can_break, now=NOW) == expected
    )


def test_offline_offers_nothing_and_a_selection_offers_bulk_decisions() -> None:
    assert action_state(item(), ME, online=False, many=False, can_break=True, now=NOW) == ActionState()
    assert action_state(item(), ME, online=False, many=True, can_break=True, now=NOW) == ActionState()
    assert action_state(None, ME, online=True, many=True, can_break=False, now=NOW) == ActionState(
        approve=True, reject=True
    )
    assert action_state(None, ME, online=True, many=False, can_break=False, now=NOW) == ActionState()

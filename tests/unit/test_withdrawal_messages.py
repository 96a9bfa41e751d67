"""What the reviewer is told about a withdrawal someone else decided, and about its payout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bo_desktop.contract.payments import Approval, Withdrawal
from bo_desktop.features.withdrawals.messages import describe_changes, payout_text

AT = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def _withdrawal(**changes: Any) -> Withdrawal:
    base: dict[str, Any] = {
        "id": "W-000777",
        "version": 3,
        "player_id": "P-000001",
        "player_name": "Ann Example",
        "amount_minor": 125_000,
        "currency": "EUR",
        "amount_eur_minor": 125_000,
        "psp": "trustly",
        "method": "bank_transfer",
        "destination_masked": "SE** **** 1234",
        "requested_at": AT - timedelta(hours=1),
        "status": "in_review",
        "risk_score": 20,
        "risk_level": "low",
    }
    return Withdrawal.model_validate({**base, **changes})


def test_an_old_payload_without_the_new_fields_still_validates() -> None:
    w = _withdrawal()
    assert (w.decided_by, w.decided_by_name, w.settled_at, w.failure_reason) == (None, None, None, None)


def test_the_412_explanation_names_who_rejected() -> None:
    seen = _withdrawal()
    now = _withdrawal(
        version=4,
        status="rejected",
        decided_at=AT,
        decided_by="ST-009",
        decided_by_name="Dana Payments",
        reject_reason_code="bonus_abuse",
        reject_comment="Bonus terms broken",
    )
    lines = describe_changes(seen, now)
    assert "Rejected by Dana Payments (reason bonus_abuse): Bonus terms broken" in lines
    assert "Status: In review → Rejected" in lines
    # Without the earlier version (bulk results) the decider is named as well.
    assert any("Rejected by Dana Payments" in line for line in describe_changes(None, now))


def test_a_rejection_from_an_older_server_still_reads_well() -> None:
    now = _withdrawal(version=4, status="rejected", reject_reason_code="duplicate_request")
    assert "Rejected (reason duplicate_request): no comment" in describe_changes(_withdrawal(), now)


def test_the_payout_is_explained_paid_or_failed() -> None:
    approver = Approval(staff_id="ST-003", staff_name="Per Payments", at=AT)
    approved = _withdrawal(
        version=5,
        status="approved",
        approvals=[approver],
        decided_at=AT,
        decided_by="ST-003",
        decided_by_name="Per Payments",
    )
    paid = approved.model_copy(
        update={"version": 6, "status": "paid", "psp_reference": "0012345678", "settled_at": AT}
    )
    failed = approved.model_copy(
        update={
            "version": 6,
            "status": "failed",
            "failure_reason": "Trustly is unavailable.",
            "settled_at": AT,
        }
    )
    assert "Paid by Trustly, reference 0012345678" in describe_changes(approved, paid)
    assert any(
        line.startswith("Payout failed: Trustly is unavailable.")
        for line in describe_changes(approved, failed)
    )
    assert "Approval completed by Per Payments" in describe_changes(None, approved)

    assert payout_text(approved).startswith("Approved by Per Payments")
    assert "waiting for its confirmation" in payout_text(approved)
    assert "PSP reference 0012345678" in payout_text(paid)
    assert "Payout failed" in payout_text(failed) and "Trustly is unavailable." in payout_text(failed)
    assert "back to the player's balance" in payout_text(failed)
    assert payout_text(_withdrawal()) == ""

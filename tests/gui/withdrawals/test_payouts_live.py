"""A decided withdrawal's afterlife on screen: who decided, and the payout arriving live.

The queue holds the items that need a decision; an approved item has left it. When the PSP's
answer arrives (``withdrawal.updated`` to paid or failed) the row stays out of the queue and
the counters do not move, while the detail pane, if the item is open, shows the PSP reference or
the failure. The payout is settled with ``payouts.settle_payouts`` (the test sandbox's simulator
waits a day before paying anything) and reaches the client through the real event stream.
"""

from __future__ import annotations

import random
import uuid
from typing import Any

from PySide6.QtCore import Qt
from wd_support import (
    claim_as,
    decision_dialog,
    make_withdrawal,
    open_item,
    open_panel,
    search_for,
    unique_name,
)

from bo_desktop.sandbox import payouts


class _PspAnswer(random.Random):
    """``random()`` fixed: 0.0 → the PSP pays, 0.9999999 → it declines."""

    def __init__(self, value: float) -> None:
        super().__init__(11)
        self.value = value

    def random(self) -> float:
        return self.value


def _approve_as(client: Any, withdrawal_id: str) -> dict[str, Any]:
    claimed = claim_as(client, withdrawal_id)
    response = client.post(
        f"/withdrawals/{withdrawal_id}/approve",
        json={"comment": ""},
        headers={"If-Match": f'W/"{claimed["version"]}"', "Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _open_and_let_a_colleague_approve(panel: Any, sandbox: Any, qtbot: Any, staff_http: Any) -> str:
    surname = unique_name("Payout")
    wid = make_withdrawal(sandbox, player_name=f"Ann {surname}")
    search_for(panel, qtbot, surname, expected_rows=1)
    open_item(panel, qtbot, wid)
    approved = _approve_as(staff_http("payments2"), wid)
    assert approved["status"] == "approved"
    qtbot.waitUntil(lambda: panel.model.row_of(wid) is None, timeout=10_000)
    qtbot.waitUntil(
        lambda: "approval completed by Per Payments" in panel.detail.message.text.text(), timeout=5_000
    )
    assert panel.detail.payout.text().startswith("Approved by Per Payments")
    assert "waiting for its confirmation" in panel.detail.payout.text()
    return wid


def test_an_approved_item_that_is_paid_updates_the_open_detail_and_stays_out_of_the_queue(
    reviewer: Any, sandbox: Any, qtbot: Any, staff_http: Any
) -> None:
    panel = open_panel(reviewer("payments1"), qtbot)
    wid = _open_and_let_a_colleague_approve(panel, sandbox, qtbot, staff_http)
    counts = dict(panel.model.store.open_counts())

    (paid,) = payouts.settle_payouts(sandbox.state, ids=[wid], ignore_delay=True, rng=_PspAnswer(0.0))
    assert paid.status == "paid" and paid.psp_reference

    qtbot.waitUntil(lambda: panel.detail.status.text() == "Paid", timeout=10_000)
    assert f"PSP reference {paid.psp_reference}" in panel.detail.payout.text()
    assert panel.detail.withdrawal is not None and panel.detail.withdrawal.version == paid.version
    store = panel.model.store
    slot = store.slot_of[wid]
    assert store.statuses[slot] == "paid" and store.versions[slot] == paid.version
    assert panel.model.row_of(wid) is None  # paid needs no decision: it stays out of the queue
    assert panel.model.store.open_counts() == counts


def test_a_failed_payout_shows_the_reason(reviewer: Any, sandbox: Any, qtbot: Any, staff_http: Any) -> None:
    ctx = reviewer("payments1")
    panel = open_panel(ctx, qtbot)
    wid = _open_and_let_a_colleague_approve(panel, sandbox, qtbot, staff_http)
    notices: list[str] = []
    ctx.notifier.notified.connect(notices.append)

    (failed,) = payouts.settle_payouts(sandbox.state, ids=[wid], ignore_delay=True, rng=_PspAnswer(0.9999999))
    assert failed.status == "failed" and failed.failure_reason

    qtbot.waitUntil(lambda: panel.detail.status.text() == "Payout failed", timeout=10_000)
    text = panel.detail.payout.text()
    assert "Payout failed" in text and failed.failure_reason in text
    assert "back to the player's balance" in text
    assert panel.model.row_of(wid) is None
    # Not a queue item, but announced: payments staff must follow it up.
    qtbot.waitUntil(lambda: any(f"Payout of {wid} failed" in n.text for n in notices), timeout=5_000)


def test_the_412_names_the_colleague_who_rejected(
    reviewer: Any, sandbox: Any, qtbot: Any, staff_http: Any
) -> None:
    panel = open_panel(reviewer("payments1"), qtbot)
    name = unique_name()
    wid = make_withdrawal(sandbox, player_name=name)
    search_for(panel, qtbot, name, expected_rows=1)
    open_item(panel, qtbot, wid)
    panel.live.hold()  # the colleague's rejection has not reached this screen yet
    colleague = staff_http("payments2")
    claimed = claim_as(colleague, wid)
    response = colleague.post(
        f"/withdrawals/{wid}/reject",
        json={"reason_code": "duplicate_request", "comment": "Sent twice"},
        headers={"If-Match": f'W/"{claimed["version"]}"', "Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 200, response.text

    qtbot.keyClick(panel.view, Qt.Key.Key_A)
    dialog = decision_dialog(panel, qtbot)
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "changed this withdrawal" in dialog.message.text.text(), timeout=10_000)
    told = dialog.message.text.text()
    assert "Rejected by Per Payments (reason duplicate_request): Sent twice" in told
    assert "Status: Pending → Rejected" in told
    assert panel.detail.four_eyes.text().startswith("Rejected by Per Payments")
    dialog.reject()
    panel.live.resume()

"""Approving through failures: lost answers, dropped connections, rate limits, going offline.

The invariant behind every test: one approval in the audit trail, whatever the network did, and
the reviewer sees the server's true final state.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt
from wd_support import (
    audit_count,
    decision_dialog,
    get_withdrawal,
    make_withdrawal,
    open_item,
    open_panel,
    search_for,
    set_chaos,
    unique_name,
)

from bo_desktop.features.withdrawals.service import Action


@pytest.fixture
def admin(staff_http: Any) -> Iterator[httpx.Client]:
    client: httpx.Client = staff_http("admin")
    yield client
    set_chaos(client)  # always off again, even when the test failed


def _approve_dialog(panel: Any, qtbot: Any, wid: str) -> Any:
    open_item(panel, qtbot, wid)
    qtbot.keyClick(panel.view, Qt.Key.Key_A)
    return decision_dialog(panel, qtbot)


def test_a_500_after_the_commit_is_settled_by_reading_and_approves_once(
    reviewer: Any, sandbox: Any, qtbot: Any, admin: httpx.Client
) -> None:
    panel = open_panel(reviewer("payments1"), qtbot)
    name = unique_name()
    wid = make_withdrawal(sandbox, player_name=name)
    search_for(panel, qtbot, name, expected_rows=1)
    dialog = _approve_dialog(panel, qtbot, wid)
    # Every answer to this approve is lost after the server committed it, retries included.
    set_chaos(admin, error_rate_after_commit=1.0, paths=[f"/withdrawals/{wid}/approve"])
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20_000)
    told = panel.detail.message.text.text()
    assert "the server has it" in told and f"{wid} is approved" in told and "recorded once" in told
    assert panel.model.row_of(wid) is None
    assert get_withdrawal(admin, wid)["status"] == "approved"
    assert audit_count(admin, "withdrawal.approve", wid) == 1


def test_dropped_connections_approve_nothing_and_the_retry_reuses_the_intent(
    reviewer: Any, sandbox: Any, qtbot: Any, admin: httpx.Client
) -> None:
    panel = open_panel(reviewer("payments1"), qtbot)
    name = unique_name()
    wid = make_withdrawal(sandbox, player_name=name)
    search_for(panel, qtbot, name, expected_rows=1)
    dialog = _approve_dialog(panel, qtbot, wid)
    set_chaos(admin, drop_rate=1.0, paths=[f"/withdrawals/{wid}/approve"])
    qtbot.keyClicks(dialog.comment, "ok to pay")
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: "did not reach the server" in dialog.message.text.text(), timeout=20_000)
    told = dialog.message.text.text()
    assert "still in review: nothing was changed" in told and "Retrying is safe" in told
    assert dialog.isVisible() and dialog.comment.toPlainText() == "ok to pay"
    intent = panel.service.intents.pending(wid, Action.APPROVE)
    assert intent is not None
    assert get_withdrawal(admin, wid)["status"] == "in_review"

    set_chaos(admin)  # the network is back
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20_000)
    assert panel.service.intents.pending(wid, Action.APPROVE) is None  # settled: the key is spent
    assert get_withdrawal(admin, wid)["status"] == "approved"
    assert audit_count(admin, "withdrawal.approve", wid) == 1


def test_an_outcome_nobody_can_confirm_is_called_unknown_and_retrying_is_safe(
    reviewer: Any, sandbox: Any, qtbot: Any, admin: httpx.Client
) -> None:
    panel = open_panel(reviewer("payments1"), qtbot)
    name = unique_name()
    wid = make_withdrawal(sandbox, player_name=name)
    search_for(panel, qtbot, name, expected_rows=1)
    open_item(panel, qtbot, wid)
    qtbot.keyClick(panel.view, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: "Claimed by you" in panel.detail.claim.text(), timeout=5_000)
    qtbot.keyClick(panel.view, Qt.Key.Key_A)
    dialog = decision_dialog(panel, qtbot)
    # Everything about this withdrawal drops: the approval and the read-back that would settle it.
    set_chaos(admin, drop_rate=1.0, paths=[f"/withdrawals/{wid}"])
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "could not be reached to confirm" in dialog.message.text.text(), timeout=30_000)
    assert "may or may not have been recorded" in dialog.message.text.text()
    assert dialog.isVisible()

    set_chaos(admin)
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)  # the same intent, the same key
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20_000)
    assert get_withdrawal(admin, wid)["status"] == "approved"
    assert audit_count(admin, "withdrawal.approve", wid) == 1


def test_flaky_network_during_approve_never_approves_twice(
    reviewer: Any, sandbox: Any, qtbot: Any, admin: httpx.Client
) -> None:
    panel = open_panel(reviewer("payments1"), qtbot)
    name = unique_name()
    wid = make_withdrawal(sandbox, player_name=name)
    search_for(panel, qtbot, name, expected_rows=1)
    dialog = _approve_dialog(panel, qtbot, wid)
    # Half the attempts drop, half of the rest lose their answer after committing.
    set_chaos(admin, drop_rate=0.5, error_rate_after_commit=0.5, paths=[f"/withdrawals/{wid}/approve"])
    for _attempt in range(6):
        qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.isVisible() or not dialog._busy, timeout=20_000)
        if not dialog.isVisible():
            break
    assert not dialog.isVisible(), dialog.message.text.text()
    assert get_withdrawal(admin, wid)["status"] == "approved"
    assert audit_count(admin, "withdrawal.approve", wid) == 1


def test_rate_limited_reject_says_wait_and_keeps_the_input(
    reviewer: Any, sandbox: Any, qtbot: Any, admin: httpx.Client
) -> None:
    panel = open_panel(reviewer("payments1"), qtbot)
    name = unique_name()
    wid = make_withdrawal(sandbox, player_name=name)
    search_for(panel, qtbot, name, expected_rows=1)
    open_item(panel, qtbot, wid)
    # Longer than the client is willing to wait by itself: the reviewer is told instead.
    set_chaos(admin, rate_limit_rate=1.0, retry_after_seconds=90, paths=[f"/withdrawals/{wid}/reject"])
    qtbot.keyClick(panel.view, Qt.Key.Key_R)
    dialog = decision_dialog(panel, qtbot)
    dialog.reason.setCurrentIndex(1)
    qtbot.keyClicks(dialog.comment, "bonus terms")
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "server is busy" in dialog.message.text.text(), timeout=15_000)
    assert "try again in 90 s" in dialog.message.text.text()
    assert dialog.comment.toPlainText() == "bonus terms" and dialog.reason.currentIndex() == 1
    assert get_withdrawal(admin, wid)["status"] == "in_review"
    dialog.reject()


def test_offline_disables_money_actions_and_queues_nothing(reviewer: Any, sandbox: Any, qtbot: Any) -> None:
    ctx = reviewer("payments1")
    panel = open_panel(ctx, qtbot)
    name = unique_name()
    wid = make_withdrawal(sandbox, player_name=name)
    search_for(panel, qtbot, name, expected_rows=1)
    open_item(panel, qtbot, wid)
    assert panel.approve_action.isEnabled()

    ctx.session.online = False
    assert not any(a.isEnabled() for a in (panel.claim_action, panel.approve_action, panel.reject_action))
    assert (
        "Offline" in panel.detail.message.text.text()
        and "Nothing is queued" in panel.detail.message.text.text()
    )
    qtbot.keyClick(panel.view, Qt.Key.Key_A)
    qtbot.wait(200)
    assert panel.actions_.dialog is None

    ctx.session.online = True
    assert panel.approve_action.isEnabled()

"""Claim, approve, reject and four-eyes, driven through the queue as a reviewer would."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from wd_support import (
    audit_count,
    cell,
    claim_as,
    decision_dialog,
    get_withdrawal,
    make_withdrawal,
    open_item,
    open_panel,
    search_for,
    unique_name,
)

from bo_desktop.features.withdrawals.columns import Col

ABOVE_THRESHOLD = 250_000  # EUR 2,500: four-eyes


def test_claim_with_c_then_approve_with_a_and_confirm(
    reviewer: Any, sandbox: Any, qtbot: Any, staff_http: Any
) -> None:
    panel = open_panel(reviewer("payments1"), qtbot)
    name = unique_name()
    wid = make_withdrawal(sandbox, player_name=name, amount_eur_minor=12_345)
    search_for(panel, qtbot, name, expected_rows=1)
    open_item(panel, qtbot, wid)
    assert panel.detail.claim.text().startswith("Not claimed")

    qtbot.keyClick(panel.view, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: cell(panel, wid, Col.CLAIMED_BY) == "You", timeout=5_000)
    qtbot.waitUntil(lambda: "left" in panel.detail.claim.text(), timeout=3_000)
    assert panel.detail.claim.text().startswith("Claimed by you — 4:")  # a 5-minute lease counting down
    assert cell(panel, wid, Col.STATUS) == "In review"

    qtbot.keyClick(panel.view, Qt.Key.Key_A)
    dialog = decision_dialog(panel, qtbot)
    assert "EUR 123.45" in dialog.summary.text() and name in dialog.summary.text()
    qtbot.keyClicks(dialog.comment, "Destination matches the deposits")
    qtbot.keyClick(dialog.comment, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    qtbot.waitUntil(lambda: panel.model.row_of(wid) is None, timeout=10_000)  # decided: left the queue
    assert not dialog.isVisible()
    assert f"{wid}: approved." in panel.detail.message.text.text()
    assert get_withdrawal(staff_http("payments1"), wid)["status"] == "approved"


def test_reject_needs_a_reason_from_the_reference_cache(
    reviewer: Any, sandbox: Any, qtbot: Any, staff_http: Any
) -> None:
    panel = open_panel(reviewer("payments1"), qtbot)
    name = unique_name()
    wid = make_withdrawal(sandbox, player_name=name)
    search_for(panel, qtbot, name, expected_rows=1)
    open_item(panel, qtbot, wid)

    qtbot.keyClick(panel.view, Qt.Key.Key_R)  # claims it on the way: no separate C needed
    dialog = decision_dialog(panel, qtbot)
    assert not dialog.confirm.isEnabled()  # no reason chosen yet
    labels = [dialog.reason.itemText(i) for i in range(dialog.reason.count())]
    assert "Duplicate withdrawal request" in labels
    dialog.reason.setCurrentIndex(labels.index("Duplicate withdrawal request"))
    assert dialog.confirm.isEnabled()
    qtbot.keyClicks(dialog.comment, "Second request for the same win")
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Enter confirms

    qtbot.waitUntil(lambda: panel.model.row_of(wid) is None, timeout=10_000)
    body = get_withdrawal(staff_http("payments1"), wid)
    assert body["status"] == "rejected"
    assert body["reject_reason_code"] == "duplicate_request"
    assert body["reject_comment"] == "Second request for the same win"


def test_a_stale_reason_code_is_refused_next_to_the_field_and_the_comment_is_kept(
    reviewer: Any, sandbox: Any, qtbot: Any, staff_http: Any
) -> None:
    panel = open_panel(reviewer("payments1"), qtbot)
    name = unique_name()
    wid = make_withdrawal(sandbox, player_name=name)
    search_for(panel, qtbot, name, expected_rows=1)
    open_item(panel, qtbot, wid)
    qtbot.keyClick(panel.view, Qt.Key.Key_R)
    dialog = decision_dialog(panel, qtbot)
    # A code the server retired since the cache was synced: the server has the last word.
    dialog.reason.addItem("Retired reason", "retired_reason")
    dialog.reason.setCurrentIndex(dialog.reason.count() - 1)
    qtbot.keyClicks(dialog.comment, "typed with care")
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: dialog.reason_error.isVisible(), timeout=10_000)
    assert "unknown reason code" in dialog.reason_error.text()
    assert dialog.isVisible() and dialog.comment.toPlainText() == "typed with care"
    assert get_withdrawal(staff_http("payments1"), wid)["status"] == "in_review"  # claimed, not decided
    dialog.reject()


def test_four_eyes_needs_a_second_colleague(reviewer: Any, sandbox: Any, qtbot: Any, staff_http: Any) -> None:
    first = open_panel(reviewer("payments1"), qtbot)
    second = open_panel(reviewer("payments2"), qtbot)
    name = unique_name()
    wid = make_withdrawal(sandbox, player_name=name, amount_eur_minor=ABOVE_THRESHOLD)
    for panel in (first, second):
        search_for(panel, qtbot, name, expected_rows=1)
    assert cell(first, wid, Col.APPROVALS) == "0 of 2"

    open_item(first, qtbot, wid)
    qtbot.keyClick(first.view, Qt.Key.Key_A)
    dialog = decision_dialog(first, qtbot)
    assert "first of two approvals" in dialog.summary.text()
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cell(first, wid, Col.STATUS) == "Awaiting 2nd approver", timeout=10_000)
    assert cell(first, wid, Col.APPROVALS) == "1 of 2"
    assert "you gave the first approval" in first.detail.four_eyes.text()
    assert not first.approve_action.isEnabled()  # the same person cannot give the second

    # The colleague's queue updated live and offers it under "Awaiting my 2nd approval".
    qtbot.waitUntil(lambda: cell(second, wid, Col.STATUS) == "Awaiting 2nd approver", timeout=10_000)
    qtbot.mouseClick(second.filters.awaiting_me, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: second.model.rowCount() == 1, timeout=5_000)
    first.filters.awaiting_me.setChecked(True)
    qtbot.waitUntil(lambda: first.model.rowCount() == 0, timeout=5_000)

    open_item(second, qtbot, wid)
    assert "Awaiting second approver" in second.detail.four_eyes.text()
    assert "Pia Payments" in second.detail.four_eyes.text()
    qtbot.keyClick(second.view, Qt.Key.Key_A)
    dialog = decision_dialog(second, qtbot)
    assert "completes it" in dialog.summary.text()
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: second.model.row_of(wid) is None, timeout=10_000)

    body = get_withdrawal(staff_http("payments1"), wid)
    assert body["status"] == "approved"
    assert [a["staff_name"] for a in body["approvals"]] == ["Pia Payments", "Per Payments"]


def test_two_reviewers_racing_to_approve_one_wins_the_other_is_told(
    reviewer: Any, sandbox: Any, qtbot: Any, staff_http: Any
) -> None:
    panels = [open_panel(reviewer("payments1"), qtbot), open_panel(reviewer("payments2"), qtbot)]
    name = unique_name()
    wid = make_withdrawal(sandbox, player_name=name)
    dialogs = []
    for panel in panels:
        search_for(panel, qtbot, name, expected_rows=1)
        open_item(panel, qtbot, wid)
        panel.live.hold()  # both look at the same version: neither sees the other's claim first
        qtbot.keyClick(panel.view, Qt.Key.Key_A)
        dialogs.append(decision_dialog(panel, qtbot))
    for dialog in dialogs:  # both confirm in the same event-loop turn
        dialog.confirm.click()

    qtbot.waitUntil(lambda: sum(not d.isVisible() for d in dialogs) == 1, timeout=15_000)
    qtbot.waitUntil(lambda: all(not d._busy for d in dialogs), timeout=15_000)
    loser = next(d for d in dialogs if d.isVisible())
    told = loser.message.text.text()
    assert "changed this withdrawal" in told or "claimed by" in told, told
    body = get_withdrawal(staff_http("payments1"), wid)
    assert body["status"] == "approved" and len(body["approvals"]) == 1
    assert audit_count(staff_http("admin"), "withdrawal.approve", wid) == 1
    loser.reject()


def test_a_stale_version_shows_what_changed_and_by_whom_then_refreshes(
    reviewer: Any, sandbox: Any, qtbot: Any, staff_http: Any
) -> None:
    panel = open_panel(reviewer("payments1"), qtbot)
    name = unique_name()
    wid = make_withdrawal(sandbox, player_name=name)
    search_for(panel, qtbot, name, expected_rows=1)
    open_item(panel, qtbot, wid)
    panel.live.hold()  # the colleague's claim has not reached this screen yet
    claim_as(staff_http("payments2"), wid)

    qtbot.keyClick(panel.view, Qt.Key.Key_A)
    dialog = decision_dialog(panel, qtbot)
    qtbot.keyClicks(dialog.comment, "looked fine")
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "changed this withdrawal" in dialog.message.text.text(), timeout=10_000)
    told = dialog.message.text.text()
    dialog.grab().save("screenshots/withdrawals-412-dialog.png")
    assert "Claimed by: nobody → Per Payments" in told
    assert "Status: Pending → In review" in told
    # Refreshed: the detail and the row show the colleague's claim; the typed comment is kept.
    assert "Claimed by Per Payments" in panel.detail.claim.text()
    assert cell(panel, wid, Col.CLAIMED_BY) == "Per Payments"
    assert dialog.comment.toPlainText() == "looked fine"

    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)  # "approve it as it is now"
    qtbot.waitUntil(lambda: "claimed by Per Payments" in dialog.message.text.text(), timeout=10_000)
    assert get_withdrawal(staff_http("payments1"), wid)["status"] == "in_review"
    dialog.reject()

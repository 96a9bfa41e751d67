"""The queue as a reviewer sees it: order, filters, counts, live rows, leases, keyboard, permissions."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel
from wd_support import (
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

from bo_desktop.contract.enums import Permission
from bo_desktop.contract.events import EventType, ServerEvent
from bo_desktop.features.withdrawals.columns import Col

HOSTILE = '<b>Bold</b><img src=x onerror=alert(1)> =HYPERLINK("http://x") &amp; <a href="x">link</a>'


def test_default_order_is_risk_then_age_and_counts_match(reviewer: Any, sandbox: Any, qtbot: Any) -> None:
    panel = open_panel(reviewer("payments1"), qtbot)
    surname = unique_name("Order")
    older = make_withdrawal(sandbox, player_name=f"A {surname}", risk_level="high", minutes_ago=90)
    newer = make_withdrawal(sandbox, player_name=f"B {surname}", risk_level="high", minutes_ago=5)
    critical = make_withdrawal(sandbox, player_name=f"C {surname}", risk_level="critical", minutes_ago=1)
    low = make_withdrawal(sandbox, player_name=f"D {surname}", risk_level="low", minutes_ago=300)
    search_for(panel, qtbot, surname, expected_rows=4)
    assert [panel.model.id_at(r) for r in range(4)] == [critical, older, newer, low]
    assert cell(panel, critical, Col.RISK) == "90"
    assert cell(panel, older, Col.AGE) == "1 h 30"
    assert "showing 4 of" in panel.counts.text()

    header = panel.view.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=_header_point(panel, Col.AGE))
    ages = [panel.model.id_at(r) for r in range(4)]
    assert ages in ([critical, newer, older, low], [low, older, newer, critical])

    response_counts = panel.model.store.open_counts()
    assert sum(response_counts.values()) == panel.model.total_open()
    assert f"Pending {response_counts['pending']:,}" in panel.counts.text()


def _header_point(panel: Any, column: Col) -> Any:
    header = panel.view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    return QPoint(x, header.height() // 2)


def test_filters_narrow_the_queue(reviewer: Any, sandbox: Any, qtbot: Any, staff_http: Any) -> None:
    panel = open_panel(reviewer("payments1"), qtbot)
    surname = unique_name("Filter")
    small = make_withdrawal(sandbox, player_name=f"A {surname}", amount_eur_minor=5_000, risk_level="low")
    big = make_withdrawal(
        sandbox, player_name=f"B {surname}", amount_eur_minor=900_000, risk_level="critical"
    )
    mine = make_withdrawal(sandbox, player_name=f"C {surname}", amount_eur_minor=40_000, risk_level="medium")
    search_for(panel, qtbot, surname, expected_rows=3)

    panel.filters.min_eur.setValue(1_000)
    panel.filters.flush()
    assert [panel.model.id_at(r) for r in range(panel.model.rowCount())] == [big]
    panel.filters.min_eur.setValue(0)
    panel.filters.max_eur.setValue(100)
    panel.filters.flush()
    assert [panel.model.id_at(r) for r in range(panel.model.rowCount())] == [small]
    panel.filters.max_eur.setValue(0)
    panel.filters.flush()

    panel.filters.risk.setCurrentIndex(panel.filters.risk.findText("High and above"))
    assert panel.model.rowCount() == 1 and panel.model.id_at(0) == big
    panel.filters.risk.setCurrentIndex(0)

    open_item(panel, qtbot, mine)
    qtbot.keyClick(panel.view, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: cell(panel, mine, Col.CLAIMED_BY) == "You", timeout=5_000)
    qtbot.mouseClick(panel.filters.mine, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=5_000)
    assert panel.model.id_at(0) == mine
    qtbot.mouseClick(panel.filters.mine, Qt.MouseButton.LeftButton)

    panel.filters.status.setCurrentIndex(panel.filters.status.findText("In review"))
    assert [panel.model.id_at(r) for r in range(panel.model.rowCount())] == [mine]
    panel.filters.status.setCurrentIndex(0)
    panel.filters.psp.setCurrentIndex(panel.filters.psp.findText("Adyen"))
    assert panel.model.rowCount() == 0  # all three pay out through Trustly
    panel.filters.psp.setCurrentIndex(panel.filters.psp.findText("Trustly"))
    assert panel.model.rowCount() == 3
    search_for(panel, qtbot, small, expected_rows=1)  # by withdrawal id too


def test_a_colleagues_claim_shows_at_once_keeping_selection_and_scroll(
    reviewer: Any, sandbox: Any, qtbot: Any, staff_http: Any
) -> None:
    panel = open_panel(reviewer("payments1"), qtbot)
    panel.resize(1500, 420)  # short: the queue scrolls
    surname = unique_name("Live")
    ids = [make_withdrawal(sandbox, player_name=f"{i:02d} {surname}", risk_level="medium") for i in range(30)]
    search_for(panel, qtbot, surname, expected_rows=30)
    target = ids[20]
    open_item(panel, qtbot, target)
    panel.view.scrollTo(panel.model.index(panel.model.row_of(target) or 0, 0))
    top_before = panel.model.id_at(panel.view.rowAt(0))
    assert panel.view.verticalScrollBar().value() > 0

    claim_as(staff_http("payments2"), target)
    qtbot.waitUntil(lambda: cell(panel, target, Col.CLAIMED_BY) == "Per Payments", timeout=5_000)
    row = panel.model.row_of(target)
    assert row is not None
    assert panel.model.index(row, Col.PLAYER).data(Qt.ItemDataRole.FontRole).italic()
    assert "Claimed by Per Payments" in panel.detail.claim.text()
    assert not panel.claim_action.isEnabled()

    # New riskier rows arrive above what the reviewer is reading: nothing under the eyes moves.
    for i in range(5):
        make_withdrawal(sandbox, player_name=f"new {i} {surname}", risk_level="critical")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 35, timeout=5_000)
    assert panel.view.current_id() == target
    assert panel.model.id_at(panel.view.rowAt(0)) == top_before


def test_a_row_decided_elsewhere_leaves_and_j_continues_from_there(
    reviewer: Any, sandbox: Any, qtbot: Any, staff_http: Any
) -> None:
    panel = open_panel(reviewer("payments1"), qtbot)
    surname = unique_name("Gone")
    first, second, third = (
        make_withdrawal(sandbox, player_name=f"{i} {surname}", minutes_ago=30 - i) for i in range(3)
    )
    search_for(panel, qtbot, surname, expected_rows=3)
    open_item(panel, qtbot, second)

    colleague = staff_http("payments2")
    claimed = claim_as(colleague, second)
    response = colleague.post(
        f"/withdrawals/{second}/reject",
        json={"reason_code": "duplicate_request", "comment": ""},
        headers={"If-Match": f'W/"{claimed["version"]}"', "Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 200, response.text
    qtbot.waitUntil(lambda: panel.model.row_of(second) is None, timeout=5_000)
    assert panel.detail.withdrawal is not None and panel.detail.withdrawal.status == "rejected"
    assert f"{second} left the queue: it is rejected now" in panel.detail.message.text.text()

    qtbot.keyClick(panel.view, Qt.Key.Key_J)
    qtbot.waitUntil(
        lambda: panel.detail.withdrawal is not None and panel.detail.withdrawal.id == third, timeout=5_000
    )
    qtbot.keyClick(panel.view, Qt.Key.Key_K)
    qtbot.waitUntil(
        lambda: panel.detail.withdrawal is not None and panel.detail.withdrawal.id == first, timeout=5_000
    )


def test_a_stream_reset_reloads_the_queue_and_keeps_the_open_item(
    reviewer: Any, sandbox: Any, qtbot: Any
) -> None:
    ctx = reviewer("payments1")
    panel = open_panel(ctx, qtbot)
    surname = unique_name("Reset")
    seen = make_withdrawal(sandbox, player_name=f"1 {surname}")
    search_for(panel, qtbot, surname, expected_rows=1)
    open_item(panel, qtbot, seen)
    missed = make_withdrawal(sandbox, player_name=f"2 {surname}", announce=False)
    qtbot.wait(300)
    assert panel.model.row_of(missed) is None  # the client never heard of it

    ctx.events.publish(ServerEvent(id=0, type=EventType.RESET.value, data={}))  # "you missed events"
    qtbot.waitUntil(lambda: panel.model.row_of(missed) is not None, timeout=10_000)
    assert panel.view.current_id() == seen
    assert panel.detail.withdrawal is not None and panel.detail.withdrawal.id == seen


def test_hostile_player_names_are_plain_text_everywhere(reviewer: Any, sandbox: Any, qtbot: Any) -> None:
    panel = open_panel(reviewer("payments1"), qtbot)
    wid = make_withdrawal(sandbox, player_name=HOSTILE)
    search_for(panel, qtbot, wid, expected_rows=1)
    assert cell(panel, wid, Col.PLAYER) == f"{HOSTILE} · P-000001"
    open_item(panel, qtbot, wid)
    assert panel.detail.player_name.text() == f"{HOSTILE} (P-000001)"
    labels = [panel.detail.player_name, panel.detail.title, panel.detail.message.text]
    assert [label.textFormat() for label in labels] == [Qt.TextFormat.PlainText] * 3
    qtbot.keyClick(panel.view, Qt.Key.Key_A)
    dialog = decision_dialog(panel, qtbot)
    assert HOSTILE in dialog.summary.text()
    formats = {
        label.objectName() or label.text(): label.textFormat() for label in dialog.findChildren(QLabel)
    }
    assert set(formats.values()) == {Qt.TextFormat.PlainText}, formats
    dialog.reject()
    panel.grab().save("screenshots/withdrawals-hostile-name.png")


def test_lease_counts_down_renews_while_open_and_is_released_on_leaving(
    reviewer: Any, sandbox: Any, qtbot: Any, staff_http: Any
) -> None:
    # A 30-second lease renewed when 28 s are left: a renewal within a few seconds.
    panel = open_panel(reviewer("payments1"), qtbot, lease_seconds=30, renew_margin=28)
    surname = unique_name("Lease")
    wid = make_withdrawal(sandbox, player_name=f"1 {surname}", minutes_ago=10)
    other = make_withdrawal(sandbox, player_name=f"2 {surname}", minutes_ago=5)
    search_for(panel, qtbot, surname, expected_rows=2)
    open_item(panel, qtbot, wid)
    qtbot.keyClick(panel.view, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: "Claimed by you — 0:" in panel.detail.claim.text(), timeout=5_000)
    http = staff_http("payments1")
    first = get_withdrawal(http, wid)
    qtbot.waitUntil(lambda: get_withdrawal(http, wid)["version"] > first["version"], timeout=10_000)
    renewed = get_withdrawal(http, wid)
    assert renewed["claimed_by"] == "ST-002"
    assert datetime.fromisoformat(renewed["claim_expires_at"]) > datetime.fromisoformat(
        first["claim_expires_at"]
    )

    qtbot.keyClick(panel.view, Qt.Key.Key_J)  # moving on closes the item: the claim goes back
    qtbot.waitUntil(
        lambda: panel.detail.withdrawal is not None and panel.detail.withdrawal.id == other, timeout=5_000
    )
    qtbot.waitUntil(lambda: get_withdrawal(http, wid)["claimed_by"] is None, timeout=5_000)
    assert get_withdrawal(http, wid)["status"] == "pending"
    assert datetime.now(UTC) < datetime.fromisoformat(renewed["claim_expires_at"])  # before it ran out


def test_bulk_approve_reports_each_item_and_does_not_retry_failures(
    reviewer: Any, sandbox: Any, qtbot: Any, staff_http: Any
) -> None:
    panel = open_panel(reviewer("payments1"), qtbot)
    surname = unique_name("Bulk")
    ids = [make_withdrawal(sandbox, player_name=f"{i} {surname}", minutes_ago=10 - i) for i in range(3)]
    search_for(panel, qtbot, surname, expected_rows=3)
    claim_as(staff_http("payments2"), ids[1])  # a colleague is on this one
    qtbot.waitUntil(lambda: cell(panel, ids[1], Col.CLAIMED_BY) == "Per Payments", timeout=5_000)
    open_item(panel, qtbot, ids[0])
    qtbot.keyClick(panel.view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # select all
    assert len(panel.view.selected_rows()) == 3
    qtbot.keyClick(panel.view, Qt.Key.Key_A)
    dialog = decision_dialog(panel, qtbot)
    assert "Approve 3 withdrawals, EUR 1,500.00 in total" in dialog.summary.text()
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(
        lambda: panel.actions_.results is not None and panel.actions_.results.isVisible(), timeout=20_000
    )
    results = panel.actions_.results
    results.grab().save("screenshots/withdrawals-bulk-results.png")
    assert results.summary.text() == "2 of 3 done, 1 not done."
    rows = {
        results.model.index(r, 0).data(): (results.model.index(r, 1).data(), results.model.index(r, 2).data())
        for r in range(3)
    }
    assert rows[ids[0]][0] == "Approved" and rows[ids[2]][0] == "Approved"
    assert rows[ids[1]][0] == "Not done" and "claimed by Per Payments" in rows[ids[1]][1]
    http = staff_http("payments1")
    assert [get_withdrawal(http, i)["status"] for i in ids] == ["approved", "in_review", "approved"]
    assert get_withdrawal(http, ids[1])["claimed_by"] == "ST-003"  # left alone, not retried

    assert results.select_button is not None
    qtbot.mouseClick(results.select_button, Qt.MouseButton.LeftButton)
    assert [panel.model.id_at(r) for r in panel.view.selected_rows()] == [ids[1]]


def test_roles_that_may_not_decide_see_no_actions(
    reviewer: Any, sandbox: Any, qtbot: Any, staff_http: Any
) -> None:
    compliance = open_panel(reviewer("compliance"), qtbot)
    assert not compliance.ctx.can(Permission.WITHDRAWALS_DECIDE)
    for action in (
        compliance.claim_action,
        compliance.approve_action,
        compliance.reject_action,
        compliance.release_action,
    ):
        assert not action.isVisible()

    manager = open_panel(reviewer("manager"), qtbot)
    assert not manager.approve_action.isVisible() and manager.release_action.isVisible()
    assert manager.release_action.text() == "Break claim"
    name = unique_name()
    wid = make_withdrawal(sandbox, player_name=name)
    claim_as(staff_http("payments2"), wid)
    search_for(manager, qtbot, name, expected_rows=1)
    open_item(manager, qtbot, wid)
    qtbot.waitUntil(manager.release_action.isEnabled, timeout=5_000)
    manager.release_action.trigger()
    qtbot.waitUntil(lambda: get_withdrawal(staff_http("manager"), wid)["claimed_by"] is None, timeout=5_000)
    qtbot.keyClick(manager.view, Qt.Key.Key_A)  # the shortcut does nothing for a manager
    qtbot.wait(200)
    assert manager.actions_.dialog is None


def test_open_player_link_asks_the_shell(reviewer: Any, sandbox: Any, qtbot: Any) -> None:
    ctx = reviewer("payments1")
    panel = open_panel(ctx, qtbot)
    name = unique_name()
    wid = make_withdrawal(sandbox, player_name=name)
    search_for(panel, qtbot, name, expected_rows=1)
    open_item(panel, qtbot, wid)
    with qtbot.waitSignal(ctx.requests.open_player, timeout=2_000) as blocker:
        qtbot.mouseClick(panel.detail.open_player, Qt.MouseButton.LeftButton)
    assert blocker.args == ["P-000001"]

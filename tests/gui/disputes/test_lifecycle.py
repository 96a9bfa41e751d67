"""A ticket's whole life driven through the GUI: create from a transaction, assign with a reason,
talk, wait on the player (SLA paused), resume, escalate, resolve with compensation, a manager's
approval arriving live, close."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from dispute_helpers import ApiAs, visible_dialog
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from bo_desktop.core.context import AppContext
from bo_desktop.features.disputes.conversation import CommentCard
from bo_desktop.features.disputes.create_dialog import CreateDisputeDialog
from bo_desktop.features.disputes.dialogs import AssignDialog, ResolveDialog
from bo_desktop.features.disputes.panel import DisputesPanel
from bo_desktop.features.disputes.ticket_view import TicketView

LEFT = Qt.MouseButton.LeftButton


def cards(view: TicketView) -> list[CommentCard]:
    return view.conversation.cards()


def click_move(qtbot: Any, view: TicketView, target: str, label: str, status: str) -> None:
    button = view.move_buttons[target]
    # The previous change's event may show its result before its HTTP answer re-enables actions.
    qtbot.waitUntil(button.isEnabled, timeout=10_000)
    assert button.isVisible() and button.text() == label
    qtbot.mouseClick(button, LEFT)
    qtbot.waitUntil(lambda: view.header.status.text() == status, timeout=10_000)


def test_whole_lifecycle(
    qtbot: Any,
    dispute_ctx: Callable[..., AppContext],
    open_panel: Callable[[AppContext], DisputesPanel],
    api_as: Callable[..., ApiAs],
) -> None:
    ctx = dispute_ctx("support")
    panel = open_panel(ctx)
    view = panel.ticket_view
    deposit = api_as("support").call("GET", "/transactions", params={"type": "deposit", "limit": 1})["data"][
        0
    ]

    # What the players feature emits from a transaction row.
    ctx.requests.create_dispute.emit(deposit["player_id"], "transaction", deposit["id"])
    create = visible_dialog(qtbot, panel, CreateDisputeDialog)
    assert create.player.text() == deposit["player_id"] and create.link_id.text() == deposit["id"]
    qtbot.mouseClick(create.ok, LEFT)
    assert (
        create.isVisible() and create.findChild(QWidget, "error_subject").text() == "A subject is required."
    )
    qtbot.keyClicks(create.subject, "Deposit not credited")
    qtbot.keyClicks(create.description, "Player called: the deposit is missing from the balance.")
    qtbot.mouseClick(create.ok, LEFT)
    qtbot.waitUntil(
        lambda: view.ticket is not None and view.ticket.subject == "Deposit not credited", timeout=10_000
    )
    ticket_id = view.ticket.id
    assert view.header.status.text() == "New"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \(in 5[56] days\)", view.header.adr.text())
    assert "left (due" in view.header.sla.text()
    qtbot.waitUntil(lambda: view.links.rowCount() == 1 and len(cards(view)) == 1)
    assert view.links.index(0, 1).data() == deposit["id"]
    qtbot.waitUntil(lambda: panel.model.row_of(ticket_id) >= 0 or panel.view.value != "all")

    # Assignment needs a reason; the dialog keeps what was chosen while it says so.
    qtbot.mouseClick(view.header.assign, LEFT)
    assign = visible_dialog(qtbot, view, AssignDialog)
    assert assign.assignee.currentText() == "Sam Support (me)"
    qtbot.mouseClick(assign.ok, LEFT)
    error = assign.findChild(QWidget, "error_reason")
    assert assign.isVisible() and error.isVisible() and error.text() == "A reason is required."
    qtbot.keyClicks(assign.reason, "Taking this one")
    qtbot.mouseClick(assign.ok, LEFT)
    qtbot.waitUntil(lambda: view.header.assignee.text() == "Sam Support", timeout=10_000)
    assert view.header.status.text() == "Open"

    # An internal note (Ctrl+Enter), then a reply to the player.
    qtbot.keyClicks(view.composer.editor, "Checked the PSP log: deposit pending at Trustly.")
    qtbot.keyClick(view.composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(cards(view)) == 2, timeout=10_000)
    qtbot.mouseClick(view.composer.to_player, LEFT)
    qtbot.keyClicks(view.composer.editor, "Could you send us your bank statement? <b>thanks</b>")
    qtbot.mouseClick(view.composer.send_button, LEFT)
    qtbot.waitUntil(lambda: len(cards(view)) == 3, timeout=10_000)
    names = [c.objectName() for c in cards(view)]
    assert names == ["internalComment", "internalComment", "playerComment"]
    body = cards(view)[-1].findChild(QWidget, "commentBody")
    assert body.text().endswith("<b>thanks</b>") and body.textFormat() == Qt.TextFormat.PlainText
    qtbot.waitUntil(lambda: view.composer.text == "")

    # Waiting on the player pauses the SLA; the answer resumes it.
    click_move(qtbot, view, "waiting_on_player", "Wait for player", "Waiting on player")
    assert view.header.sla.text().startswith("Paused · ")
    click_move(qtbot, view, "open", "Player answered", "Open")
    assert "paused" not in view.header.sla.text() and "left (due" in view.header.sla.text()
    click_move(qtbot, view, "escalated", "Escalate", "Escalated")

    # Resolve with compensation above the approval threshold.
    qtbot.waitUntil(view.resolve_button.isEnabled)
    qtbot.mouseClick(view.resolve_button, LEFT)
    resolve = visible_dialog(qtbot, view, ResolveDialog)
    qtbot.keyClicks(resolve.summary, "Deposit credited manually; goodwill for the delay.")
    resolve.currency.setCurrentText("EUR")
    qtbot.keyClicks(resolve.amount, "600")
    assert "a manager must approve" in resolve.approval_hint.text()
    qtbot.mouseClick(resolve.ok, LEFT)
    qtbot.waitUntil(lambda: view.header.status.text() == "Resolved", timeout=10_000)
    assert "EUR 600.00" in view.header.resolution.text()
    assert "waiting for a manager's approval" in view.header.resolution.text()
    assert not view.approve_button.isVisible()  # support may not approve

    close = view.move_buttons["closed"]
    qtbot.waitUntil(view.move_buttons["open"].isEnabled)  # "Reopen": the action finished
    assert close.isVisible() and not close.isEnabled()
    assert close.toolTip() == "A manager must approve the compensation first."

    # The manager approves in their own window; the handler's view updates live.
    manager_panel = open_panel(dispute_ctx("manager"))
    manager_panel.show_dispute(ticket_id)
    manager_view = manager_panel.ticket_view
    qtbot.waitUntil(
        lambda: manager_view.ticket is not None and manager_view.approve_button.isVisible(), timeout=10_000
    )
    qtbot.mouseClick(manager_view.approve_button, LEFT)
    qtbot.waitUntil(lambda: "approved by a manager" in view.header.resolution.text(), timeout=15_000)
    assert "Max Manager (manager) changed this ticket just now" in view.message.text()

    click_move(qtbot, view, "closed", "Close", "Closed")
    assert not view.composer.isEnabled()
    assert not any(b.isVisible() for b in view.move_buttons.values())

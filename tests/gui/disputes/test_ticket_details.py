"""Ticket details: links and attachments (models checked), link/unlink, offline, create from a profile."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dispute_helpers import ApiAs, visible_dialog
from PySide6.QtCore import Qt

from bo_desktop.core.context import AppContext
from bo_desktop.features.disputes.create_dialog import CreateDisputeDialog
from bo_desktop.features.disputes.dialogs import LinkDialog
from bo_desktop.features.disputes.panel import DisputesPanel

LEFT = Qt.MouseButton.LeftButton


def test_links_attachments_and_opening_the_player(
    qtbot: Any,
    qtmodeltester: Any,
    dispute_ctx: Callable[..., AppContext],
    open_panel: Callable[[AppContext], DisputesPanel],
    api_as: Callable[..., ApiAs],
) -> None:
    support = api_as("support")
    deposit = support.call("GET", "/transactions", params={"type": "deposit", "limit": 1})["data"][0]
    ticket = support.create(player_id=deposit["player_id"], kind="chargeback", subject="Unknown card deposit")
    support.call(
        "POST",
        f"/disputes/{ticket['id']}/attachments",
        json={"file_name": "statement.pdf", "content_type": "application/pdf", "size_bytes": 182_400},
    )
    ctx = dispute_ctx("support")
    panel = open_panel(ctx)
    view = panel.ticket_view
    panel.show_dispute(ticket["id"])
    qtbot.waitUntil(lambda: view.attachments.rowCount() == 1, timeout=10_000)
    assert [view.attachments.index(0, c).data() for c in range(5)][:4] == [
        "statement.pdf", "application/pdf", "182 kB", "Sam Support",
    ]  # fmt: skip
    assert view.tabs.tabText(2) == "Attachments (1)" and view.tabs.tabText(1) == "Links (0)"
    qtmodeltester.check(view.attachments)

    qtbot.mouseClick(view.link_button, LEFT)
    dialog = visible_dialog(qtbot, view, LinkDialog)
    qtbot.keyClicks(dialog.target, "T-99999999")
    qtbot.mouseClick(dialog.ok, LEFT)
    error = dialog.findChild(type(dialog.message), "error_target_id")
    qtbot.waitUntil(lambda: error.isVisible(), timeout=10_000)
    assert error.text() == "there is no transaction T-99999999" and dialog.target.text() == "T-99999999"
    dialog.target.clear()
    qtbot.keyClicks(dialog.target, deposit["id"].lower())
    qtbot.mouseClick(dialog.ok, LEFT)
    qtbot.waitUntil(lambda: view.links.rowCount() == 1, timeout=10_000)
    assert view.links.index(0, 1).data() == deposit["id"]
    assert view.links.index(0, 3).data().endswith(f"{deposit['amount_minor'] / 100:,.2f}")
    qtmodeltester.check(view.links)

    view.links_table.selectRow(0)
    with qtbot.waitSignal(ctx.requests.open_player, timeout=2_000) as opened:
        qtbot.mouseClick(view.open_link_button, LEFT)
    assert opened.args == [deposit["player_id"]]
    with qtbot.waitSignal(ctx.requests.open_player, timeout=2_000) as opened:
        qtbot.mouseClick(view.header.player, LEFT)
    assert opened.args == [deposit["player_id"]]

    qtbot.mouseClick(view.unlink_button, LEFT)
    qtbot.waitUntil(lambda: view.links.rowCount() == 0, timeout=10_000)


def test_offline_disables_changes_and_keeps_words(
    qtbot: Any,
    dispute_ctx: Callable[..., AppContext],
    open_panel: Callable[[AppContext], DisputesPanel],
    api_as: Callable[..., ApiAs],
) -> None:
    ticket = api_as("support").create(subject="Offline test")
    ctx = dispute_ctx("support", live=False)
    panel = open_panel(ctx)
    view = panel.ticket_view
    panel.show_dispute(ticket["id"])
    qtbot.waitUntil(lambda: view.ticket is not None, timeout=10_000)
    qtbot.keyClicks(view.composer.editor, "Words written on a train")
    assert view.composer.send_button.isEnabled()
    ctx.session.online = False
    assert not view.composer.send_button.isEnabled()
    assert not any(b.isEnabled() for b in view.move_buttons.values() if b.isVisible())
    assert not view.resolve_button.isEnabled() and not view.header.assign.isEnabled()
    assert "Offline" in view.message.text()
    qtbot.keyClick(view.composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert view.composer.text.startswith("Words written on a train")  # nothing sent, nothing queued
    ctx.session.online = True
    assert view.composer.send_button.isEnabled() and view.move_buttons["open"].isEnabled()


def test_create_from_a_player_profile(
    qtbot: Any,
    dispute_ctx: Callable[..., AppContext],
    open_panel: Callable[[AppContext], DisputesPanel],
    api_as: Callable[..., ApiAs],
) -> None:
    player_id = api_as("support").call("GET", "/players", params={"limit": 1})["data"][0]["id"]
    ctx = dispute_ctx("support")
    panel = open_panel(ctx)
    ctx.requests.create_dispute.emit(player_id, "", "")  # what the profile's "New dispute" emits
    dialog = visible_dialog(qtbot, panel, CreateDisputeDialog)
    assert dialog.player.text() == player_id and dialog.link_kind.currentText() == "Nothing"
    dialog.kind.setCurrentIndex(dialog.kind.findText("RG complaint"))
    dialog.priority.setCurrentIndex(dialog.priority.findText("Urgent"))
    qtbot.keyClicks(dialog.subject, "Marketing after self-exclusion")
    qtbot.mouseClick(dialog.ok, LEFT)
    view = panel.ticket_view
    qtbot.waitUntil(lambda: view.ticket is not None and view.ticket.player_id == player_id, timeout=10_000)
    assert view.header.kind.text().startswith("· RG complaint")
    assert view.header.priority.currentText() == "Urgent"
    assert "3h 59m left" in view.header.sla.text() or "4h 00m left" in view.header.sla.text()

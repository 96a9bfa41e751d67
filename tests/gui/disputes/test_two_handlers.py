"""Two signed-in handlers, two windows, one ticket: the one whose change loses is told who won.

Neither window gets live events, so the manager's changes reach the support handler's window
only through the 412 (as when events lag or the connection blinked). Both work the way a person
does: buttons, the priority box, the Assign and Link dialogs, the composer.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dispute_helpers import ApiAs, visible_dialog
from PySide6.QtCore import Qt

from bo_desktop.core.context import AppContext
from bo_desktop.features.disputes.dialogs import AssignDialog, LinkDialog, ResolveDialog
from bo_desktop.features.disputes.drafts import drafts_path
from bo_desktop.features.disputes.panel import DisputesPanel
from bo_desktop.features.disputes.ticket_view import TicketView

LEFT = Qt.MouseButton.LeftButton
WORDS = "Checked with the PSP: the payout left us on Monday, reference to follow."


def open_ticket(qtbot: Any, panel: DisputesPanel, dispute_id: str) -> TicketView:
    panel.show_dispute(dispute_id)
    view = panel.ticket_view
    qtbot.waitUntil(lambda: view.ticket is not None and view.ticket.id == dispute_id, timeout=10_000)
    return view


def screenshot(panel: DisputesPanel, name: str) -> None:
    """With ``DISPUTES_SCREENSHOTS=dir`` set, keep what the handler sees (for a human to look at)."""
    folder = os.environ.get("DISPUTES_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        window = panel.window()
        window.grab().save(str(Path(folder) / name))
        size = window.size()
        window.resize(720, 900)  # a narrow dock: the message must wrap, not run off the edge
        window.grab().save(str(Path(folder) / name.replace(".png", "_narrow.png")))
        window.resize(size)


def wait_version(qtbot: Any, view: TicketView, version: int) -> None:
    qtbot.waitUntil(lambda: view.ticket is not None and view.ticket.version == version and not view._busy)


def test_the_losing_handler_sees_who_changed_what_and_keeps_their_comment(
    qtbot: Any,
    sandbox: Any,
    dispute_ctx: Callable[..., AppContext],
    open_panel: Callable[[AppContext], DisputesPanel],
    api_as: Callable[..., ApiAs],
) -> None:
    ticket = api_as("support").create(subject="Payout of 12 November not received")
    player_tx = api_as("support").call(
        "GET", "/transactions", params={"player_id": ticket["player_id"], "limit": 1}
    )["data"][0]["id"]
    sam = open_ticket(qtbot, open_panel(dispute_ctx("support", live=False)), ticket["id"])
    sam_panel = sam.parentWidget()
    while not isinstance(sam_panel, DisputesPanel):
        sam_panel = sam_panel.parentWidget()
    max_ = open_ticket(qtbot, open_panel(dispute_ctx("manager", live=False)), ticket["id"])

    # Sam starts writing to the player and leaves it unsent.
    qtbot.keyClicks(sam.composer.editor, WORDS)
    qtbot.waitUntil(lambda: sam.composer.status.text() == "Draft saved", timeout=5_000)

    # Meanwhile Max escalates, raises the priority, takes the ticket, links a deposit, comments.
    qtbot.mouseClick(max_.move_buttons["escalated"], LEFT)
    wait_version(qtbot, max_, 2)
    max_.header.priority.setFocus()
    qtbot.keyClick(max_.header.priority, Qt.Key.Key_Down)  # Normal → High
    wait_version(qtbot, max_, 3)
    qtbot.mouseClick(max_.header.assign, LEFT)
    assign = visible_dialog(qtbot, max_, AssignDialog)
    assert assign.assignee.currentText() == "Max Manager (me)"
    qtbot.keyClicks(assign.reason, "Taking it over: payout question")
    qtbot.mouseClick(assign.ok, LEFT)
    wait_version(qtbot, max_, 4)
    max_.tabs.setCurrentIndex(1)
    qtbot.mouseClick(max_.link_button, LEFT)
    link = visible_dialog(qtbot, max_, LinkDialog)
    qtbot.keyClicks(link.target, player_tx)
    qtbot.mouseClick(link.ok, LEFT)
    wait_version(qtbot, max_, 5)
    qtbot.keyClicks(max_.composer.editor, "Asked finance for the PSP reference.")
    qtbot.keyClick(max_.composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: max_.composer.text == "", timeout=10_000)

    # Sam, still looking at version 1, clicks "Start work": refused, and told exactly why.
    assert sam.ticket is not None and sam.ticket.version == 1
    qtbot.mouseClick(sam.move_buttons["open"], LEFT)
    qtbot.waitUntil(lambda: "1 new comment" in sam.message.text(), timeout=10_000)
    first, second, third = sam.message.text().split("\n")
    assert first.startswith("Max Manager (manager) made the last of 4 changes to this ticket at ")
    assert (
        "status New → Escalated; assignee unassigned → Max Manager; priority Normal → High; "
        f"linked transaction {player_tx}; 1 new comment." in first
    )
    assert (
        second == "Your “Start work” was not applied. The ticket now shows the current version: decide again."
    )
    assert third == "Your unsent comment is still in the box below."
    assert sam.message.isVisible()
    screenshot(sam_panel, "dispute_412.png")

    # The view shows the current ticket; the words Sam typed are still in the box and on disk.
    assert sam.header.status.text() == "Escalated"
    assert sam.header.priority.currentText() == "High"
    assert sam.header.assignee.text() == "Max Manager"
    assert sam.tabs.tabText(1) == "Links (1)"
    assert [c.findChild(type(sam.message), "commentBody").text() for c in sam.conversation.cards()] == [
        "Asked finance for the PSP reference."
    ]
    assert sam.composer.text == WORDS
    stored = json.loads(drafts_path(sandbox.url, "support").read_text(encoding="utf-8"))[ticket["id"]]
    assert stored["text"] == WORDS

    # Sam decides again on the current version and sends the comment.
    assert sam.move_buttons["open"].text() == "De-escalate"
    qtbot.keyClick(sam.composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: sam.composer.text == "" and len(sam.conversation.cards()) == 2, timeout=10_000)


def test_a_resolution_refused_with_412_stays_in_its_window(
    qtbot: Any,
    dispute_ctx: Callable[..., AppContext],
    open_panel: Callable[[AppContext], DisputesPanel],
    api_as: Callable[..., ApiAs],
) -> None:
    ticket = api_as("support").create(subject="Bonus removed without notice", kind="bonus_dispute")
    sam = open_ticket(qtbot, open_panel(dispute_ctx("support", live=False)), ticket["id"])
    max_ = open_ticket(qtbot, open_panel(dispute_ctx("manager", live=False)), ticket["id"])

    qtbot.mouseClick(sam.resolve_button, LEFT)
    resolve = visible_dialog(qtbot, sam, ResolveDialog)
    qtbot.keyClicks(resolve.summary, "Bonus terms 4.2 were met; bonus restored.")

    qtbot.mouseClick(max_.move_buttons["waiting_on_player"], LEFT)
    wait_version(qtbot, max_, 2)

    qtbot.mouseClick(resolve.ok, LEFT)
    qtbot.waitUntil(lambda: "Max Manager changed this ticket at " in resolve.message.text(), timeout=10_000)
    assert resolve.isVisible()
    assert resolve.summary.toPlainText() == "Bonus terms 4.2 were met; bonus restored."
    banner = sam.message.text()
    assert banner.startswith("Max Manager (manager) changed this ticket at ")
    assert "status New → Waiting on player." in banner
    assert "What you entered is still in the Resolve window; press OK to apply it now." in banner
    assert sam.header.status.text() == "Waiting on player"

    qtbot.mouseClick(resolve.ok, LEFT)
    qtbot.waitUntil(lambda: sam.header.status.text() == "Resolved", timeout=10_000)
    qtbot.waitUntil(lambda: not resolve.isVisible())  # the dialog closes once the server accepted

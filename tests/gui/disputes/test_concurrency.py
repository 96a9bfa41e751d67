"""Two handlers on one ticket, and the server escalating an overdue one while the inbox watches."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from dispute_helpers import ApiAs, visible_dialog
from PySide6.QtCore import Qt

from bo_desktop.contract.enums import DisputeView
from bo_desktop.core.context import AppContext
from bo_desktop.features.disputes.dialogs import AssignDialog
from bo_desktop.features.disputes.model import Col
from bo_desktop.features.disputes.panel import VIEWS, DisputesPanel
from bo_desktop.sandbox import db

LEFT = Qt.MouseButton.LeftButton


def test_second_handler_gets_412_with_what_changed_and_keeps_their_words(
    qtbot: Any,
    dispute_ctx: Callable[..., AppContext],
    open_panel: Callable[[AppContext], DisputesPanel],
    api_as: Callable[..., ApiAs],
) -> None:
    colleague = api_as("manager")
    ticket = colleague.create(subject="Bonus winnings removed", kind="bonus_dispute")
    # No live events here: the colleague's change must reach this window only through the 412.
    panel = open_panel(dispute_ctx("support", live=False))
    view = panel.ticket_view
    panel.show_dispute(ticket["id"])
    qtbot.waitUntil(lambda: view.ticket is not None and view.ticket.id == ticket["id"], timeout=10_000)
    qtbot.keyClicks(view.composer.editor, "Half-written reply about section 4.2")

    colleague.call(
        "PATCH", f"/disputes/{ticket['id']}", version=ticket["version"], json={"priority": "urgent"}
    )
    escalate = view.move_buttons["escalated"]
    qtbot.mouseClick(escalate, LEFT)
    qtbot.waitUntil(
        lambda: "Max Manager (manager) changed this ticket" in view.message.text(), timeout=10_000
    )
    message = view.message.text()
    assert "priority Normal → Urgent" in message
    assert "Your “Escalate” was not applied" in message
    assert "Your unsent comment is still in the box below." in message
    assert "status" not in message.split("\n")[0]  # only what changed is listed
    assert view.header.priority.currentText() == "Urgent"  # the view shows the current ticket
    assert view.header.status.text() == "New"
    assert view.composer.text == "Half-written reply about section 4.2"

    # Deciding again on the current version works.
    qtbot.waitUntil(escalate.isEnabled)
    qtbot.mouseClick(escalate, LEFT)
    qtbot.waitUntil(lambda: view.header.status.text() == "Escalated", timeout=10_000)

    # A 412 inside a dialog keeps the dialog and its input; OK again applies to the current version.
    qtbot.mouseClick(view.header.assign, LEFT)
    assign = visible_dialog(qtbot, view, AssignDialog)
    qtbot.keyClicks(assign.reason, "Bonus expertise")
    current = colleague.ticket(ticket["id"])
    colleague.call(
        "PATCH", f"/disputes/{ticket['id']}", version=current["version"], json={"priority": "high"}
    )
    qtbot.mouseClick(assign.ok, LEFT)
    qtbot.waitUntil(lambda: "Max Manager changed this ticket" in assign.message.text(), timeout=10_000)
    assert "priority Urgent → High" in view.message.text()
    assert "still in the Assign window" in view.message.text()
    assert assign.isVisible() and assign.reason.text() == "Bonus expertise"
    assert view.header.priority.currentText() == "High"
    qtbot.mouseClick(assign.ok, LEFT)
    qtbot.waitUntil(lambda: view.header.assignee.text() == "Sam Support", timeout=10_000)


def test_server_escalation_arrives_live(
    qtbot: Any,
    sandbox: Any,
    dispute_ctx: Callable[..., AppContext],
    open_panel: Callable[[AppContext], DisputesPanel],
    api_as: Callable[..., ApiAs],
) -> None:
    support = api_as("support")
    ticket = support.create(subject="Withdrawal still not received", priority="urgent")
    panel = open_panel(dispute_ctx("support"))
    tabs = panel.tabs
    qtbot.mouseClick(tabs, LEFT, pos=tabs.tabRect(VIEWS.index(DisputeView.ALL)).center())
    qtbot.waitUntil(lambda: panel.view == DisputeView.ALL and not panel.loading, timeout=20_000)
    row = panel.model.row_of(ticket["id"])
    assert panel.model.index(row, Col.STATUS).data() == "New"
    panel.table.selectRow(row)
    qtbot.waitUntil(lambda: panel.ticket_view.ticket is not None, timeout=10_000)

    # Arrange: time passes (the API cannot make it pass), the server's SLA watch does the rest.
    with sandbox.state.sessionmaker.begin() as session:
        session.execute(
            sa.update(db.Dispute)
            .where(db.Dispute.id == ticket["id"])
            .values(sla_due_at=datetime.now(UTC) - timedelta(minutes=5, seconds=30))
        )

    def escalated() -> bool:
        r = panel.model.row_of(ticket["id"])
        return r >= 0 and panel.model.index(r, Col.STATUS).data() == "Escalated"

    qtbot.waitUntil(escalated, timeout=15_000)
    r = panel.model.row_of(ticket["id"])
    assert panel.model.index(r, Col.SLA).data() == "overdue 5m"
    assert panel.model.index(r, Col.SLA).data(Qt.ItemDataRole.ForegroundRole).name() == "#c62828"
    view = panel.ticket_view
    qtbot.waitUntil(lambda: view.header.status.text() == "Escalated", timeout=5_000)
    assert "The SLA clock changed this ticket just now — Status: New → Escalated" in view.message.text()
    assert view.header.sla.text().startswith("overdue 5m")
    qtbot.waitUntil(lambda: "(" in tabs.tabText(VIEWS.index(DisputeView.ESCALATED)))

"""The inbox as a handler sees it: saved views, every column, SLA paused state, sort, filter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dispute_helpers import ApiAs
from PySide6.QtCore import Qt

from bo_desktop.contract.enums import DisputeView
from bo_desktop.core.context import AppContext
from bo_desktop.features.disputes.model import HEADERS, SORT_ROLE, Col
from bo_desktop.features.disputes.panel import VIEWS, DisputesPanel


def click_view(qtbot: Any, panel: DisputesPanel, view: DisputeView) -> None:
    tabs = panel.tabs
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(VIEWS.index(view)).center())
    qtbot.waitUntil(lambda: panel.view == view and not panel.loading, timeout=20_000)


def row_texts(panel: DisputesPanel, dispute_id: str) -> dict[Col, str]:
    row = panel.model.row_of(dispute_id)
    assert row >= 0, f"{dispute_id} not shown"
    return {c: panel.model.index(row, c).data() for c in Col}


def test_saved_views_columns_and_paused_sla(
    qtbot: Any,
    qtmodeltester: Any,
    dispute_ctx: Callable[..., AppContext],
    open_panel: Callable[[AppContext], DisputesPanel],
    api_as: Callable[..., ApiAs],
) -> None:
    support = api_as("support")
    ticket = support.create(subject="Statement needed", priority="high")
    mine = support.call(
        "POST",
        f"/disputes/{ticket['id']}/assign",
        version=ticket["version"],
        json={"assignee_id": "ST-001", "reason": "mine"},
    )
    waiting = support.call(
        "PATCH", f"/disputes/{ticket['id']}", version=mine["version"], json={"status": "waiting_on_player"}
    )

    panel = open_panel(dispute_ctx("support"))
    assert panel.tabs.tabText(panel.tabs.currentIndex()).startswith("Mine")
    qtbot.waitUntil(lambda: "(" in panel.tabs.tabText(VIEWS.index(DisputeView.ALL)))  # counts arrived
    cells = row_texts(panel, ticket["id"])
    assert cells == {
        Col.ID: ticket["id"],
        Col.PLAYER: ticket["player_name"],
        Col.KIND: "Payment delay",
        Col.SUBJECT: "Statement needed",
        Col.PRIORITY: "High",
        Col.STATUS: "Waiting on player",
        Col.ASSIGNEE: "Sam Support",
        Col.SLA: cells[Col.SLA],
        Col.LAST_ACTIVITY: cells[Col.LAST_ACTIVITY],
    }
    # The clock froze with (almost) the whole 24-hour window left, and says it is paused.
    assert cells[Col.SLA] in ("Paused · 23h 59m left", "Paused · 1d 0h left")
    assert waiting["sla_paused"] is True
    assert [panel.model.headerData(c, Qt.Orientation.Horizontal) for c in Col] == list(HEADERS.values())
    qtmodeltester.check(panel.model)

    click_view(qtbot, panel, DisputeView.WAITING)
    assert panel.model.row_of(ticket["id"]) >= 0
    assert all(
        panel.model.index(r, Col.STATUS).data() == "Waiting on player" for r in range(panel.model.rowCount())
    )
    click_view(qtbot, panel, DisputeView.UNASSIGNED)
    assert panel.model.row_of(ticket["id"]) == -1
    assert all(panel.model.index(r, Col.ASSIGNEE).data() == "—" for r in range(panel.model.rowCount()))

    click_view(qtbot, panel, DisputeView.ALL)
    total = panel.model.rowCount()
    assert total >= 5 and panel.status.text().startswith(f"{total:,} tickets")
    qtbot.keyClicks(panel.search, "statement NEEDED")
    assert panel.model.rowCount() >= 1
    assert all(
        "statement needed" in panel.model.index(r, Col.SUBJECT).data().lower()
        for r in range(panel.model.rowCount())
    )
    assert "match" in panel.status.text()
    panel.search.clear()
    assert panel.model.rowCount() == total


def test_sorting_by_clicking_headers(
    qtbot: Any, dispute_ctx: Callable[..., AppContext], open_panel: Callable[[AppContext], DisputesPanel]
) -> None:
    panel = open_panel(dispute_ctx("support"))
    click_view(qtbot, panel, DisputeView.ALL)
    header = panel.table.horizontalHeader()
    for column in (Col.SLA, Col.PRIORITY, Col.PLAYER):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=_section_center(header, column))
        keys = [panel.model.index(r, column).data(SORT_ROLE) for r in range(panel.model.rowCount())]
        order = header.sortIndicatorOrder()
        assert keys == sorted(keys, reverse=order == Qt.SortOrder.DescendingOrder), column
    qtmodeltester_rows = panel.model.rowCount()
    assert qtmodeltester_rows > 0


def _section_center(header: Any, column: int) -> Any:
    from PySide6.QtCore import QPoint

    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    return QPoint(x, header.height() // 2)


def test_read_only_role_sees_no_actions(
    qtbot: Any, dispute_ctx: Callable[..., AppContext], open_panel: Callable[[AppContext], DisputesPanel]
) -> None:
    panel = open_panel(dispute_ctx("payments1"))
    assert panel.view == DisputeView.ALL  # nothing is assigned to a read-only role
    assert not panel.new_button.isVisible()
    panel.table.selectRow(0)
    view = panel.ticket_view
    qtbot.waitUntil(lambda: view.ticket is not None)
    assert view.read_only.isVisible()
    assert not view.composer.isVisible() and not view.header.assign.isVisible()
    assert not view.header.priority.isEnabled()
    assert not any(b.isVisible() for b in view.move_buttons.values())
    assert not view.resolve_button.isVisible() and not view.link_button.isVisible()

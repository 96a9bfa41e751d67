"""The Players dock: results follow typing, latest wins against a slow server, filters, opening."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from PySide6.QtCore import Qt

from bo_desktop.contract.common import Page
from bo_desktop.contract.players import PlayerSummary
from bo_desktop.core.context import AppContext
from bo_desktop.features.players.model import PlayerColumn
from bo_desktop.features.players.panel import PlayerSearchPanel
from bo_desktop.features.players.service import PlayerQuery, PlayersService


class RecordingService(PlayersService):
    """The real service (real HTTP), noting which queries were sent and which answers came back."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.sent: list[str] = []
        self.answered: list[str] = []

    async def search(self, query: PlayerQuery, cursor: str | None = None) -> Page[PlayerSummary]:
        self.sent.append(query.text)
        page = await super().search(query, cursor)
        self.answered.append(query.text)
        return page


def ascii_named_player(client: httpx.Client) -> dict[str, Any]:
    """A player whose name QTest can type: QTest.keyClicks aborts on non-ASCII characters."""
    players = client.get("/players", params={"sort": "id", "limit": 100}).json()["data"]
    return next(
        p for p in players if f"{p['first_name']}{p['last_name']}".isascii() and len(p["first_name"]) > 3
    )


def names_shown(panel: PlayerSearchPanel) -> list[str]:
    model = panel.model
    return [model.index(row, PlayerColumn.NAME).data() for row in range(model.rowCount())]


def test_results_follow_typing_and_the_latest_query_wins_on_a_slow_server(
    qtbot: Any, player_ctx: Callable[[str], AppContext], http: Callable[[str], httpx.Client], chaos: Any
) -> None:
    ctx = player_ctx("support")
    target = ascii_named_player(http("support"))
    service = RecordingService(ctx.api)
    panel = PlayerSearchPanel(ctx, service)
    qtbot.addWidget(panel)
    panel.show()
    shown: list[tuple[str, list[str]]] = []
    panel.model.modelReset.connect(lambda: shown.append((panel.search_box.text(), names_shown(panel))))

    chaos(latency_ms=1200, paths=["/players"])
    first = target["first_name"][:2]
    qtbot.keyClicks(panel.search_box, first)
    qtbot.waitUntil(lambda: len(service.sent) == 1, timeout=5000)  # the debounce fired: in flight
    rest = f"{target['first_name'][2:]} {target['last_name']}"
    qtbot.keyClicks(panel.search_box, rest)
    assert panel.status.text() == "Searching…"
    full_name = f"{target['first_name']} {target['last_name']}"
    qtbot.waitUntil(lambda: any(text == full_name for text, _ in shown), timeout=10_000)

    assert service.sent[0] == first and service.sent[-1] == full_name
    assert first not in service.answered, "the slow, outdated request was cancelled"
    # Results were only ever shown for the text in the box: the 2-letter answer never appeared.
    assert [text for text, names in shown if names] == [full_name]
    assert any(name.startswith(full_name) for name in names_shown(panel))
    assert panel.status.text().endswith("player") or panel.status.text().endswith("players")


def test_filters_and_enter_opens_the_selected_player(
    qtbot: Any, player_ctx: Callable[[str], AppContext], http: Callable[[str], httpx.Client]
) -> None:
    ctx = player_ctx("compliance")
    panel = PlayerSearchPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    combo = panel.filters["jurisdiction"]
    combo.setCurrentIndex(combo.findData("UKGC"))
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=5000)
    expected = http().get("/players", params={"jurisdiction": "UKGC", "limit": 100}).json()["data"]
    assert panel.model.rowCount() == len(expected)
    assert {panel.model.player_id(r) for r in range(panel.model.rowCount())} == {p["id"] for p in expected}
    assert panel.status.text() == f"{len(expected)} players"

    opened: list[str] = []
    ctx.requests.open_player.connect(opened.append)
    panel.search_box.setFocus()
    qtbot.keyPress(panel.search_box, Qt.Key.Key_Down)  # into the results
    qtbot.keyPress(panel.table, Qt.Key.Key_Down)
    selected = panel.table.selectionModel().selectedRows()[0].row()
    qtbot.keyPress(panel.table, Qt.Key.Key_Return)
    assert opened == [panel.model.player_id(selected)]

    panel.search_box.setFocus()
    qtbot.keyClicks(panel.search_box, "no-such-player-zzzz")
    qtbot.waitUntil(lambda: panel.status.text() == "No player matches.", timeout=5000)
    assert panel.model.rowCount() == 0
    panel.search_box.clear()
    combo.setCurrentIndex(0)
    qtbot.waitUntil(lambda: panel.status.text() == "Type to search, or pick a filter.", timeout=3000)


def test_search_by_psp_reference_and_scrolling_loads_more(
    qtbot: Any, player_ctx: Callable[[str], AppContext], http: Callable[[str], httpx.Client]
) -> None:
    ctx = player_ctx("compliance")
    client = http()
    deposit = client.get("/players/P-000001/transactions", params={"type": "deposit", "limit": 1}).json()[
        "data"
    ][0]
    panel = PlayerSearchPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(900, 500)
    panel.show()
    qtbot.keyClicks(panel.search_box, deposit["psp_reference"][1:9])
    qtbot.waitUntil(
        lambda: "P-000001" in {panel.model.player_id(r) for r in range(panel.model.rowCount())}, timeout=5000
    )

    panel.search_box.clear()
    combo = panel.filters["status"]
    combo.setCurrentIndex(combo.findData("active"))
    qtbot.waitUntil(lambda: panel.model.rowCount() == 100, timeout=5000)  # one page
    assert "scroll for more" in panel.status.text()
    panel.table.verticalScrollBar().setValue(panel.table.verticalScrollBar().maximum())
    qtbot.waitUntil(lambda: panel.model.rowCount() > 100, timeout=5000)

"""Player profiles: opened from another panel, several at once, every section showing what the
server says (checked against an independent HTTP read), and Qt's model tester on every model."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QPushButton

from bo_desktop.contract.players import PlayerDetail
from bo_desktop.core.context import AppContext
from bo_desktop.core.docks import DockRegistry
from bo_desktop.features import players
from bo_desktop.features.players.format import money, when, words
from bo_desktop.features.players.model import PlayerSearchModel, TransactionsModel, TxColumn
from bo_desktop.features.players.profile import PlayerProfileView
from bo_desktop.features.players.profiles import PlayerProfilesPanel
from bo_desktop.features.players.section_models import SECTION_COLUMNS, RecordsModel
from bo_desktop.features.players.service import PlayerQuery, PlayersService, TransactionFilter
from bo_desktop.shell.main_window import MainWindow
from bo_desktop.shell.theme import ThemeManager

HEAVY = "P-000001"


def cell(model: Any, row: int, column: int) -> str:
    return str(model.index(row, column).data())


def open_profile(
    qtbot: Any, ctx: AppContext, player_id: str = HEAVY
) -> tuple[PlayerProfilesPanel, PlayerProfileView]:
    panel = PlayerProfilesPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1300, 800)
    panel.show()
    view = panel.open_player(player_id)
    qtbot.waitUntil(lambda: view.player is not None, timeout=10_000)
    return panel, view


def test_open_player_from_another_panel_raises_the_profile(
    qtbot: Any, player_ctx: Callable[[str], AppContext], http: Callable[[str], httpx.Client], tmp_path: Path
) -> None:
    ctx = player_ctx("support")
    registry = DockRegistry()
    players.register(registry)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window = MainWindow(ctx, registry, ThemeManager(app), lambda exc: None)
    qtbot.addWidget(window)
    window.show()
    # Another panel's "open player" button: it only knows the shell-owned signal.
    other_panel = QPushButton("Open P-000002")
    other_panel.clicked.connect(lambda: ctx.requests.open_player.emit("P-000002"))
    qtbot.addWidget(other_panel)
    qtbot.mouseClick(other_panel, Qt.MouseButton.LeftButton)

    profiles_dock = window.docks["player-profiles"]
    panel = window.panel("player-profiles")
    assert isinstance(panel, PlayerProfilesPanel)
    assert profiles_dock.isVisible() and window.docks["players"].isVisible()
    expected = http("support").get("/players/P-000002").json()
    name = f"{expected['first_name']} {expected['last_name']}"
    qtbot.waitUntil(lambda: panel.tabs.tabText(panel.tabs.currentIndex()) == name, timeout=10_000)
    view = panel.tabs.currentWidget()
    assert isinstance(view, PlayerProfileView)
    assert view.header.name.text() == name

    ctx.requests.open_player.emit(HEAVY)  # a second profile, in its own tab
    qtbot.waitUntil(lambda: panel.tabs.count() == 2, timeout=5000)
    ctx.requests.open_player.emit("p-000002")  # already open: selected, not duplicated
    assert panel.tabs.count() == 2 and panel.tabs.currentWidget() is view
    window.activateWindow()  # shortcuts only reach the active window
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    qtbot.keyClick(view.tabs, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert panel.tabs.count() == 1
    # A support user may not change status or limits: those actions are not offered at all.
    assert not view.actions_by_name["actionChangeStatus"].isVisible()
    assert not view.actions_by_name["actionSetLimit"].isVisible()


def test_header_and_overview_show_the_server_player(
    qtbot: Any, player_ctx: Callable[[str], AppContext], http: Callable[[str], httpx.Client]
) -> None:
    ctx = player_ctx("compliance")
    _panel, view = open_profile(qtbot, ctx)
    p = PlayerDetail.model_validate(http().get(f"/players/{HEAVY}").json())
    header = view.header
    assert header.name.text() == f"{p.first_name} {p.last_name}"
    assert header.name.textFormat() == Qt.TextFormat.PlainText
    assert p.id in header.identity.text() and p.email in header.identity.text()
    assert header.status.text() == words(p.status)
    assert header.kyc.text() == f"KYC {words(p.kyc_status).lower()}"
    assert header.risk.text() == f"{words(p.risk_level)} risk"
    assert header.jurisdiction.text() == p.jurisdiction.value
    assert header.pay_n_play.isVisible() == p.pay_n_play
    assert header.bonus.text() == money(ctx.cache, p.bonus_balance_minor, p.currency)
    assert header.cash.text().startswith(p.currency)  # the simulator moves balances every second
    kpis = view.overview.values
    assert kpis["kpiDeposits"].text().startswith(money(ctx.cache, p.kpis.lifetime_deposits_minor, p.currency))
    assert kpis["kpiNetDeposits"].text() == money(ctx.cache, p.kpis.net_deposits_minor, p.currency)
    assert kpis["kpiGgr"].text() == money(ctx.cache, p.kpis.ggr_minor, p.currency)
    assert kpis["kpiBonusCost"].text() == money(ctx.cache, p.kpis.bonus_cost_minor, p.currency)
    assert kpis["kpiLastLogin"].text() == when(p.last_login_at)
    assert kpis["kpiDepositFrequency"].text() == str(p.kpis.deposits_last_30d)


def test_restrictions_show_with_their_end_date(
    qtbot: Any, player_ctx: Callable[[str], AppContext], http: Callable[[str], httpx.Client]
) -> None:
    ctx = player_ctx("compliance")
    excluded = http().get("/players", params={"status": "self_excluded", "limit": 1}).json()["data"][0]
    until = http().get(f"/players/{excluded['id']}").json()["self_exclusion_until"]
    _panel, view = open_profile(qtbot, ctx, excluded["id"])
    assert view.header.restriction.text() == f"Self-excluded until {until[:10]}"
    assert view.header.status.text() == "Self excluded"


def test_transactions_page_in_newest_first_and_filter_on_the_server(
    qtbot: Any, player_ctx: Callable[[str], AppContext], http: Callable[[str], httpx.Client]
) -> None:
    ctx = player_ctx("compliance")
    _panel, view = open_profile(qtbot, ctx)
    section = view.sections["transactions"]
    qtbot.waitUntil(lambda: section.model.rowCount() == 200, timeout=10_000)
    first = http().get(f"/players/{HEAVY}/transactions", params={"limit": 200}).json()["data"]
    model = section.model
    ids = [cell(model, r, TxColumn.ID) for r in range(model.rowCount())]
    # The simulator may add newer rows between the two reads; the older ones line up exactly.
    assert ids[-50:] == [t["id"] for t in first][-50:] or set(ids[-50:]) <= {t["id"] for t in first}
    row = ids.index(first[-1]["id"])
    assert cell(model, row, TxColumn.TYPE) == words(first[-1]["type"])
    assert "of" in section.status.text() and "scroll for more" in section.status.text()

    view.tabs.setCurrentWidget(section)
    section.table.verticalScrollBar().setValue(section.table.verticalScrollBar().maximum())
    qtbot.waitUntil(lambda: model.rowCount() == 400, timeout=10_000)

    section.type_filter.setCurrentIndex(section.type_filter.findData("deposit"))
    qtbot.waitUntil(lambda: 0 < model.rowCount() < 400, timeout=10_000)
    assert {cell(model, r, TxColumn.TYPE) for r in range(model.rowCount())} == {"Deposit"}
    assert view.player is not None
    amount = cell(model, 0, TxColumn.AMOUNT)
    assert amount.startswith(view.player.currency) and "-" not in amount  # deposits are credits


@pytest.mark.parametrize(
    "section", ["sessions", "kyc", "limits", "bonuses", "loyalty", "alerts", "disputes", "audit"]
)
def test_every_section_shows_the_server_rows(
    qtbot: Any, player_ctx: Callable[[str], AppContext], http: Callable[[str], httpx.Client], section: str
) -> None:
    ctx = player_ctx("compliance")
    client = http()
    player_id = HEAVY
    if section == "audit":  # arrange a record: the seed writes no audit trail
        version = client.get(f"/players/{HEAVY}").json()["version"]
        headers = {"If-Match": f'W/"{version}"', "Idempotency-Key": str(uuid.uuid4())}
        assert (
            client.post(f"/players/{HEAVY}/notes", json={"body": "audit me"}, headers=headers).status_code
            == 201
        )
    if section in ("bonuses", "disputes"):  # the heavy player has none: use one who has
        player_id = next(
            p["id"]
            for p in client.get("/players", params={"limit": 300}).json()["data"]
            if client.get(f"/players/{p['id']}/{section}").json()["data"]
        )
    _panel, view = open_profile(qtbot, ctx, player_id)
    widget = view.sections[section]
    assert not widget.started  # nothing is fetched before the tab is shown
    view.tabs.setCurrentWidget(widget)
    qtbot.waitUntil(lambda: widget.status.text() not in ("", "Loading…"), timeout=10_000)
    served = client.get(f"/players/{player_id}/{section}", params={"limit": 200}).json()
    items = served if isinstance(served, list) else served["data"]
    model = widget.model
    assert model.rowCount() == len(items) > 0
    columns = SECTION_COLUMNS[section](ctx.cache)
    expected_item = type(model.item(0)).model_validate(items[0])
    for column, spec in enumerate(columns):
        assert cell(model, 0, column) == spec.display(expected_item), spec.title


def test_every_model_passes_the_model_tester(
    qtbot: Any, qtmodeltester: Any, player_ctx: Callable[[str], AppContext], run_async: Callable[..., Any]
) -> None:
    ctx = player_ctx("compliance")
    service = PlayersService(ctx.api)
    search = PlayerSearchModel(ctx.cache)
    search.reset_rows(run_async(service.search(PlayerQuery(text="an"))).data)
    search.sort(1, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(search)

    transactions = TransactionsModel(ctx.cache)
    transactions.append(run_async(service.transactions(HEAVY, TransactionFilter())).data)
    qtmodeltester.check(transactions)
    for section in SECTION_COLUMNS:
        records = RecordsModel(section, ctx.cache)
        if section == "kyc":
            records.reset_items(run_async(service.kyc(HEAVY)))
        elif section == "limits":
            records.reset_items(run_async(service.limits(HEAVY)))
        else:
            records.append(run_async(service.section(HEAVY, section)).data)
        records.sort(0)
        qtmodeltester.check(records)


def test_transactions_between_two_days(
    qtbot: Any, player_ctx: Callable[[str], AppContext], http: Callable[[str], httpx.Client]
) -> None:
    ctx = player_ctx("compliance")
    _panel, view = open_profile(qtbot, ctx)
    section = view.sections["transactions"]
    qtbot.waitUntil(lambda: section.model.rowCount() > 0, timeout=10_000)
    # A day with activity: the local date of a transaction well inside the history.
    some = section.model.created_at(section.model.rowCount() - 1).astimezone()
    day = QDate(some.year, some.month, some.day)
    section.date_from.setDate(day)
    section.date_to.setDate(day)
    view.tabs.setCurrentWidget(section)
    qtbot.mouseClick(section.use_dates, Qt.MouseButton.LeftButton)
    assert section.use_dates.isChecked() and section.date_from.isEnabled()
    assert section.status.text() == "Loading…"
    qtbot.waitUntil(lambda: section.status.text() != "Loading…", timeout=10_000)
    shown = {section.model.created_at(r).astimezone().date() for r in range(section.model.rowCount())}
    assert shown == {some.date()}
    start = datetime(some.year, some.month, some.day, tzinfo=some.tzinfo)
    served = (
        http()
        .get(
            f"/players/{HEAVY}/transactions",
            params={"from": start.isoformat(), "to": (start + timedelta(days=1)).isoformat(), "limit": 500},
        )
        .json()["data"]
    )
    assert section.model.rowCount() == min(len(served), 200)

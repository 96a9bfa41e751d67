"""Actions on a profile as a person does them: notes, status (with 412 and 403), limits, flag,
offline, and hostile text shown as text."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import sqlalchemy as sa
from players_support import fresh_player_id
from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QComboBox, QLabel

from bo_desktop.contract.auth import Me
from bo_desktop.contract.enums import Permission
from bo_desktop.core.context import AppContext
from bo_desktop.features.players.dialogs import KycRequestDialog, LimitDialog, NoteDialog, StatusDialog
from bo_desktop.features.players.model import PlayerColumn
from bo_desktop.features.players.panel import PlayerSearchPanel
from bo_desktop.features.players.profile import PlayerProfileView
from bo_desktop.features.players.profiles import PlayerProfilesPanel
from bo_desktop.sandbox import db

USED: set[str] = set()


def open_profile(qtbot: Any, ctx: AppContext, player_id: str) -> PlayerProfileView:
    panel = PlayerProfilesPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1300, 800)
    panel.show()
    view = panel.open_player(player_id)
    qtbot.waitUntil(lambda: view.player is not None, timeout=10_000)
    panel.activateWindow()  # shortcuts only reach the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is panel, timeout=3000)
    return view


def choose(combo: QComboBox, data: object) -> None:
    combo.setCurrentIndex(combo.findData(data))


def click_submit(qtbot: Any, dialog: Any) -> None:
    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)


def server_player(client: httpx.Client, player_id: str) -> dict[str, Any]:
    body: dict[str, Any] = client.get(f"/players/{player_id}").json()
    return body


def test_add_a_note_and_pin_it(
    qtbot: Any, player_ctx: Callable[[str], AppContext], http: Callable[[str], httpx.Client]
) -> None:
    ctx = player_ctx("support")
    client = http("support")
    player_id = fresh_player_id(client, USED)
    view = open_profile(qtbot, ctx, player_id)
    view.tabs.setFocus()
    qtbot.keyClick(
        view.tabs, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    dialog = view.dialog
    assert isinstance(dialog, NoteDialog) and dialog.isVisible()
    click_submit(qtbot, dialog)  # empty: refused next to the field, nothing sent
    assert dialog.field_errors["body"].text() == "Write something first." and dialog.isVisible()
    qtbot.keyClicks(dialog.body, "Called the player; agreed a weekly deposit limit.")
    click_submit(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert view.result.text() == f"Note saved on {player_id}."

    notes = view.sections["notes"]
    view.tabs.setCurrentWidget(notes)
    qtbot.waitUntil(lambda: notes.model.rowCount() >= 1 and notes.status.text() != "Loading…", timeout=5000)
    served = client.get(f"/players/{player_id}/notes").json()["data"]
    assert notes.model.index(0, 3).data() == served[0]["body"]
    assert notes.model.index(0, 2).data() == "Sam Support"
    notes.table.selectRow(0)
    qtbot.mouseClick(view.pin_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: notes.model.rowCount() and notes.model.index(0, 0).data() == "📌", timeout=5000)
    assert client.get(f"/players/{player_id}/notes").json()["data"][0]["pinned"] is True
    pinned_on_overview = view.overview.pinned
    qtbot.waitUntil(lambda: "agreed a weekly deposit limit" in pinned_on_overview.toPlainText(), timeout=5000)


def test_status_change_with_a_412_keeps_the_input_and_shows_what_changed(
    qtbot: Any, player_ctx: Callable[[str], AppContext], http: Callable[[str], httpx.Client]
) -> None:
    ctx = player_ctx("compliance")
    colleague = http("manager")
    player_id = fresh_player_id(colleague, USED)
    view = open_profile(qtbot, ctx, player_id)
    view.actions_by_name["actionChangeStatus"].trigger()
    dialog = view.dialog
    assert isinstance(dialog, StatusDialog)
    assert [dialog.target.itemData(i) for i in range(dialog.target.count())] == ["suspended", "closed"]
    choose(dialog.target, "suspended")
    choose(dialog.reason, "rg_concern")
    qtbot.keyClicks(dialog.comment, "Loss chasing seen in sessions")

    # Meanwhile a colleague flags the player: the version the dialog holds is now stale.
    shown = server_player(colleague, player_id)
    flagged = colleague.post(
        f"/players/{player_id}/flag",
        json={"flagged": True, "reason": "manager review"},
        headers={"If-Match": f'W/"{shown["version"]}"', "Idempotency-Key": str(uuid.uuid4())},
    )
    assert flagged.status_code == 200
    click_submit(qtbot, dialog)
    qtbot.waitUntil(lambda: "Someone changed this player" in dialog.message.text(), timeout=5000)
    assert "Flagged for review: no → yes" in dialog.message.text()
    qtbot.waitUntil(lambda: "by Max Manager" in dialog.message.text(), timeout=5000)
    assert dialog.isVisible() and dialog.comment.toPlainText() == "Loss chasing seen in sessions"
    assert dialog.reason.currentData() == "rg_concern" and dialog.target.currentData() == "suspended"
    assert view.header.flagged.text() == "Flagged for review"  # the profile behind shows it too
    assert server_player(colleague, player_id)["status"] == "active"  # nothing was applied

    click_submit(qtbot, dialog)  # the user decides again, on the current version
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert view.header.status.text() == "Suspended"
    assert server_player(colleague, player_id)["status"] == "suspended"
    assert view.result.text() == f"{player_id} is now suspended, flagged for review."


def test_a_403_is_explained_and_the_action_disabled(
    qtbot: Any, player_ctx: Callable[[str], AppContext], http: Callable[[str], httpx.Client]
) -> None:
    ctx = player_ctx("support")
    # The roles changed on the server after sign-in: the client still believes it may.
    me = ctx.me
    ctx.session.me = Me.model_validate(
        {**me.model_dump(), "permissions": [*me.permissions, Permission.PLAYERS_STATUS]}
    )
    client = http("support")
    player_id = fresh_player_id(client, USED)
    view = open_profile(qtbot, ctx, player_id)
    dialog = view.change_status()
    assert isinstance(dialog, StatusDialog)
    choose(dialog.target, "suspended")
    choose(dialog.reason, "kyc_failed")
    click_submit(qtbot, dialog)
    qtbot.waitUntil(
        lambda: dialog.message.isVisible() and "not allowed" in dialog.message.text(), timeout=5000
    )
    assert "players.status" in dialog.message.text()
    assert not dialog.submit.isEnabled()
    assert server_player(client, player_id)["status"] == "active"


def test_limits_decrease_now_increase_waits(
    qtbot: Any, player_ctx: Callable[[str], AppContext], http: Callable[[str], httpx.Client]
) -> None:
    ctx = player_ctx("compliance")
    client = http()
    player_id = fresh_player_id(client, USED, jurisdiction="UKGC")
    while any(lim["kind"] == "deposit_daily" for lim in client.get(f"/players/{player_id}/limits").json()):
        player_id = fresh_player_id(client, USED, jurisdiction="UKGC")  # start from no daily limit
    view = open_profile(qtbot, ctx, player_id)

    def set_limit(value: str) -> LimitDialog:
        dialog = view.set_limit()
        assert isinstance(dialog, LimitDialog)
        choose(dialog.kind, "deposit_daily")
        qtbot.keyClicks(dialog.value, value)
        qtbot.keyClicks(dialog.reason, "player asked")
        return dialog

    dialog = set_limit("12.345")
    click_submit(qtbot, dialog)
    assert dialog.field_errors["value"].isVisible()  # three decimals: refused locally, kept
    assert dialog.value.text() == "12.345"
    dialog.value.clear()
    qtbot.keyClicks(dialog.value, "100")
    qtbot.waitUntil(lambda: "applies at once" in dialog.hint.text(), timeout=3000)
    click_submit(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert view.result.text() == "Limit set. The new deposit daily limit applies now."

    dialog = set_limit("250")
    qtbot.waitUntil(lambda: dialog.active.text() == "GBP 100.00", timeout=5000)
    assert "cooling-off" in dialog.hint.text()
    click_submit(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert "is pending" in view.result.text() and "168 h cooling-off" in view.result.text()
    limits = view.sections["limits"]
    rows = {
        (limits.model.index(r, 1).data(), limits.model.index(r, 2).data())
        for r in range(limits.model.rowCount())
    }
    assert {("GBP 100.00", "Active"), ("GBP 250.00", "Pending increase")} <= rows
    served = {(lim["value"], lim["status"]) for lim in client.get(f"/players/{player_id}/limits").json()}
    assert {(10_000, "active"), (25_000, "pending_increase")} <= served


def test_offline_disables_actions_and_queues_nothing(
    qtbot: Any, player_ctx: Callable[[str], AppContext], http: Callable[[str], httpx.Client]
) -> None:
    ctx = player_ctx("compliance")
    player_id = fresh_player_id(http(), USED)
    view = open_profile(qtbot, ctx, player_id)
    dialog = view.flag()
    assert dialog is not None
    ctx.session.online = False
    assert not view.actions_by_name["actionFlag"].isEnabled()
    assert not dialog.submit.isEnabled() and "Offline" in dialog.message.text()
    ctx.session.online = True
    assert view.actions_by_name["actionFlag"].isEnabled() and dialog.submit.isEnabled()
    dialog.reject()


def shown_as_tooltip(index: Any) -> str:
    """The characters QToolTip would show: it renders the tooltip as rich text when it looks like it."""
    document = QTextDocument()
    tooltip = index.data(Qt.ItemDataRole.ToolTipRole)
    if QtGui.Qt.mightBeRichText(tooltip):
        document.setHtml(tooltip)
    else:
        document.setPlainText(tooltip)
    return document.toPlainText()


HOSTILE_FIRST = "<b>Eve</b><img src=x onerror=alert(1)>"
HOSTILE_LAST = '=HYPERLINK("http://x")\u202eevil'


def test_hostile_text_is_shown_as_text(
    qtbot: Any, player_ctx: Callable[[str], AppContext], http: Callable[[str], httpx.Client], sandbox: Any
) -> None:
    client = http()
    player_id = fresh_player_id(client, USED)
    # Arrange a player-supplied name the API cannot set (players register on the casino side).
    with sandbox.state.sessionmaker.begin() as session:
        session.execute(
            sa.update(db.Player)
            .where(db.Player.id == player_id)
            .values(first_name=HOSTILE_FIRST, last_name=HOSTILE_LAST)
        )
    ctx = player_ctx("compliance")
    search = PlayerSearchPanel(ctx)
    qtbot.addWidget(search)
    search.show()
    qtbot.keyClicks(search.search_box, "<b>Eve</b>")
    qtbot.waitUntil(lambda: search.model.rowCount() == 1, timeout=5000)
    assert search.model.index(0, PlayerColumn.NAME).data() == f"{HOSTILE_FIRST} {HOSTILE_LAST}"
    assert shown_as_tooltip(search.model.index(0, PlayerColumn.NAME)).startswith(
        f"{HOSTILE_FIRST} {HOSTILE_LAST} ("
    )

    view = open_profile(qtbot, ctx, player_id)
    assert view.header.name.text() == f"{HOSTILE_FIRST} {HOSTILE_LAST}"
    for label in view.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()
    body = "<script>alert(1)</script>\n<i>not italic</i> &amp; =1+1"
    dialog = view.add_note()
    assert isinstance(dialog, NoteDialog)
    dialog.body.setPlainText(body)
    click_submit(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    notes = view.sections["notes"]
    view.tabs.setCurrentWidget(notes)
    qtbot.waitUntil(lambda: notes.model.rowCount() == 1, timeout=5000)
    notes.table.selectRow(0)
    assert view.note_text.toPlainText().endswith(body)
    assert notes.model.index(0, 3).data() == body.replace("\n", " ⏎ ")
    assert shown_as_tooltip(notes.model.index(0, 3)) == body.replace("\n", " ⏎ ")


def test_a_429_says_it_is_waiting_and_the_note_is_saved_once(
    qtbot: Any, player_ctx: Callable[[str], AppContext], http: Callable[[str], httpx.Client], chaos: Any
) -> None:
    ctx = player_ctx("support")
    client = http("support")
    player_id = fresh_player_id(client, USED)
    view = open_profile(qtbot, ctx, player_id)
    dialog = view.add_note()
    assert isinstance(dialog, NoteDialog)
    qtbot.keyClicks(dialog.body, "Rate limited note")
    chaos(rate_limit_rate=1.0, retry_after_seconds=1, paths=[f"/players/{player_id}/notes"])
    click_submit(qtbot, dialog)
    qtbot.waitUntil(lambda: "waiting" in dialog.message.text(), timeout=5000)
    assert dialog.isVisible() and not dialog.submit.isEnabled()
    chaos()  # the server recovers: the client's own retry (same Idempotency-Key) goes through
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    notes = client.get(f"/players/{player_id}/notes").json()["data"]
    assert [n["body"] for n in notes] == ["Rate limited note"]


def test_request_a_kyc_document_and_see_it_listed(
    qtbot: Any, player_ctx: Callable[[str], AppContext], http: Callable[[str], httpx.Client]
) -> None:
    ctx = player_ctx("compliance")
    client = http()
    player_id = fresh_player_id(client, USED)
    view = open_profile(qtbot, ctx, player_id)
    kyc = view.sections["kyc"]
    view.tabs.setCurrentWidget(kyc)
    qtbot.waitUntil(lambda: kyc.status.text() not in ("", "Loading…"), timeout=5000)
    before = kyc.model.rowCount()
    view.actions_by_name["actionRequestKyc"].trigger()
    dialog = view.dialog
    assert isinstance(dialog, KycRequestDialog)
    choose(dialog.kind, "source_of_wealth")
    qtbot.keyClicks(dialog.comment, "Please send the property sale contract")
    click_submit(qtbot, dialog)
    qtbot.waitUntil(lambda: kyc.model.rowCount() == before + 1, timeout=5000)
    assert view.result.text() == f"Source of wealth requested from {player_id}."
    rows = {(kyc.model.index(r, 0).data(), kyc.model.index(r, 1).data()) for r in range(kyc.model.rowCount())}
    assert ("Source of wealth", "Requested") in rows
    served = client.get(f"/players/{player_id}/kyc").json()
    assert any(d["kind"] == "source_of_wealth" and d["status"] == "requested" for d in served)


def test_support_does_not_see_compliance_actions(
    qtbot: Any, player_ctx: Callable[[str], AppContext], http: Callable[[str], httpx.Client]
) -> None:
    view = open_profile(qtbot, player_ctx("support"), fresh_player_id(http("support"), USED))
    visible = {name for name, action in view.actions_by_name.items() if action.isVisible()}
    assert visible == {"actionRefresh", "actionAddNote", "actionFlag"}
    assert "alerts" in view.sections  # support reads RG/fraud/KYC alerts (AML filtered by the server)

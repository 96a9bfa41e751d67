"""A comment being written survives the server going down and the app restarting."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from dispute_helpers import ApiAs, Contexts
from PySide6.QtCore import Qt

from bo_desktop.core.context import AppContext
from bo_desktop.features.disputes.drafts import drafts_path
from bo_desktop.features.disputes.model import Col
from bo_desktop.features.disputes.panel import DisputesPanel

WORDS = "Dear player, we found your deposit of 12 November and credited it today."


def open_ticket(qtbot: Any, panel: DisputesPanel, dispute_id: str) -> None:
    panel.show_dispute(dispute_id)
    qtbot.waitUntil(lambda: panel.ticket_view.ticket is not None, timeout=10_000)


def test_draft_survives_server_down_and_app_restart(
    qtbot: Any,
    fresh_sandbox: Callable[..., Any],
    contexts: Contexts,
    open_panel: Callable[[AppContext], DisputesPanel],
    api_as: Callable[..., ApiAs],
) -> None:
    server = fresh_sandbox(players=60, simulator=False)
    ticket = api_as("support", server).create(subject="Deposit missing")
    ctx = contexts.make(server, "support", live=False)
    panel = open_panel(ctx)
    open_ticket(qtbot, panel, ticket["id"])
    composer = panel.ticket_view.composer
    qtbot.mouseClick(composer.to_player, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(composer.editor, WORDS)
    qtbot.waitUntil(lambda: composer.status.text() == "Draft saved", timeout=5_000)

    port, database_url, url = server.port, server.config.database_url, server.url
    server.stop()
    qtbot.mouseClick(composer.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(composer.error.isVisible, timeout=15_000)
    assert composer.error.text().startswith("Not sent: The server cannot be reached")
    assert "kept as a draft" in composer.error.text()
    assert composer.text == WORDS and composer.send_button.isEnabled()
    stored = json.loads(drafts_path(url, "support").read_text(encoding="utf-8"))[ticket["id"]]
    assert stored["text"] == WORDS and stored["internal"] is False and stored["send_key"]

    # "Restart the app": the window goes away, the server comes back on the same address.
    panel.parentWidget().close()
    ctx.tasks.cancel_all()
    restarted = fresh_sandbox(port=port, database_url=database_url, reset=False, simulator=False)
    assert restarted.url == url
    panel = open_panel(contexts.make(restarted, "support", live=False))
    open_ticket(qtbot, panel, ticket["id"])
    composer = panel.ticket_view.composer
    assert composer.text == WORDS and composer.to_player.isChecked()
    assert composer.status.text() == "Draft restored"
    row = panel.model.row_of(ticket["id"])
    if row >= 0:  # the ticket is in the default view: the inbox marks the unsent draft
        qtbot.waitUntil(lambda: panel.model.index(row, Col.ID).data() == f"{ticket['id']} ✎")

    qtbot.mouseClick(composer.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: composer.text == "", timeout=10_000)
    comments = api_as("support", restarted).client.get(f"/disputes/{ticket['id']}/comments").json()
    assert [c["body"] for c in comments].count(WORDS) == 1
    qtbot.waitUntil(lambda: ticket["id"] not in json.loads(drafts_path(url, "support").read_text()))


def test_words_typed_just_before_the_window_closes_are_kept(
    qtbot: Any,
    fresh_sandbox: Callable[..., Any],
    contexts: Contexts,
    open_panel: Callable[[AppContext], DisputesPanel],
    api_as: Callable[..., ApiAs],
) -> None:
    # The draft is saved 400 ms after the last keystroke; closing the window (quit, sign-out, a
    # lost session) inside that pause must not lose the last words.
    server = fresh_sandbox(players=60, simulator=False)
    ticket = api_as("support", server).create(subject="Bonus not credited")
    ctx = contexts.make(server, "support", live=False)
    panel = open_panel(ctx)
    open_ticket(qtbot, panel, ticket["id"])
    composer = panel.ticket_view.composer
    qtbot.keyClicks(composer.editor, WORDS)
    panel.window().close()  # at once: no debounce has fired yet
    stored = json.loads(drafts_path(server.url, "support").read_text(encoding="utf-8"))[ticket["id"]]
    assert stored["text"] == WORDS and stored["internal"] is True

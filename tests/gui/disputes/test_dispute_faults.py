"""Faults the sandbox injects: rate limiting, and a server that fails after committing a comment."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from dispute_helpers import ApiAs
from PySide6.QtCore import Qt

from bo_desktop.core.context import AppContext
from bo_desktop.features.disputes.panel import DisputesPanel

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def chaos(api_as: Callable[..., ApiAs]) -> Iterator[Callable[..., None]]:
    admin = api_as("admin")

    def configure(**settings: Any) -> None:
        response = admin.client.put("/admin/chaos", json=settings)
        assert response.status_code == 200, response.text

    yield configure
    configure()


def opened(qtbot: Any, panel: DisputesPanel, dispute_id: str) -> None:
    panel.show_dispute(dispute_id)
    qtbot.waitUntil(lambda: panel.ticket_view.ticket is not None, timeout=10_000)


def test_rate_limited_change_says_so_and_changes_nothing(
    qtbot: Any,
    chaos: Callable[..., None],
    dispute_ctx: Callable[..., AppContext],
    open_panel: Callable[[AppContext], DisputesPanel],
    api_as: Callable[..., ApiAs],
) -> None:
    ticket = api_as("support").create(subject="Rate limit test")
    panel = open_panel(dispute_ctx("support", live=False))
    opened(qtbot, panel, ticket["id"])
    view = panel.ticket_view
    chaos(rate_limit_rate=1.0, retry_after_seconds=1, paths=[f"/disputes/{ticket['id']}"])
    qtbot.mouseClick(view.move_buttons["escalated"], LEFT)
    qtbot.waitUntil(lambda: "busy" in view.message.text(), timeout=15_000)
    assert view.message.text().startswith("The server is busy. Try again in")
    assert view.header.status.text() == "New" and view.move_buttons["escalated"].isEnabled()


def test_comment_failing_after_commit_is_sent_once(
    qtbot: Any,
    chaos: Callable[..., None],
    dispute_ctx: Callable[..., AppContext],
    open_panel: Callable[[AppContext], DisputesPanel],
    api_as: Callable[..., ApiAs],
) -> None:
    support = api_as("support")
    ticket = support.create(subject="Flaky server test")
    panel = open_panel(dispute_ctx("support", live=False))
    opened(qtbot, panel, ticket["id"])
    composer = panel.ticket_view.composer
    qtbot.keyClicks(composer.editor, "Only once, please.")
    # Every answer is a 500 *after* the comment was stored: the client retries with the same key
    # and finally gives up; the words stay, with that key, in the draft.
    chaos(error_rate_after_commit=1.0, paths=[f"/disputes/{ticket['id']}/comments"])
    qtbot.mouseClick(composer.send_button, LEFT)
    qtbot.waitUntil(composer.error.isVisible, timeout=15_000)
    assert composer.text == "Only once, please."
    chaos()
    qtbot.mouseClick(composer.send_button, LEFT)  # the user retries the same intent
    qtbot.waitUntil(lambda: composer.text == "", timeout=10_000)
    bodies = [c["body"] for c in support.client.get(f"/disputes/{ticket['id']}/comments").json()]
    assert bodies.count("Only once, please.") == 1
    qtbot.waitUntil(lambda: len(panel.ticket_view.conversation.cards()) == 1)

"""Offline start on the cached data, and reconnecting by itself when the server returns."""

from __future__ import annotations

import socket

from gui_support import GUI_PLAYERS

from bo_desktop.app import Options
from bo_desktop.core.credentials import SERVICE, account_key
from bo_desktop.sandbox.config import DEMO_STAFF_PASSWORD


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_offline_start_on_cache_then_automatic_reconnect(
    qtbot, qasync_loop, make_driver, fresh_sandbox, memory_keyring
):
    server = fresh_sandbox(players=GUI_PLAYERS, port=_free_port())
    url, port, database_url = server.url, server.port, server.config.database_url
    first = make_driver(Options(server=url))
    dialog = first.login_dialog()
    first.sign_in(dialog, url=url, username="payments1", password=DEMO_STAFF_PASSWORD, remember=True)
    first.main_window()
    key = (SERVICE, account_key(url, "payments1"))
    qtbot.waitUntil(lambda: key in memory_keyring.store, timeout=10_000)
    assert first.quit() == 0
    server.stop()

    # The server is down: the app still opens, read-only, on the cached reference data.
    second = make_driver(Options(server=url))
    window = second.main_window()
    assert second.app.login_dialog is None
    assert "Offline — showing cached data" in window.status.connection_label.text()
    assert "(offline)" in window.windowTitle()
    assert window.ctx.online is False
    assert second.app.services is not None and second.app.services.cache.has_data
    assert "never" not in window.status.sync_label.text()  # the cache's age is shown
    assert "(payments)" in window.status.user_label.text()  # who, from the last sign-in

    # The server comes back at the same address and with the same database (reset=False, so the
    # remembered refresh token is still valid): the app notices and goes online by itself.
    fresh_sandbox(players=GUI_PLAYERS, port=port, database_url=database_url, reset=False)
    qtbot.waitUntil(lambda: window.ctx.online, timeout=90_000)
    qtbot.waitUntil(lambda: "Online" in window.status.connection_label.text(), timeout=10_000)
    assert "(offline)" not in window.windowTitle()
    assert second.quit() == 0


def test_no_cache_and_server_down_falls_back_to_login(qtbot, qasync_loop, make_driver, tmp_path):
    url = f"http://127.0.0.1:{_free_port()}"
    driver = make_driver(Options(server=url))
    dialog = driver.login_dialog()  # nothing cached, nothing remembered: ask to sign in
    assert dialog.ui.urlEdit.text() == url
    assert driver.quit() == 0

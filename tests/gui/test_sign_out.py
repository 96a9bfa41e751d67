"""Signing out, and a session the server refuses: the login comes back, the old window is gone."""

from __future__ import annotations

from pathlib import Path

import pytest
import shiboken6
import sqlalchemy as sa
from app_driver import AppDriver
from gui_support import GUI_PLAYERS
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMenu

from bo_desktop.app import Options
from bo_desktop.contract.chaos import ChaosConfig
from bo_desktop.contract.enums import Permission
from bo_desktop.core.api.client import ApiClient
from bo_desktop.core.api.errors import AuthError
from bo_desktop.core.credentials import SERVICE, account_key
from bo_desktop.core.docks import DockRegistry, DockSpec
from bo_desktop.sandbox.auth import revoke_family
from bo_desktop.sandbox.config import DEMO_STAFF_PASSWORD
from bo_desktop.sandbox.db import RefreshToken, Staff
from bo_desktop.sandbox.server import SandboxServer

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def role_registry() -> DockRegistry:
    """A dock only payments may see, one only compliance may see, one for everybody."""
    registry = DockRegistry()
    registry.add(
        DockSpec("decide", "Decide", lambda ctx: QLabel("decide"), permission=Permission.WITHDRAWALS_DECIDE)
    )
    registry.add(
        DockSpec("alerts", "Alerts", lambda ctx: QLabel("alerts"), permission=Permission.ALERTS_READ)
    )
    registry.add(DockSpec("notes", "Notes", lambda ctx: QLabel("notes")))
    return registry


@pytest.fixture
def make_role_driver(make_driver, qtbot, qasync_loop):
    """Like ``make_driver``, with docks that differ by role (torn down by ``make_driver``)."""

    def make(options: Options) -> AppDriver:
        driver = make_driver(options)
        # The run task has not started yet (the loop has not turned): the registry is only read
        # when a main window is built.
        driver.app.registry = role_registry()
        return driver

    return make


async def _resume_code(url: str, refresh_token: str) -> str:
    api = ApiClient(url, user_agent="tests")
    try:
        await api.resume(refresh_token)
    except AuthError as exc:
        return exc.code
    finally:
        await api.aclose()
    return "resumed"


def _click_menu_action(qtbot, window, menu_name: str, action_name: str) -> None:
    """Open a menu of the menu bar and click one of its items, as a person would."""
    menu = window.findChild(QMenu, menu_name)
    assert menu is not None
    bar = window.menu_bar
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(menu.menuAction()).center())
    qtbot.waitUntil(menu.isVisible, timeout=5_000)
    action = next(a for a in menu.actions() if a.objectName() == action_name)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())


def test_sign_out_then_someone_else_signs_in(qtbot, run_async, make_role_driver, sandbox, memory_keyring):
    url = sandbox.url
    driver = make_role_driver(Options(server=url))
    first_dialog = driver.login_dialog()
    driver.sign_in(first_dialog, url=url, username="payments1", password=DEMO_STAFF_PASSWORD, remember=True)
    window = driver.main_window()
    assert set(window.docks) == {"decide", "notes"}
    assert "Pia Payments" in window.status.user_label.text()
    key = (SERVICE, account_key(url, "payments1"))
    qtbot.waitUntil(lambda: key in memory_keyring.store, timeout=10_000)
    assert driver.app.services is not None
    refresh_token = driver.app.services.api.refresh_token
    assert refresh_token

    # The shortcuts dialog reads the live actions: sign-out is listed with its shortcut.
    shortcuts = window.show_shortcuts()
    rows = {
        shortcuts.table.item(r, 0).text(): shortcuts.table.item(r, 1).text()
        for r in range(shortcuts.table.rowCount())
    }
    assert rows["Sign out"] == "Ctrl+Shift+L"
    shortcuts.close()

    _click_menu_action(qtbot, window, "menuFile", "action.signOut")
    dialog = driver.login_dialog()
    # The old window and the first login dialog were deleted, not left to the garbage collector.
    assert not shiboken6.isValid(window)
    assert not shiboken6.isValid(first_dialog)
    assert dialog.ui.urlEdit.text() == url
    assert dialog.ui.usernameEdit.text() == "payments1"
    assert dialog.ui.passwordEdit.text() == ""
    assert dialog.error_text == ""  # signing out is not an error
    assert key not in memory_keyring.store  # the next start asks for the password
    assert driver.settings.window_layout(url, "payments1")[1] is not None  # saved on the way out
    assert run_async(_resume_code(url, refresh_token)) == "invalid_refresh_token"  # revoked
    if SCREENSHOTS.is_dir():
        dialog.grab().save(str(SCREENSHOTS / "after_sign_out.png"))

    # Someone else at the same desk: their docks, their name.
    driver.sign_in(dialog, url=url, username="compliance", password=DEMO_STAFF_PASSWORD)
    second = driver.main_window()
    assert set(second.docks) == {"alerts", "notes"}
    assert "Connie Compliance" in second.status.user_label.text()
    assert "Connie Compliance" in second.windowTitle()
    assert not shiboken6.isValid(dialog)
    assert driver.quit() == 0


def _revoke_sessions(server: SandboxServer, username: str) -> None:
    """What an administrator's "end all sessions" does: revoke every token family of the user."""
    with server.state.sessionmaker.begin() as session:
        staff_id = session.scalar(sa.select(Staff.id).where(Staff.username == username))
        families = session.scalars(
            sa.select(RefreshToken.family_id).where(RefreshToken.staff_id == staff_id).distinct()
        ).all()
        for family in families:
            revoke_family(session, family)


def test_session_revoked_on_the_server_brings_the_login_back(
    qtbot, make_role_driver, fresh_sandbox, memory_keyring
):
    server = fresh_sandbox(players=GUI_PLAYERS)
    # The event stream reconnects after every event, as streams do through proxies and Wi-Fi
    # changes; each reconnect is authenticated, so the app learns of a revocation within seconds.
    server.state.chaos = ChaosConfig(sse_disconnect_every=1)
    url = server.url
    driver = make_role_driver(Options(server=url))
    dialog = driver.login_dialog()
    driver.sign_in(dialog, url=url, username="payments1", password=DEMO_STAFF_PASSWORD, remember=True)
    window = driver.main_window()
    key = (SERVICE, account_key(url, "payments1"))
    qtbot.waitUntil(lambda: key in memory_keyring.store, timeout=10_000)

    _revoke_sessions(server, "payments1")
    qtbot.waitUntil(lambda: not shiboken6.isValid(window), timeout=60_000)
    again = driver.login_dialog()
    assert again.error_text.startswith("Your session ended: ")
    assert again.error_text.endswith("Sign in again to continue.")
    assert again.ui.usernameEdit.text() == "payments1"
    assert again.ui.passwordEdit.text() == ""
    assert key not in memory_keyring.store
    assert driver.app.errors.dialog is None  # told once, in words, not as an error dialog
    if SCREENSHOTS.is_dir():
        again.grab().save(str(SCREENSHOTS / "after_session_lost.png"))
    # Quitting from the login dialog now ends the app cleanly.
    assert driver.quit() == 0


def test_sign_out_shortcut_and_quit_from_the_login(qtbot, make_role_driver, sandbox):
    driver = make_role_driver(Options(server=sandbox.url))
    dialog = driver.login_dialog()
    driver.sign_in(dialog, url=sandbox.url, username="compliance", password=DEMO_STAFF_PASSWORD)
    window = driver.main_window()
    with qtbot.waitActive(window):
        window.activateWindow()
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_L, modifiers)
    again = driver.login_dialog()
    assert not shiboken6.isValid(window)
    assert again.ui.usernameEdit.text() == "compliance"
    assert driver.quit() == 0
    assert not shiboken6.isValid(again)

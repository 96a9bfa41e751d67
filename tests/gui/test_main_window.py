"""The main window as a user sees it: docks by permission, layout persistence, banner, dialogs."""

from __future__ import annotations

from gui_support import PAYMENTS_PERMISSIONS, make_me, make_window, sample_registry
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QPalette
from PySide6.QtWidgets import QDockWidget, QLabel

from bo_desktop import __version__
from bo_desktop.contract.enums import Permission, Role
from bo_desktop.core.api.observers import ConnectionState
from bo_desktop.core.settings import Environment, ThemeOverride
from bo_desktop.shell.banner import BANNER_STYLE
from bo_desktop.shell.help_dialogs import ShortcutsDialog


def test_only_permitted_docks_exist_with_stable_names(qtbot, tmp_path, settings):
    window = make_window(tmp_path, settings)
    qtbot.addWidget(window)
    window.show()
    names = sorted(d.objectName() for d in window.findChildren(QDockWidget))
    assert names == ["dock.notes", "dock.queue"]  # no audit panel for a payments user
    view_texts = [a.text() for a in window.view_menu.actions()]
    assert "Queue" in view_texts and "Notes" in view_texts and "Audit" not in view_texts
    assert set(window.home.panel_buttons) == {"queue", "notes"}


def test_home_lists_what_the_role_can_do(qtbot, tmp_path, settings):
    window = make_window(tmp_path, settings)
    qtbot.addWidget(window)
    texts = [label.text() for label in window.home.capability_labels]
    assert any("approve and reject withdrawals" in t for t in texts)
    assert not any("audit" in t.lower() for t in texts)


def test_home_without_panels_says_so(qtbot, tmp_path, settings):
    from bo_desktop.core.docks import DockRegistry

    window = make_window(tmp_path, settings, registry=DockRegistry())
    qtbot.addWidget(window)
    window.show()
    assert window.findChildren(QDockWidget) == []
    assert "No panels are installed" in window.home.panels_hint.text()


def test_view_menu_toggles_a_dock(qtbot, tmp_path, settings):
    window = make_window(tmp_path, settings)
    qtbot.addWidget(window)
    window.show()
    dock = window.docks["queue"]
    assert dock.isVisible()
    dock.toggleViewAction().trigger()
    assert not dock.isVisible()
    qtbot.mouseClick(window.home.panel_buttons["queue"], Qt.MouseButton.LeftButton)
    assert dock.isVisible()


def test_layout_saved_on_close_restored_per_user_and_reset(qtbot, tmp_path, settings):
    first = make_window(tmp_path, settings)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    queue = first.docks["queue"]
    first.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, queue)
    first.docks["notes"].hide()
    first.close()  # a person closing the window: saves the layout

    second = make_window(tmp_path, settings)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert second.dockWidgetArea(second.docks["queue"]) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert not second.docks["notes"].isVisible()

    # Another user on the same server starts from the default arrangement.
    other = make_window(tmp_path, settings, me=make_me(Role.COMPLIANCE, PAYMENTS_PERMISSIONS))
    qtbot.addWidget(other)
    other.show()
    assert other.dockWidgetArea(other.docks["queue"]) == Qt.DockWidgetArea.RightDockWidgetArea
    assert other.docks["notes"].isVisible()

    second.reset_layout_action.trigger()
    assert second.dockWidgetArea(second.docks["queue"]) == Qt.DockWidgetArea.RightDockWidgetArea
    assert second.docks["notes"].isVisible()
    assert settings.window_layout("http://127.0.0.1:9", "payments1") == (None, None)


def test_reset_layout_flag_ignores_saved_layout(qtbot, tmp_path, settings):
    first = make_window(tmp_path, settings)
    qtbot.addWidget(first)
    first.show()
    first.docks["notes"].hide()
    first.close()
    again = make_window(tmp_path, settings, reset_layout=True)
    qtbot.addWidget(again)
    again.show()
    assert again.docks["notes"].isVisible()


def test_a_failing_panel_factory_is_reported_not_fatal(qtbot, tmp_path, settings):
    from bo_desktop.core.docks import DockSpec

    registry = sample_registry()

    def broken(ctx):
        raise RuntimeError("panel bug")

    registry.add(DockSpec("broken", "Broken", broken))
    errors: list[BaseException] = []
    window = make_window(tmp_path, settings, registry=registry, errors=errors)
    qtbot.addWidget(window)
    assert "broken" not in window.docks and "queue" in window.docks
    assert isinstance(errors[0], RuntimeError)


def test_environment_banner_colours_and_words(qtbot, tmp_path, settings):
    expected = {
        Environment.PRODUCTION: "PRODUCTION",
        Environment.STAGING: "STAGING",
        Environment.SANDBOX: "SANDBOX — training data",
    }
    for env, words in expected.items():
        window = make_window(tmp_path, settings, environment=env)
        qtbot.addWidget(window)
        window.show()
        assert words in window.banner.text
        assert BANNER_STYLE[env][0] in window.banner.styleSheet()
        assert env.value.upper() in window.windowTitle()


def test_status_bar_shows_connection_user_and_sync(qtbot, tmp_path, settings):
    window = make_window(tmp_path, settings)
    qtbot.addWidget(window)
    status = window.status
    assert "Online" in status.connection_label.text()
    assert status.user_label.text() == "Test Payments (payments)"
    assert "never" in status.sync_label.text()
    window.set_connection_state(ConnectionState.RECONNECTING)
    assert "Reconnecting" in status.connection_label.text()
    window.set_connection_state(ConnectionState.OFFLINE)
    assert "Offline — showing cached data" in status.connection_label.text()
    assert "(offline)" in window.windowTitle()
    status.show_rate_limit_wait(3)
    assert not status.rate_limit_label.isHidden() and "3 s" in status.rate_limit_label.text()


def test_shortcuts_dialog_lists_live_shortcuts(qtbot, tmp_path, settings):
    window = make_window(tmp_path, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F1)  # as a person would: press F1
    dialog = window.findChild(ShortcutsDialog, "shortcutsDialog")
    assert dialog is not None and dialog.isVisible()
    table = dialog.table
    rows = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert "F1" in rows["Keyboard shortcuts"]
    assert rows["Queue"] == "Ctrl+2"
    assert "Reset layout" not in rows  # no shortcut, not listed


def test_about_shows_version(qtbot, tmp_path, settings):
    window = make_window(tmp_path, settings)
    qtbot.addWidget(window)
    dialog = window.show_about()
    assert __version__ in dialog.findChild(QLabel, "aboutTitle").text()


def test_theme_override_switches_palette(qtbot, tmp_path, settings):
    window = make_window(tmp_path, settings)
    qtbot.addWidget(window)
    window.findChild(QAction, "action.theme.dark").trigger()
    assert settings.theme is ThemeOverride.DARK
    assert QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 80
    window.findChild(QAction, "action.theme.light").trigger()
    assert QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() > 180
    window.findChild(QAction, "action.theme.system").trigger()
    assert settings.theme is ThemeOverride.SYSTEM


def test_manager_sees_the_audit_dock(qtbot, tmp_path, settings):
    window = make_window(
        tmp_path, settings, me=make_me(Role.MANAGER, [Permission.AUDIT_READ, Permission.WITHDRAWALS_READ])
    )
    qtbot.addWidget(window)
    assert "audit" in window.docks

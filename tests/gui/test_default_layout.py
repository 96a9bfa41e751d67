"""The first arrangement every role sees, with every real feature installed, on a laptop screen.

A back office is judged in its first minute: the window must fit the screen and the panels the
role works in must get usable room, not a sliver (found by looking at screenshots at 1600×1000).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication

from bo_desktop.app import Options
from bo_desktop.core.docks import DockRegistry
from bo_desktop.sandbox.config import DEMO_STAFF_PASSWORD
from bo_desktop.shell.features import discover_features

LAPTOP = QSize(1366, 768)


@pytest.mark.parametrize("username", ["payments1", "compliance", "manager", "support"])
def test_default_layout_fits_a_laptop_screen(qtbot, make_driver, sandbox, username):
    driver = make_driver(Options(server=sandbox.url))
    driver.app.registry = discover_features(DockRegistry())
    dialog = driver.login_dialog()
    driver.sign_in(dialog, url=sandbox.url, username=username, password=DEMO_STAFF_PASSWORD)
    window = driver.main_window()
    hint = window.minimumSizeHint()
    report = {
        name: (dock.minimumSizeHint().width(), dock.minimumSizeHint().height())
        for name, dock in window.docks.items()
        if not dock.isHidden()
    }
    print(username, "window min", hint.width(), hint.height(), report)
    assert hint.width() <= LAPTOP.width(), f"too wide for {LAPTOP}: {report}"
    assert hint.height() <= LAPTOP.height(), f"too tall for {LAPTOP}: {report}"
    screen = QApplication.primaryScreen().availableGeometry()
    assert window.width() <= screen.width() and window.height() <= screen.height()
    # The central home page yields its room once panels are open.
    assert window.home.isHidden()
    assert driver.quit() == 0

"""Drive the real Application (composition root) the way a person would, against a sandbox."""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from bo_desktop.app import Application, Options
from bo_desktop.core.credentials import CredentialStore
from bo_desktop.core.docks import DockRegistry
from bo_desktop.core.settings import Settings
from bo_desktop.shell.login_dialog import LoginDialog
from bo_desktop.shell.main_window import MainWindow


class AppDriver:
    def __init__(self, qtbot: Any, loop: asyncio.AbstractEventLoop, options: Options) -> None:
        self.qtbot = qtbot
        qapp = QApplication.instance()
        assert isinstance(qapp, QApplication)
        self.settings = Settings()
        self.app = Application(
            qapp, options, settings=self.settings, credentials=CredentialStore(), registry=DockRegistry()
        )
        self.task = loop.create_task(self.app.run())

    # -- waiting for what a person would see -----------------------------------------------------

    def login_dialog(self, timeout: int = 20_000) -> LoginDialog:
        self.qtbot.waitUntil(
            lambda: self.app.login_dialog is not None and self.app.login_dialog.isVisible(), timeout=timeout
        )
        assert self.app.login_dialog is not None
        return self.app.login_dialog

    def main_window(self, timeout: int = 30_000) -> MainWindow:
        self.qtbot.waitUntil(
            lambda: self.app.window is not None and self.app.window.isVisible(), timeout=timeout
        )
        assert self.app.window is not None
        return self.app.window

    # -- acting ----------------------------------------------------------------------------------

    def type_into(self, edit: QLineEdit, text: str) -> None:
        edit.setFocus()
        edit.selectAll()
        self.qtbot.keyClick(edit, Qt.Key.Key_Backspace)
        self.qtbot.keyClicks(edit, text)

    def sign_in(self, dialog: LoginDialog, *, url: str, username: str, password: str, remember=False):
        self.type_into(dialog.ui.urlEdit, url)
        self.type_into(dialog.ui.usernameEdit, username)
        self.type_into(dialog.ui.passwordEdit, password)
        if dialog.ui.rememberCheck.isChecked() != remember and dialog.ui.rememberCheck.isEnabled():
            self.qtbot.mouseClick(dialog.ui.rememberCheck, Qt.MouseButton.LeftButton)
        self.qtbot.keyClick(dialog.ui.passwordEdit, Qt.Key.Key_Return)  # Enter submits

    def wait_not_busy(self, dialog: LoginDialog, timeout: int = 20_000) -> None:
        self.qtbot.waitUntil(lambda: not dialog.busy, timeout=timeout)

    def quit(self, timeout: int = 20_000) -> int:
        if self.app.window is not None:
            self.app.window.close()  # as a person would
        else:
            self.app.request_quit()
        self.qtbot.waitUntil(self.task.done, timeout=timeout)
        return self.task.result()

"""The queue's actions: toolbar buttons and the keyboard triage shortcuts (C, A, R, F5, Ctrl+F).

Single-letter shortcuts live on the queue table only (``WidgetShortcut``): typing "a" in the
search box or a comment must never approve anything. Roles that may not decide do not get the
buttons at all; a manager sees "Break claim" (the server enforces both anyway).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolBar, QWidget

from bo_desktop.widgets.naming import named


class ReviewToolbar(QToolBar):
    def __init__(self, queue: QWidget, panel: QWidget, *, can_decide: bool, can_break: bool) -> None:
        super().__init__("Withdrawal actions", panel)
        self.setObjectName("withdrawalsToolbar")
        self._queue = queue
        self.refresh = self._add("refresh", "Refresh", "F5", "Reload the queue")
        # F5 anywhere in the panel, not only in the table.
        self.refresh.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        panel.addAction(self.refresh)
        self.addSeparator()
        self.claim = self._add("claim", "Claim", "C", "Claim the open item for review")
        self.approve = self._add("approve", "Approve…", "A", "Approve the open or selected items")
        self.reject = self._add("reject", "Reject…", "R", "Reject the open or selected items")
        self.release = self._add("release", "Release claim", "", "Give the claim back to the queue")
        for action in (self.claim, self.approve, self.reject):
            action.setVisible(can_decide)
        if can_break and not can_decide:
            self.release.setText("Break claim")
            self.release.setToolTip("Release a colleague's claim (manager)")
        self.release.setVisible(can_decide or can_break)
        self.find_action = named(QAction("Find", panel), "action.withdrawals.find")
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        panel.addAction(self.find_action)

    def _add(self, name: str, text: str, shortcut: str, tip: str) -> QAction:
        action = named(QAction(text, self), f"action.withdrawals.{name}")
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            tip = f"{tip} ({shortcut})"
        action.setToolTip(tip)
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self._queue.addAction(action)
        self.addAction(action)
        return action

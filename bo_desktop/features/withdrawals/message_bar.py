"""An inline message above the detail: what happened to the last action, in plain text.

Inline rather than a dialog: the reviewer keeps triaging with the keyboard while the outcome
stays readable; only outcomes that need a decision (a retry) carry a button.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QToolButton, QWidget

from bo_desktop.widgets.labels import plain_label
from bo_desktop.widgets.naming import named


class Level(Enum):
    INFO = ("#e3f2fd", "#0d47a1")
    SUCCESS = ("#e8f5e9", "#1b5e20")
    WARNING = ("#fff8e1", "#5d4037")
    ERROR = ("#ffebee", "#b71c1c")


class MessageBar(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("withdrawalMessage")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 6, 6)
        self.text = named(plain_label(wrap=True), "withdrawalMessageText")
        self.action = named(QPushButton(), "withdrawalMessageAction")
        self.close_button = named(QToolButton(), "withdrawalMessageClose")
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Dismiss")
        self.close_button.clicked.connect(self.hide)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.action)
        layout.addWidget(self.close_button)
        self.level = Level.INFO
        self._callback: Callable[[], None] | None = None
        self.action.clicked.connect(self._run_action)
        self.hide()

    def show_message(
        self,
        text: str,
        level: Level = Level.INFO,
        *,
        action: str | None = None,
        on_action: Callable[[], None] | None = None,
    ) -> None:
        self.level = level
        background, ink = level.value
        self.setStyleSheet(
            f"#withdrawalMessage {{ background: {background}; border: 1px solid {ink}; border-radius: 4px; }}"
            f" #withdrawalMessage QLabel {{ color: {ink}; }}"
        )
        self.text.setText(text)
        self._callback = on_action
        self.action.setText(action or "")
        self.action.setVisible(bool(action and on_action))
        self.show()

    def _run_action(self) -> None:
        callback = self._callback
        self.hide()
        if callback is not None:
            callback()

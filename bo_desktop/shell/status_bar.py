"""Status bar: connection state, who is signed in, reference-data age, rate-limit waits.

The permanent widgets on the right answer "can I trust what I see?" at a glance; transient
messages (notifications) use the left part.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from bo_desktop.contract.auth import Me
from bo_desktop.core.api.observers import ConnectionState
from bo_desktop.core.context import Notification, NotificationLevel
from bo_desktop.shell.theme import SemanticColors
from bo_desktop.widgets.naming import named

CONNECTION_TEXT = {
    ConnectionState.ONLINE: "Online",
    ConnectionState.RECONNECTING: "Reconnecting…",
    ConnectionState.OFFLINE: "Offline — showing cached data",
}


def describe_age(when: datetime | None, now: datetime | None = None) -> str:
    if when is None:
        return "never"
    seconds = max(0, int(((now or datetime.now(UTC)) - when).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


def _plain_label(object_name: str) -> QLabel:
    label = named(QLabel(), object_name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setContentsMargins(8, 0, 8, 0)
    return label


class ShellStatusBar(QStatusBar):
    def __init__(self, colors: SemanticColors, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self._colors = colors
        self._state = ConnectionState.ONLINE
        self._synced_at: datetime | None = None

        self.rate_limit_label = _plain_label("statusRateLimit")
        self.rate_limit_label.hide()
        self.sync_label = _plain_label("statusReferenceSync")
        self.user_label = _plain_label("statusUser")
        self.connection_label = _plain_label("statusConnection")
        for widget in (self.rate_limit_label, self.sync_label, self.user_label, self.connection_label):
            self.addPermanentWidget(widget)

        # "5 min ago" must age by itself.
        self._age_timer = QTimer(self, interval=30_000)
        self._age_timer.timeout.connect(self._refresh_sync_label)
        self._age_timer.start()
        self._rate_limit_timer = QTimer(self, singleShot=True)
        self._rate_limit_timer.timeout.connect(self.rate_limit_label.hide)
        self.set_connection_state(ConnectionState.ONLINE)
        self._refresh_sync_label()

    # -- inputs ----------------------------------------------------------------------------------

    def set_colors(self, colors: SemanticColors) -> None:
        self._colors = colors
        self.set_connection_state(self._state)

    def set_connection_state(self, state: ConnectionState) -> None:
        self._state = state
        color = {
            ConnectionState.ONLINE: self._colors.online,
            ConnectionState.RECONNECTING: self._colors.reconnecting,
            ConnectionState.OFFLINE: self._colors.offline,
        }[state]
        self.connection_label.setText(f"● {CONNECTION_TEXT[state]}")
        self.connection_label.setStyleSheet(f"color: {color}; font-weight: bold;")
        self.connection_label.setToolTip(
            {
                ConnectionState.ONLINE: "Connected to the server; live updates are on.",
                ConnectionState.RECONNECTING: "The connection dropped; retrying by itself.",
                ConnectionState.OFFLINE: "The server cannot be reached. Data shown is from the local "
                "cache and may be out of date; the app reconnects by itself.",
            }[state]
        )

    @property
    def connection_state(self) -> ConnectionState:
        return self._state

    def set_user(self, me: Me) -> None:
        roles = ", ".join(role.value for role in me.roles) or "no role"
        self.user_label.setText(f"{me.display_name} ({roles})")
        self.user_label.setToolTip(f"Signed in as {me.username} · staff id {me.staff_id}")

    def set_reference_synced(self, when: datetime | None) -> None:
        self._synced_at = when
        self._refresh_sync_label()

    def show_rate_limit_wait(self, seconds: float) -> None:
        """The server asked us to slow down; say so for as long as we wait (0: done waiting)."""
        if seconds <= 0:
            self.rate_limit_label.hide()
            return
        self.rate_limit_label.setText(f"⏳ Server busy — waiting {seconds:.0f} s")
        self.rate_limit_label.setStyleSheet(f"color: {self._colors.reconnecting};")
        self.rate_limit_label.show()
        self._rate_limit_timer.start(max(1000, int(seconds * 1000)))

    def show_notification(self, note: Notification) -> None:
        prefix = {NotificationLevel.INFO: "", NotificationLevel.WARNING: "⚠ ", NotificationLevel.ERROR: "✖ "}
        self.showMessage(prefix[note.level] + note.text, note.timeout_ms)

    # -- internals -------------------------------------------------------------------------------

    def _refresh_sync_label(self) -> None:
        self.sync_label.setText(f"Reference data: {describe_age(self._synced_at)}")
        if self._synced_at is not None:
            self.sync_label.setToolTip(f"Last synced {self._synced_at.astimezone():%Y-%m-%d %H:%M:%S}")

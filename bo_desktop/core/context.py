"""What a feature receives: the services of one signed-in session, in one object.

A panel factory gets an :class:`AppContext` and takes what it needs from it; features never
reach for globals or import the shell. Cross-feature requests ("open player P-1042") go through
signals the shell owns (:class:`ShellRequests`), so the players feature can answer a request from
the withdrawals panel without either importing the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from bo_desktop.contract.auth import Me
from bo_desktop.contract.enums import Permission
from bo_desktop.core.settings import ServerProfile, Settings
from bo_desktop.core.tasks import TaskRunner

if TYPE_CHECKING:
    from bo_desktop.core.api.client import ApiClient
    from bo_desktop.core.cache import ReferenceCache
    from bo_desktop.core.events import EventHub


class ShellRequests(QObject):
    """Requests any feature may emit; the shell decides how to satisfy them."""

    #: Show player ``player_id`` (e.g. "P-1042"): raises the players panel and opens the profile.
    open_player = Signal(str)
    #: Start a dispute ticket about ``player_id``, optionally about one of their items:
    #: ``(player_id, link_kind, link_id)`` with link_kind "transaction" | "withdrawal" |
    #: "game_round" or "" (with link_id "") for none. The disputes panel opens its create dialog.
    create_dispute = Signal(str, str, str)
    #: Show dispute ticket ``dispute_id`` (e.g. "D-000123") in the disputes panel.
    open_dispute = Signal(str)
    #: Show the members of segment ``(segment_id, name)`` (e.g. "SEG-004") in the players panel:
    #: the shell raises it and the panel filters by that segment (the server applies the rules).
    open_segment = Signal(str, str)


class NotificationLevel(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Notification:
    text: str
    level: NotificationLevel = NotificationLevel.INFO
    timeout_ms: int = 5000


class Notifier(QObject):
    """In-app notifications (shown in the status bar): "Withdrawal W-77 approved"."""

    notified = Signal(object)  # Notification

    def info(self, text: str, timeout_ms: int = 5000) -> None:
        self.notified.emit(Notification(text, NotificationLevel.INFO, timeout_ms))

    def warning(self, text: str, timeout_ms: int = 8000) -> None:
        self.notified.emit(Notification(text, NotificationLevel.WARNING, timeout_ms))

    def error(self, text: str, timeout_ms: int = 10000) -> None:
        self.notified.emit(Notification(text, NotificationLevel.ERROR, timeout_ms))


class SessionState(QObject):
    """Who is signed in and whether the session is live; the shell updates it, panels watch it.

    Offline start: ``me`` comes from the last successful sign-in and ``online`` is False until the
    app has reconnected by itself. Panels should not offer money actions while offline.
    """

    me_changed = Signal(object)  # Me
    online_changed = Signal(bool)

    def __init__(self, me: Me, online: bool) -> None:
        super().__init__()
        self._me = me
        self._online = online

    @property
    def me(self) -> Me:
        return self._me

    @me.setter
    def me(self, me: Me) -> None:
        self._me = me
        self.me_changed.emit(me)

    @property
    def online(self) -> bool:
        return self._online

    @online.setter
    def online(self, online: bool) -> None:
        if online != self._online:
            self._online = online
            self.online_changed.emit(online)


@dataclass
class AppContext:
    """The services of one session. Built by the composition root (``bo_desktop.app``)."""

    api: ApiClient
    cache: ReferenceCache
    events: EventHub
    tasks: TaskRunner
    settings: Settings
    server: ServerProfile
    session: SessionState
    requests: ShellRequests = field(default_factory=ShellRequests)
    notifier: Notifier = field(default_factory=Notifier)

    @property
    def me(self) -> Me:
        return self.session.me

    @property
    def online(self) -> bool:
        return self.session.online

    def can(self, permission: Permission) -> bool:
        """Whether the signed-in user holds ``permission`` (the server still enforces it)."""
        return permission in self.session.me.permissions

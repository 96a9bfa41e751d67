"""Plain-callback observers of the API client: connection state and rate-limit waits.

Qt-free on purpose: the shell adapts them to signals; tests just append to a list.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")

log = logging.getLogger(__name__)


class ConnectionState(StrEnum):
    ONLINE = "online"
    RECONNECTING = "reconnecting"  # a request or the event stream is retrying
    OFFLINE = "offline"  # the last attempt to reach the server failed


class Observers(Generic[T]):
    """An ordered list of callbacks; one failing observer does not starve the others."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[[T], None]] = []

    def add(self, callback: Callable[[T], None]) -> None:
        """Register ``callback`` (once; adding it again is a no-op)."""
        if callback not in self._callbacks:
            self._callbacks.append(callback)

    def remove(self, callback: Callable[[T], None]) -> None:
        """Unregister ``callback``; unknown callbacks are ignored."""
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def notify(self, value: T) -> None:
        """Call every observer with ``value``; exceptions are logged, never propagated."""
        for callback in list(self._callbacks):
            try:
                callback(value)
            except Exception:
                # The request that triggered the notification must not fail because a status-bar
                # update did.
                log.exception("observer %r failed", callback)

    def __len__(self) -> int:
        return len(self._callbacks)

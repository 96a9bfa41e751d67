"""The in-process event bus: server events as Qt signals.

The SSE consumer (:class:`bo_desktop.core.api.EventStream`) calls :meth:`EventHub.publish` for
every event; features connect to :attr:`EventHub.event_received` or, more usually, use
:meth:`EventHub.subscribe` with a type prefix such as ``"withdrawal."``. A ``reset`` event (the
server could not replay what the client missed) also emits :attr:`EventHub.reset`, on which every
panel reloads its data.

Everything runs on the Qt thread (qasync drives the stream there), so signals are delivered
directly, in order.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from bo_desktop.contract.events import EventType, ServerEvent

EventSlot = Callable[[ServerEvent], None]


class Subscription(QObject):
    """A filtered connection to the hub; :meth:`cancel` ends it.

    It is a QObject so that its lifetime can follow an owner: created as a child of the owner (a
    panel), it is destroyed with it, and Qt drops the connection, so a deleted panel is never
    called.
    """

    matched = Signal(object)  # ServerEvent

    def __init__(self, hub: EventHub, type_prefix: str, owner: QObject | None) -> None:
        super().__init__(owner)
        self.type_prefix = type_prefix
        self._hub = hub
        hub.event_received.connect(self._on_event)

    def _on_event(self, event: ServerEvent) -> None:
        if event.type.startswith(self.type_prefix):
            self.matched.emit(event)

    def cancel(self) -> None:
        """Stop delivering events (idempotent)."""
        # Already disconnected, or the hub is gone: nothing left to undo.
        with contextlib.suppress(RuntimeError, TypeError):
            self._hub.event_received.disconnect(self._on_event)
        self.deleteLater()


class EventHub(QObject):
    """Fan-out of server events to the features of one session."""

    event_received = Signal(object)  # ServerEvent, every event including heartbeats and resets
    reset = Signal()  # the client missed events: reload everything shown

    def publish(self, event: ServerEvent) -> None:
        """Deliver ``event`` to every subscriber (called by the event stream)."""
        if event.type == EventType.RESET:
            self.reset.emit()
        self.event_received.emit(event)

    def subscribe(self, type_prefix: str, slot: EventSlot, *, owner: QObject | None = None) -> Subscription:
        """Call ``slot`` for events whose type starts with ``type_prefix`` ("" = all).

        Pass ``owner`` (usually the panel) so the subscription dies with it; without an owner,
        keep the returned :class:`Subscription` and :meth:`~Subscription.cancel` it yourself.
        If ``slot`` is a method of a QObject and no owner is given, that object becomes the owner.
        """
        if owner is None:
            bound_to = getattr(slot, "__self__", None)
            owner = bound_to if isinstance(bound_to, QObject) else None
        subscription = Subscription(self, type_prefix, owner)
        subscription.matched.connect(slot)
        return subscription

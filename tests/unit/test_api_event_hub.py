"""EventHub: prefix subscriptions, reset signal, and subscriptions dying with their owner."""

from __future__ import annotations

from PySide6.QtCore import QObject

from bo_desktop.contract.events import ServerEvent
from bo_desktop.core.events import EventHub


def event(n: int, type_: str) -> ServerEvent:
    return ServerEvent(id=n, type=type_, data={})


def test_prefix_subscription_and_reset(qapp: object) -> None:
    hub = EventHub()
    withdrawals: list[int] = []
    everything: list[int] = []
    resets: list[bool] = []
    hub.subscribe("withdrawal.", lambda e: withdrawals.append(e.id), owner=hub)
    hub.event_received.connect(lambda e: everything.append(e.id))
    hub.reset.connect(lambda: resets.append(True))

    hub.publish(event(1, "withdrawal.created"))
    hub.publish(event(2, "dispute.updated"))
    hub.publish(event(3, "withdrawal.updated"))
    hub.publish(event(4, "reset"))

    assert withdrawals == [1, 3]
    assert everything == [1, 2, 3, 4]
    assert resets == [True]


def test_subscription_ends_with_owner_and_on_cancel(qapp: object) -> None:
    hub = EventHub()
    seen: list[int] = []
    owner = QObject()
    hub.subscribe("alert.", lambda e: seen.append(e.id), owner=owner)
    hub.publish(event(1, "alert.created"))
    owner.setParent(None)
    del owner  # the panel is destroyed: its subscription with it
    hub.publish(event(2, "alert.created"))

    kept = hub.subscribe("alert.", lambda e: seen.append(e.id * 10))
    hub.publish(event(3, "alert.updated"))
    kept.cancel()
    hub.publish(event(4, "alert.updated"))
    assert seen == [1, 30]


def test_bound_method_of_qobject_owns_its_subscription(qapp: object) -> None:
    class Panel(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.seen: list[int] = []

        def on_event(self, e: ServerEvent) -> None:
            self.seen.append(e.id)

    hub = EventHub()
    panel = Panel()
    subscription = hub.subscribe("", panel.on_event)
    assert subscription.parent() is panel
    hub.publish(event(5, "kyc.updated"))
    assert panel.seen == [5]

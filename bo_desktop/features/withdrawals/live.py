"""Live queue updates: ``withdrawal.*`` events, coalesced into one model update per interval.

At 50 events a second, applying each one on arrival would repaint the table 50 times; collected
for ``interval_ms`` (latest version per id wins), they become one batch. While a reload is being
built aside, batches are held back and applied on top of it afterwards (versions make that safe).
"""

from __future__ import annotations

import logging

from pydantic import ValidationError
from PySide6.QtCore import QObject, QTimer, Signal

from bo_desktop.contract.events import EventType, ServerEvent
from bo_desktop.contract.payments import Withdrawal
from bo_desktop.core.events import EventHub

log = logging.getLogger(__name__)

TYPES = frozenset({EventType.WITHDRAWAL_CREATED.value, EventType.WITHDRAWAL_UPDATED.value})


class LiveWithdrawals(QObject):
    batch = Signal(list)  # list[Withdrawal], newest version of each id
    reset = Signal()  # the stream lost events: reload

    def __init__(self, hub: EventHub, *, interval_ms: int = 100, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: dict[str, Withdrawal] = {}
        self._held = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.flush)
        hub.subscribe("withdrawal.", self._on_event, owner=self)
        hub.reset.connect(self.reset)
        self.received = 0

    def _on_event(self, event: ServerEvent) -> None:
        if event.type not in TYPES:
            return
        try:
            w = Withdrawal.model_validate(event.data)
        except ValidationError:
            log.warning("withdrawal event %s does not match the contract; skipped", event.id)
            return
        self.received += 1
        known = self._pending.get(w.id)
        if known is None or w.version > known.version:
            self._pending[w.id] = w
        if not self._held and not self._timer.isActive():
            self._timer.start()

    def hold(self) -> None:
        self._held = True
        self._timer.stop()

    def resume(self) -> None:
        self._held = False
        self.flush()

    def flush(self) -> None:
        self._timer.stop()
        if self._held or not self._pending:
            return
        batch, self._pending = list(self._pending.values()), {}
        self.batch.emit(batch)

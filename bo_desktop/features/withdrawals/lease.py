"""The claim on the open item: a visible countdown, renewed while the item stays open.

The server's lease is the truth (``claim_expires_at``); this only decides *when* to renew it:
once fewer than ``renew_margin`` seconds are left, so a slow network still has time. Renewing is
claiming again at the current version; when that version is stale (our own event not applied
yet) the item is read back and the renewal retried once. Closing the item releases the claim, so
a colleague can take it at once instead of waiting for the lease to run out.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from PySide6.QtCore import QObject, QTimer, Signal

from bo_desktop.contract.payments import Withdrawal
from bo_desktop.core.api.errors import ApiError, NetworkError, PreconditionFailed, RateLimited, ServerError
from bo_desktop.core.tasks import TaskRunner

from .service import DEFAULT_LEASE_SECONDS, WithdrawalService, held_by

log = logging.getLogger(__name__)


class LeaseKeeper(QObject):
    ticked = Signal(float, bool)  # seconds left, renewing now
    renewed = Signal(object)  # Withdrawal after a renewal
    lost = Signal(str, str)  # withdrawal id, why

    def __init__(
        self,
        service: WithdrawalService,
        tasks: TaskRunner,
        *,
        lease_seconds: int = DEFAULT_LEASE_SECONDS,
        renew_margin: float = 90.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._tasks = tasks
        self.lease_seconds = lease_seconds
        self.renew_margin = renew_margin
        self.held: Withdrawal | None = None
        self._renewing = False
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)

    @property
    def held_id(self) -> str | None:
        return self.held.id if self.held is not None else None

    def seconds_left(self) -> float | None:
        w = self.held
        if w is None or w.claim_expires_at is None:
            return None
        return (w.claim_expires_at - datetime.now(UTC)).total_seconds()

    def hold(self, w: Withdrawal) -> None:
        """Start keeping ``w`` (claimed by the user) alive."""
        self.held = w
        self._timer.start()
        self._tick()

    def update(self, w: Withdrawal) -> None:
        """A newer representation of the held item (an event, an action's answer)."""
        if self.held is None or w.id != self.held.id or w.version < self.held.version:
            return
        if held_by(w, self._service.me):
            self.held = w
            return
        self._stop()
        if w.claimed_by and w.claimed_by != self._service.me:
            self.lost.emit(w.id, f"{w.claimed_by_name or w.claimed_by} now holds the claim on {w.id}.")

    def drop(self) -> None:
        """Stop without releasing: the server released it (a decision) or it is not ours."""
        self._stop()

    def release(self) -> None:
        """Give the claim back (best effort: if it fails, the lease simply runs out)."""
        w = self.held
        self._stop()
        if w is None:
            return
        # Not owned by the panel: closing the panel must not cancel the release it triggers.
        try:
            self._tasks.start(self._release(w), name=f"release-{w.id}")
        except RuntimeError:
            log.info("release of %s skipped: the session is already shut down", w.id)

    async def _release(self, w: Withdrawal) -> None:
        try:
            await self._service.release(w.id, w.version)
        except PreconditionFailed:
            try:
                current = await self._service.fetch(w.id)
                if held_by(current, self._service.me):
                    await self._service.release(current.id, current.version)
            except ApiError as exc:
                log.info("release of %s skipped: %s", w.id, exc)
        except ApiError as exc:
            log.info("release of %s skipped: %s", w.id, exc)

    def _stop(self) -> None:
        self.held = None
        self._renewing = False
        self._timer.stop()

    def _tick(self) -> None:
        left = self.seconds_left()
        if left is None or self.held is None:
            return
        if left <= 0:
            w = self.held
            self._stop()
            self.lost.emit(w.id, f"Your claim on {w.id} ran out. Claim it again to decide it.")
            return
        self.ticked.emit(left, self._renewing)
        if left <= self.renew_margin and not self._renewing:
            self._renewing = True
            self._tasks.start(self._renew(self.held), owner=self, name="lease-renew")

    async def _renew(self, w: Withdrawal) -> None:
        try:
            try:
                renewed = await self._service.claim(w.id, w.version, self.lease_seconds)
            except PreconditionFailed:
                current = await self._service.fetch(w.id)
                if not held_by(current, self._service.me):
                    raise
                renewed = await self._service.claim(current.id, current.version, self.lease_seconds)
        except ApiError as exc:
            self._renewing = False
            if self.held is not None and self.held.id == w.id:
                transient = isinstance(exc, NetworkError | ServerError | RateLimited)
                if transient and (self.seconds_left() or 0) > 15:
                    return  # the next tick tries again while there is time
                self._stop()
                self.lost.emit(w.id, f"Could not renew your claim on {w.id}: {exc.user_message}")
            return
        self._renewing = False
        if self.held is not None and self.held.id == w.id:
            self.held = renewed
            self.renewed.emit(renewed)

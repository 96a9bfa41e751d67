"""Withdrawal review against the platform API: queue, detail, claim, approve, reject (Qt-free).

Money actions follow one protocol (DESIGN §3):

- *One Idempotency-Key per user intent.* :class:`IntentBook` hands out the same key for the same
  action with the same body on the same withdrawal until the intent is settled, so pressing
  Approve again after a failure retries the intent instead of starting a second one. The API
  client already retries a keyed request on 5xx and dropped connections with that key.
- *If-Match with the version the user saw.* A 412 means somebody changed the item since: nothing
  happened, and the caller shows what changed.
- *Uncertain outcomes are settled by reading.* When every attempt failed on the network or with
  a 5xx, the change may or may not have been committed. :meth:`WithdrawalService.decide` then
  reads the withdrawal and reports what is true: done (the approval is there), not done, or
  unknown (the server cannot be reached even to ask).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum, StrEnum

from bo_desktop.contract.enums import WithdrawalStatus
from bo_desktop.contract.payments import (
    ApproveRequest,
    ClaimRequest,
    RejectRequest,
    Withdrawal,
)
from bo_desktop.contract.withdrawal_context import WithdrawalContext
from bo_desktop.core.api.client import ApiClient
from bo_desktop.core.api.errors import ApiError, Conflict, NetworkError, ServerError

PAGE_SIZE = 500  # the API's maximum: 100k rows in 200 requests
DEFAULT_LEASE_SECONDS = 300
IN_FLIGHT_RETRIES = 5  # 409 idempotency_in_flight: the first attempt is still running server-side


class Action(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


@dataclass(frozen=True)
class Intent:
    """One thing the user decided to do, identified by its Idempotency-Key."""

    withdrawal_id: str
    action: Action
    body: ApproveRequest | RejectRequest
    key: str = field(default_factory=lambda: str(uuid.uuid4()))


class IntentBook:
    """Open intents by (withdrawal, action). A changed body is a new intent with a new key: the
    server refuses a key reused with a different body (422 ``idempotency_key_reused``)."""

    def __init__(self) -> None:
        self._open: dict[tuple[str, Action], Intent] = {}

    def intent_for(self, withdrawal_id: str, action: Action, body: ApproveRequest | RejectRequest) -> Intent:
        current = self._open.get((withdrawal_id, action))
        if current is None or current.body != body:
            current = Intent(withdrawal_id, action, body)
            self._open[(withdrawal_id, action)] = current
        return current

    def pending(self, withdrawal_id: str, action: Action) -> Intent | None:
        return self._open.get((withdrawal_id, action))

    def close(self, intent: Intent) -> None:
        if self._open.get((intent.withdrawal_id, intent.action)) == intent:
            del self._open[(intent.withdrawal_id, intent.action)]


class OutcomeKind(Enum):
    DONE = "done"  # the change is on the server (possibly learnt by reading it back)
    NOT_DONE = "not_done"  # nothing changed; ``error`` says why
    UNKNOWN = "unknown"  # the server could not even be asked; check again later


@dataclass(frozen=True)
class Outcome:
    kind: OutcomeKind
    withdrawal: Withdrawal | None = None  # the server's state when known
    error: ApiError | None = None
    settled_by_reading: bool = False  # the answer was lost and the state was read back

    @property
    def done(self) -> bool:
        return self.kind is OutcomeKind.DONE


def took_effect(intent: Intent, w: Withdrawal, me: str) -> bool:
    """Whether ``w`` shows ``intent`` as done by ``me``."""
    if intent.action is Action.APPROVE:
        return any(a.staff_id == me for a in w.approvals)
    body = intent.body
    assert isinstance(body, RejectRequest)
    return w.status == WithdrawalStatus.REJECTED and w.reject_reason_code == body.reason_code


def held_by(w: Withdrawal, staff_id: str, now: datetime | None = None) -> bool:
    """Whether ``staff_id`` holds an unexpired lease on ``w``."""
    now = now or datetime.now(UTC)
    return w.claimed_by == staff_id and w.claim_expires_at is not None and w.claim_expires_at > now


def _uncertain(error: ApiError) -> bool:
    # Conflict here is only ever idempotency_in_flight after its retries ran out.
    return isinstance(error, NetworkError | ServerError) or error.code == "idempotency_in_flight"


class WithdrawalService:
    def __init__(self, api: ApiClient, me_staff_id: str) -> None:
        self.api = api
        self.me = me_staff_id
        self.intents = IntentBook()

    # -- reads -------------------------------------------------------------------------------------

    async def queue_pages(self) -> AsyncIterator[list[Withdrawal]]:
        """Every open withdrawal, riskiest first, one page at a time."""
        async for page in self.api.paginate(
            "withdrawals", Withdrawal, params={"sort": "-risk_score"}, page_size=PAGE_SIZE
        ):
            yield page

    async def fetch(self, withdrawal_id: str) -> Withdrawal:
        return await self.api.get_versioned(f"withdrawals/{withdrawal_id}", Withdrawal)

    async def context(self, withdrawal_id: str) -> WithdrawalContext:
        return await self.api.get(f"withdrawals/{withdrawal_id}/context", WithdrawalContext)

    async def open_item(self, withdrawal_id: str) -> tuple[Withdrawal, WithdrawalContext]:
        """The withdrawal and its review context, fetched together."""
        w, ctx = await asyncio.gather(self.fetch(withdrawal_id), self.context(withdrawal_id))
        return w, ctx

    # -- leases ------------------------------------------------------------------------------------

    async def claim(
        self, withdrawal_id: str, version: int, lease_seconds: int = DEFAULT_LEASE_SECONDS
    ) -> Withdrawal:
        """Take (or renew) the lease. Keyed, so a dropped answer is retried without surprises."""
        return await self.api.send(
            "POST",
            f"withdrawals/{withdrawal_id}/claim",
            body=ClaimRequest(lease_seconds=lease_seconds),
            model=Withdrawal,
            if_match=version,
            idempotency_key=str(uuid.uuid4()),
        )

    async def release(self, withdrawal_id: str, version: int) -> Withdrawal:
        return await self.api.send(
            "DELETE", f"withdrawals/{withdrawal_id}/claim", model=Withdrawal, if_match=version
        )

    # -- decisions ---------------------------------------------------------------------------------

    async def decide(self, intent: Intent, version: int) -> Outcome:
        """Send ``intent`` at ``version``; settle an uncertain answer by reading the withdrawal."""
        error: ApiError
        for attempt in range(IN_FLIGHT_RETRIES + 1):
            try:
                w = await self._post(intent, version)
            except Conflict as exc:
                if exc.code != "idempotency_in_flight" or attempt == IN_FLIGHT_RETRIES:
                    error = exc
                    break
                await asyncio.sleep(exc.problem.retry_after or 1.0)
                continue
            except ApiError as exc:
                error = exc
                break
            self.intents.close(intent)
            return Outcome(OutcomeKind.DONE, w)
        if not _uncertain(error):
            # A definite refusal: nothing changed. The intent stays open, so retrying it after
            # fixing the cause (claiming, reviewing a 412) reuses its key.
            return Outcome(OutcomeKind.NOT_DONE, None, error)
        return await self.settle(intent, error)

    async def settle(self, intent: Intent, error: ApiError) -> Outcome:
        """Find out whether ``intent`` took effect after its answer was lost."""
        try:
            w = await self.fetch(intent.withdrawal_id)
        except ApiError:
            return Outcome(OutcomeKind.UNKNOWN, None, error)
        if took_effect(intent, w, self.me):
            self.intents.close(intent)
            return Outcome(OutcomeKind.DONE, w, settled_by_reading=True)
        return Outcome(OutcomeKind.NOT_DONE, w, error, settled_by_reading=True)

    async def _post(self, intent: Intent, version: int) -> Withdrawal:
        return await self.api.send(
            "POST",
            f"withdrawals/{intent.withdrawal_id}/{intent.action.value}",
            body=intent.body,
            model=Withdrawal,
            if_match=version,
            idempotency_key=intent.key,
        )

    async def claim_and_decide(
        self,
        withdrawal_id: str,
        version: int,
        holder: str | None,
        intent: Intent,
        *,
        lease_seconds: int = DEFAULT_LEASE_SECONDS,
        release_on_failure: bool = False,
    ) -> Outcome:
        """Decide an item, claiming it first unless the user already holds it.

        The claim carries the version the user saw (If-Match): if the item changed since, the
        claim fails with 412 and nothing is decided. The decision then carries the claim's own
        version, which differs from the one seen only by the user's own lease. A bulk run passes
        ``release_on_failure`` so that items it could not decide go back to the queue at once.
        """
        claimed: Withdrawal | None = None
        if holder != self.me:
            try:
                claimed = await self.claim(withdrawal_id, version, lease_seconds)
            except ApiError as exc:
                return Outcome(OutcomeKind.NOT_DONE, None, exc)
            version = claimed.version
        outcome = await self.decide(intent, version)
        if claimed is not None and release_on_failure and outcome.kind is OutcomeKind.NOT_DONE:
            current = outcome.withdrawal or claimed
            if held_by(current, self.me):
                with contextlib.suppress(ApiError):  # if not, the lease runs out by itself
                    await self.release(withdrawal_id, current.version)
        return outcome

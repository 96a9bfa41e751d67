"""The payout step: approved withdrawals are sent to their PSP, which pays them or fails them.

DESIGN §3: approved → paid | failed. An approved withdrawal waits ``config.payout_delay_seconds``
(the PSP's processing time) and then the PSP answers:

- **paid**: ``psp_reference`` is the provider's reference; the ledger row (the ``withdrawal``
  transaction written at request time) becomes ``succeeded`` with that reference, and the
  player's ``lifetime_withdrawals_minor`` grows. The balance does not move: it was debited when
  the player requested the withdrawal (``sim_actions.withdrawal``; the seed does the same).
- **failed**: the PSP is in an injected outage (chaos ``psp_outage``, as for deposits) or, at
  the provider's small failure rate (``PSP_PROFILES[psp].withdrawal_success``), it declined.
  ``failure_reason`` says why; the ledger row becomes ``failed`` and the reserved amount goes
  back to the player's balance — a failed payout never took the money. A rejection does the same
  (ledger row ``reversed``), which is how the seed books rejected and failed withdrawals.

Only withdrawals with a ledger row (``transaction_id``) reserved money at request time, so only
they are refunded; rows inserted by tests without one never touched the balance.

Each settlement bumps the withdrawal's version, appends an audit record by the "Payout
processor" (actor id ``SYSTEM``) and publishes ``withdrawal.updated`` with the full withdrawal,
like every staff mutation.

Who runs it: the simulator's tick (``settle_due`` in its transaction, events published after
its commit), and :func:`settle_payouts` — a public entry point with its own transaction, for
tests and tools that must settle a payout now and deterministically instead of waiting.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bo_desktop.contract.enums import Psp, WithdrawalStatus
from bo_desktop.contract.events import EventType
from bo_desktop.contract.payments import Withdrawal

from . import audit, db
from .config import SandboxConfig
from .reference_data import PSP_PROFILES, psp_reference
from .state import SandboxState

PAYOUT_PROCESSOR = audit.ActorRef("SYSTEM", "Payout processor")
BATCH = 200  # payouts settled per tick at most (the rest next second)
DECLINE_REASONS = (
    "The beneficiary bank rejected the transfer (account closed).",
    "The account holder's name does not match the player's.",
    "The provider's risk check declined the payout.",
)

Event = tuple[str, dict[str, Any]]


def release_reserved(session: Session, row: db.Withdrawal, ledger_status: str) -> None:
    """Give a withdrawal's reserved amount back to the player and close its ledger row with
    ``ledger_status`` (``failed`` or ``reversed``). No-op without a ledger row (nothing was
    reserved) or when the row is already closed (never refund twice)."""
    tx = _open_ledger_row(session, row)
    if tx is None:
        return
    tx.status = ledger_status
    player = session.get(db.Player, row.player_id)
    if player is not None:
        player.balance_minor += row.amount_minor


def _open_ledger_row(session: Session, row: db.Withdrawal) -> db.Transaction | None:
    """The withdrawal's ledger row while it is still pending; None once closed (or never made)."""
    if row.transaction_id is None:
        return None
    tx = session.get(db.Transaction, row.transaction_id)
    return tx if tx is not None and tx.status == "pending" else None


def _pay(session: Session, row: db.Withdrawal, reference: str) -> None:
    row.status = WithdrawalStatus.PAID.value
    row.psp_reference = reference
    tx = _open_ledger_row(session, row)
    if tx is None:
        return
    tx.status = "succeeded"
    tx.psp_reference = reference
    player = session.get(db.Player, row.player_id)
    if player is not None:
        player.lifetime_withdrawals_minor += row.amount_minor


def _fail(session: Session, row: db.Withdrawal, reason: str) -> None:
    row.status = WithdrawalStatus.FAILED.value
    row.failure_reason = reason
    release_reserved(session, row, "failed")


def settle_due(
    session: Session,
    config: SandboxConfig,
    rng: random.Random,
    now: datetime,
    outage: Collection[str],
    *,
    ids: Collection[str] | None = None,
    ignore_delay: bool = False,
) -> list[Event]:
    """Settle approved withdrawals in the caller's transaction; returns the events to publish
    after commit. Due: approved at least ``payout_delay_seconds`` ago (``ignore_delay``: all);
    ``ids`` limits it to those withdrawals."""
    from .api.routes.withdrawals import trail, withdrawal_model  # the API's representation

    W = db.Withdrawal
    stmt = sa.select(W).where(W.status == WithdrawalStatus.APPROVED.value)
    if not ignore_delay:
        stmt = stmt.where(W.decided_at <= now - timedelta(seconds=config.payout_delay_seconds))
    if ids is not None:
        stmt = stmt.where(W.id.in_(list(ids)))
    rows = session.scalars(stmt.order_by(W.decided_at, W.id).limit(BATCH).with_for_update()).all()
    events: list[Event] = []
    for row in rows:
        before = trail(row)
        psp = Psp(row.psp)
        if psp.value in outage:
            _fail(session, row, f"{psp.value.capitalize()} is unavailable (outage); the payout was not sent.")
        elif rng.random() >= PSP_PROFILES[psp].withdrawal_success:
            _fail(session, row, rng.choice(DECLINE_REASONS))
        else:
            _pay(session, row, psp_reference(psp, rng.getrandbits(64)))
        row.settled_at = now
        row.version += 1
        row.updated_at = now
        session.flush()
        paid = row.status == WithdrawalStatus.PAID.value
        audit.append(
            session,
            actor=PAYOUT_PROCESSOR,
            action="withdrawal.paid" if paid else "withdrawal.payout_failed",
            entity_type="withdrawal",
            entity_id=row.id,
            before=before,
            after=trail(row),
            reason=f"{psp.value} reference {row.psp_reference}" if paid else row.failure_reason,
        )
        model = withdrawal_model(session, row, config)
        events.append((EventType.WITHDRAWAL_UPDATED.value, model.model_dump(mode="json")))
    return events


def settle_payouts(
    state: SandboxState,
    *,
    ids: Collection[str] | None = None,
    now: datetime | None = None,
    rng: random.Random | None = None,
    ignore_delay: bool = False,
) -> list[Withdrawal]:
    """Settle due payouts now, in a transaction of its own, and publish their events.

    Tests call it with ``ids`` (their own withdrawals), ``ignore_delay=True`` and, to choose
    the PSP's answer, an ``rng`` (``random() >= withdrawal_success`` declines). The live chaos
    ``psp_outage`` applies as in the simulator. Returns the settled withdrawals.
    """
    now = now or datetime.now(UTC)
    with state.sessionmaker.begin() as session:
        events = settle_due(
            session,
            state.config,
            rng or random.Random(),
            now,
            frozenset(state.chaos.psp_outage),
            ids=ids,
            ignore_delay=ignore_delay,
        )
    for event_type, data in events:
        state.bus.publish(event_type, data)
    return [Withdrawal.model_validate(data) for _type, data in events]

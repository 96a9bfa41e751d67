"""``GET /withdrawals/{id}/context``: the review context of one withdrawal (``WithdrawalContext``).

A handful of bounded queries, each on an indexed (player_id, created_at) range, so the detail pane
costs the same for a player with ten transactions and one with a hundred thousand:

- the money trail starts at the player's last *paid* withdrawal (else 30 days back), the same
  window the ``deposits_not_wagered`` risk signal uses; stakes are matched to deposits oldest
  first, so what is left over is the money that would leave unplayed;
- payment accounts are keyed by the transaction's ``payment_account`` fingerprint; rows without
  one (the simulator's) fall back to (PSP, method), which is how the simulator's own
  "new payment method" rule identifies an account;
- AML alerts are shown only to ``alerts.aml`` holders (compliance); anyone else sees how many
  there are, so a reviewer knows to ask compliance before paying out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from bo_desktop.contract.enums import AlertKind, Permission
from bo_desktop.contract.payments import Transaction
from bo_desktop.contract.players import RgLimit
from bo_desktop.contract.withdrawal_context import (
    LinkedAlert,
    LinkedDispute,
    PaymentMethodUse,
    ReviewPlayer,
    UnwageredDeposit,
    WithdrawalContext,
)

from ... import db
from ...db import utcnow
from ...risk import NEW_METHOD_DAYS
from ..deps import read_session
from ..permissions import Principal, require
from ..problems import not_found

router = APIRouter(prefix="/withdrawals", tags=["withdrawals"])

RECENT_TRANSACTIONS = 20
TRAIL_DEPOSITS = 200  # newest deposits of the trail considered; older ones are long wagered
DEFAULT_TRAIL = timedelta(days=30)
OPEN_ALERT_STATUSES = ("open", "investigating", "awaiting_second_review")
OPEN_DISPUTE_STATUSES = ("new", "open", "waiting_on_player", "escalated")
RECENT_CASES = timedelta(days=180)
MAX_CASES = 20

Tx = db.Transaction


@router.get("/{withdrawal_id}/context", response_model=WithdrawalContext)
def withdrawal_context(
    withdrawal_id: str,
    principal: Annotated[
        Principal,
        Depends(require(Permission.WITHDRAWALS_READ, Permission.PLAYERS_READ, Permission.TRANSACTIONS_READ)),
    ],
    session: Annotated[Session, Depends(read_session)],
) -> WithdrawalContext:
    withdrawal = session.get(db.Withdrawal, withdrawal_id)
    if withdrawal is None:
        raise not_found("withdrawal", withdrawal_id)
    player = session.get(db.Player, withdrawal.player_id)
    if player is None:  # the foreign key makes this impossible; a 404 beats a 500 if it happens
        raise not_found("player", withdrawal.player_id)
    since = _last_payout_at(session, withdrawal)
    trail = _money_trail(session, player.id, since or utcnow() - DEFAULT_TRAIL)
    methods, payout_new = _payment_methods(session, withdrawal)
    alerts, restricted = _alerts(session, player.id, principal.can(Permission.ALERTS_AML))
    return WithdrawalContext(
        withdrawal_id=withdrawal.id,
        player=_player(player),
        limits=_limits(session, player.id),
        recent_transactions=_recent_transactions(session, player.id),
        since=since,
        deposits_since_minor=trail.deposits,
        wagered_since_minor=trail.wagered,
        unwagered_deposits=trail.unwagered,
        payment_methods=methods,
        payout_method_new=payout_new,
        alerts=alerts,
        restricted_alerts=restricted,
        disputes=_disputes(session, player.id, withdrawal.id),
    )


def _player(row: db.Player) -> ReviewPlayer:
    return ReviewPlayer.model_validate(
        {
            **{name: getattr(row, name) for name in ReviewPlayer.model_fields if hasattr(row, name)},
            "name": f"{row.first_name} {row.last_name}",
        }
    )


def _limits(session: Session, player_id: str) -> list[RgLimit]:
    rows = session.scalars(
        sa.select(db.RgLimit)
        .where(db.RgLimit.player_id == player_id, db.RgLimit.status.in_(("active", "pending_increase")))
        .order_by(db.RgLimit.kind, db.RgLimit.created_at)
    )
    return [RgLimit.model_validate(row, from_attributes=True) for row in rows]


def _recent_transactions(session: Session, player_id: str) -> list[Transaction]:
    rows = session.scalars(
        sa.select(Tx)
        .where(Tx.player_id == player_id)
        .order_by(Tx.created_at.desc(), Tx.id.desc())
        .limit(RECENT_TRANSACTIONS)
    )
    return [Transaction.model_validate(row, from_attributes=True) for row in rows]


def _last_payout_at(session: Session, withdrawal: db.Withdrawal) -> datetime | None:
    """When the player's previous payout was decided: the trail since then is unexplained money."""
    row = session.execute(
        sa.select(db.Withdrawal.decided_at, db.Withdrawal.requested_at)
        .where(
            db.Withdrawal.player_id == withdrawal.player_id,
            db.Withdrawal.status == "paid",
            db.Withdrawal.requested_at < withdrawal.requested_at,
        )
        .order_by(db.Withdrawal.requested_at.desc(), db.Withdrawal.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    decided_at, requested_at = row
    return decided_at or requested_at


@dataclass
class _Trail:
    deposits: int
    wagered: int
    unwagered: list[UnwageredDeposit]


def _money_trail(session: Session, player_id: str, since: datetime) -> _Trail:
    wagered = int(
        session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Tx.amount_minor), 0)).where(
                Tx.player_id == player_id,
                Tx.created_at >= since,
                Tx.type == "bet",
                Tx.status == "succeeded",
            )
        )
        or 0
    )
    newest_first = session.scalars(
        sa.select(Tx)
        .where(
            Tx.player_id == player_id,
            Tx.created_at >= since,
            Tx.type == "deposit",
            Tx.status == "succeeded",
        )
        .order_by(Tx.created_at.desc(), Tx.id.desc())
        .limit(TRAIL_DEPOSITS)
    ).all()
    deposits = sum(row.amount_minor for row in newest_first)
    unwagered: list[UnwageredDeposit] = []
    left = wagered  # stakes not yet matched to a deposit
    for row in reversed(newest_first):  # oldest first: stakes use up the earliest money first
        covered = min(left, row.amount_minor)
        left -= covered
        if covered < row.amount_minor:
            unwagered.append(
                UnwageredDeposit(
                    transaction_id=row.id,
                    created_at=row.created_at,
                    amount_minor=row.amount_minor,
                    unwagered_minor=row.amount_minor - covered,
                    psp=row.psp,
                    method=row.method,
                )
            )
    unwagered.reverse()
    return _Trail(deposits=deposits, wagered=wagered, unwagered=unwagered)


def _account_key(fingerprint: str | None, psp: str | None, method: str | None) -> str:
    return fingerprint or f"{psp}/{method}"


def _payment_methods(session: Session, withdrawal: db.Withdrawal) -> tuple[list[PaymentMethodUse], bool]:
    """Every account the player paid in from or out to, and whether this payout's is new."""
    usage = session.execute(
        sa.select(
            Tx.payment_account,
            Tx.psp,
            Tx.method,
            Tx.type,
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(Tx.amount_minor), 0),
            sa.func.min(Tx.created_at),
            sa.func.max(Tx.created_at),
        )
        .where(
            Tx.player_id == withdrawal.player_id,
            sa.or_(
                sa.and_(Tx.type == "deposit", Tx.status == "succeeded"),
                sa.and_(Tx.type == "withdrawal", Tx.status.in_(("succeeded", "pending"))),
            ),
        )
        .group_by(Tx.payment_account, Tx.psp, Tx.method, Tx.type)
    ).all()
    masks = dict(
        session.execute(
            sa.select(Tx.payment_account, sa.func.max(db.Withdrawal.destination_masked))
            .join(db.Withdrawal, db.Withdrawal.transaction_id == Tx.id)
            .where(db.Withdrawal.player_id == withdrawal.player_id, Tx.payment_account.is_not(None))
            .group_by(Tx.payment_account)
        ).all()
    )
    accounts: dict[str, PaymentMethodUse] = {}
    for fingerprint, psp, method, kind, count, total, first, last in usage:
        key = _account_key(fingerprint, psp, method)
        label = masks.get(fingerprint) or (f"account …{fingerprint[-6:]}" if fingerprint else "—")
        use = accounts.get(key)
        if use is None:
            use = accounts[key] = PaymentMethodUse(psp=psp, method=method, account=label, last_used_at=last)
        use.last_used_at = max(use.last_used_at, last)
        if kind == "deposit":
            use.deposits += int(count)
            use.deposits_minor += int(total)
            use.first_deposit_at = first
        else:
            use.withdrawals += int(count)
            use.withdrawals_minor += int(total)

    payout = _payout_account(session, withdrawal, accounts)
    if payout is None:
        payout = PaymentMethodUse(
            psp=withdrawal.psp,
            method=withdrawal.method,
            account=withdrawal.destination_masked,
            last_used_at=withdrawal.requested_at,
        )
        accounts[f"payout:{withdrawal.id}"] = payout
    payout.is_payout_destination = True
    now = utcnow()
    for use in accounts.values():
        use.new = use.first_deposit_at is None or now - use.first_deposit_at < timedelta(days=NEW_METHOD_DAYS)
    # The payout destination first, then the most recently used.
    ordered = sorted(
        accounts.values(), key=lambda u: (not u.is_payout_destination, -u.last_used_at.timestamp())
    )
    return ordered, payout.new


def _payout_account(
    session: Session, withdrawal: db.Withdrawal, accounts: dict[str, PaymentMethodUse]
) -> PaymentMethodUse | None:
    fingerprint = None
    if withdrawal.transaction_id:
        fingerprint = session.scalar(sa.select(Tx.payment_account).where(Tx.id == withdrawal.transaction_id))
    if fingerprint:
        return accounts.get(fingerprint)
    # No fingerprint: the account is known only by its PSP (and method). Prefer the exact
    # (PSP, method) pair, then the PSP's account paid in from earliest.
    exact = accounts.get(_account_key(None, withdrawal.psp, withdrawal.method))
    if exact is not None and exact.deposits:
        return exact
    same_psp = [u for u in accounts.values() if u.psp == withdrawal.psp and u.first_deposit_at is not None]
    if same_psp:
        return min(same_psp, key=lambda u: u.first_deposit_at or u.last_used_at)
    return exact


def _alerts(session: Session, player_id: str, may_read_aml: bool) -> tuple[list[LinkedAlert], int]:
    rows = session.scalars(
        sa.select(db.Alert)
        .where(
            db.Alert.player_id == player_id,
            sa.or_(db.Alert.status.in_(OPEN_ALERT_STATUSES), db.Alert.created_at >= utcnow() - RECENT_CASES),
        )
        .order_by(db.Alert.created_at.desc(), db.Alert.id.desc())
        .limit(MAX_CASES)
    ).all()
    visible = [row for row in rows if may_read_aml or row.kind != AlertKind.AML]
    alerts = [LinkedAlert.model_validate(row, from_attributes=True) for row in visible]
    return alerts, len(rows) - len(visible)


def _disputes(session: Session, player_id: str, withdrawal_id: str) -> list[LinkedDispute]:
    links_here = sa.select(db.DisputeLink.dispute_id).where(
        db.DisputeLink.kind == "withdrawal", db.DisputeLink.target_id == withdrawal_id
    )
    rows = session.scalars(
        sa.select(db.Dispute)
        .where(
            db.Dispute.player_id == player_id,
            sa.or_(
                db.Dispute.status.in_(OPEN_DISPUTE_STATUSES),
                db.Dispute.created_at >= utcnow() - RECENT_CASES,
                db.Dispute.id.in_(links_here),
            ),
        )
        .order_by(db.Dispute.created_at.desc(), db.Dispute.id.desc())
        .limit(MAX_CASES)
    ).all()
    linked = set(session.scalars(links_here))
    return [
        LinkedDispute.model_validate(row, from_attributes=True).model_copy(
            update={"links_this_withdrawal": row.id in linked}
        )
        for row in rows
    ]

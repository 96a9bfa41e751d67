"""Which actions the open item (or a selection) allows right now (Qt-free).

The server decides in the end; this keeps the buttons and shortcuts honest so the reviewer is
not offered what would only be refused: nothing while offline (money actions are never queued),
no second approval from the first approver, nothing on an item a colleague holds, except
breaking the claim for a manager.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bo_desktop.contract.enums import WithdrawalStatus
from bo_desktop.contract.payments import Withdrawal

DECIDABLE = frozenset(
    {WithdrawalStatus.PENDING, WithdrawalStatus.IN_REVIEW, WithdrawalStatus.AWAITING_SECOND_APPROVAL}
)


@dataclass(frozen=True)
class ActionState:
    claim: bool = False
    approve: bool = False
    reject: bool = False
    release: bool = False


def action_state(
    w: Withdrawal | None, me: str, *, online: bool, many: bool, can_break: bool, now: datetime
) -> ActionState:
    """``w`` is the open item; ``many`` means several rows are selected (a bulk decision)."""
    if not online:
        return ActionState()
    if many:
        return ActionState(approve=True, reject=True)
    if w is None:
        return ActionState()
    decidable = w.status in DECIDABLE
    first_approver = any(a.staff_id == me for a in w.approvals)
    lease_runs = w.claim_expires_at is not None and w.claim_expires_at > now
    mine = lease_runs and w.claimed_by == me
    taken = lease_runs and w.claimed_by not in (None, me)  # a colleague holds it
    return ActionState(
        claim=decidable and not first_approver and not taken,
        approve=decidable and not first_approver and not taken,
        reject=decidable and not taken,
        release=mine or (can_break and taken),
    )

"""Transactions and withdrawals."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from .common import ContractModel, Versioned
from .enums import Psp, RiskLevel, Severity, TransactionStatus, TransactionType, WithdrawalStatus


class Transaction(ContractModel):
    id: str  # "T-00000042"
    player_id: str
    type: TransactionType
    status: TransactionStatus
    amount_minor: int  # always positive; ``type`` gives the direction
    currency: str
    amount_eur_minor: int
    created_at: datetime
    psp: Psp | None = None
    method: str | None = None
    psp_reference: str | None = None
    fee_minor: int = 0
    game_id: str | None = None
    round_id: str | None = None
    bonus_id: str | None = None


class RiskSignal(ContractModel):
    code: str  # kyc_not_verified, deposits_not_wagered, new_payment_method, velocity, ...
    severity: Severity
    detail: str


class Approval(ContractModel):
    staff_id: str
    staff_name: str
    at: datetime


class Withdrawal(Versioned):
    id: str  # "W-000123"
    player_id: str
    player_name: str
    amount_minor: int
    currency: str
    amount_eur_minor: int
    psp: Psp
    method: str
    destination_masked: str
    requested_at: datetime
    status: WithdrawalStatus
    risk_score: int  # 0..100
    risk_level: RiskLevel
    risk_signals: list[RiskSignal] = Field(default_factory=list)
    requires_four_eyes: bool = False
    approvals: list[Approval] = Field(default_factory=list)
    claimed_by: str | None = None  # staff id
    claimed_by_name: str | None = None
    claim_expires_at: datetime | None = None
    decided_at: datetime | None = None
    # Who made the final decision: the rejecter, or the approver whose approval completed it.
    decided_by: str | None = None  # staff id
    decided_by_name: str | None = None
    reject_reason_code: str | None = None
    reject_comment: str | None = None
    psp_reference: str | None = None  # set once the PSP confirmed the payout (``paid``)
    # The payout: when the PSP answered (``paid`` or ``failed``) and why it failed.
    settled_at: datetime | None = None
    failure_reason: str | None = None


class ClaimRequest(ContractModel):
    lease_seconds: int = Field(default=300, ge=30, le=1800)


class ApproveRequest(ContractModel):
    comment: str = Field(default="", max_length=2000)


class RejectRequest(ContractModel):
    reason_code: str = Field(min_length=1)
    comment: str = Field(default="", max_length=2000)


class WithdrawalCounts(ContractModel):
    """``GET /withdrawals/counts``: open items per status (for the queue's header)."""

    counts: dict[WithdrawalStatus, int]

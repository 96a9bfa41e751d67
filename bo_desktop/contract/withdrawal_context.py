"""``GET /withdrawals/{id}/context``: what a payments reviewer needs beside the withdrawal itself.

One request instead of six (player, limits, transactions, payment history, alerts, disputes), shaped
for the review: the player's standing, the money trail since the last payout, whether the payout
goes to an account the player ever paid in from, and open cases against the player. Amounts are
minor units in the player's currency (``currency``) unless a field says ``_eur_``.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from .common import ContractModel
from .enums import (
    AlertKind,
    AlertStatus,
    DisputeKind,
    DisputePriority,
    DisputeStatus,
    KycStatus,
    PlayerStatus,
    Psp,
    RiskLevel,
    Severity,
    VipTier,
)
from .payments import Transaction
from .players import RgLimit


class ReviewPlayer(ContractModel):
    """The player's standing as far as a payout decision is concerned."""

    id: str
    name: str
    username: str
    country: str
    jurisdiction: str
    currency: str
    status: PlayerStatus
    kyc_status: KycStatus
    risk_level: RiskLevel
    segment: str | None = None
    vip_tier: VipTier = VipTier.NONE
    pay_n_play: bool = False
    registered_at: datetime
    self_exclusion_until: datetime | None = None
    cooling_off_until: datetime | None = None
    balance_minor: int = 0
    bonus_balance_minor: int = 0
    lifetime_deposits_minor: int = 0
    lifetime_withdrawals_minor: int = 0
    flagged_for_review: bool = False
    withdrawals_blocked: bool = False
    pep_or_sanctions_hit: bool = False


class UnwageredDeposit(ContractModel):
    """A deposit since the last payout that stakes have not (fully) covered yet.

    Stakes are matched to deposits oldest first, so ``unwagered_minor`` is what of this deposit
    would leave the casino unplayed if the withdrawal were paid.
    """

    transaction_id: str
    created_at: datetime
    amount_minor: int
    unwagered_minor: int
    psp: Psp | None = None
    method: str | None = None


class PaymentMethodUse(ContractModel):
    """One payment account the player used (deposits and payouts), newest use first in the list."""

    psp: Psp | None = None
    method: str | None = None
    account: str  # masked destination when known, else a short pseudonymous label
    first_deposit_at: datetime | None = None  # None: never used to pay in
    last_used_at: datetime
    deposits: int = 0
    deposits_minor: int = 0
    withdrawals: int = 0
    withdrawals_minor: int = 0
    is_payout_destination: bool = False  # the account this withdrawal pays out to
    new: bool = False  # no deposit from it, or its first deposit is less than a week old


class LinkedAlert(ContractModel):
    """An open or recent alert on the player. AML alerts appear only for ``alerts.aml`` holders;
    others see them counted in ``WithdrawalContext.restricted_alerts``."""

    id: str
    kind: AlertKind
    rule_label: str
    severity: Severity
    status: AlertStatus
    created_at: datetime


class LinkedDispute(ContractModel):
    id: str
    kind: DisputeKind
    subject: str
    status: DisputeStatus
    priority: DisputePriority
    created_at: datetime
    links_this_withdrawal: bool = False


class WithdrawalContext(ContractModel):
    withdrawal_id: str
    player: ReviewPlayer
    limits: list[RgLimit] = Field(default_factory=list)  # active and pending ones
    recent_transactions: list[Transaction] = Field(default_factory=list)  # newest first
    since: datetime | None = None  # start of the money trail: the last paid withdrawal
    deposits_since_minor: int = 0
    wagered_since_minor: int = 0
    unwagered_deposits: list[UnwageredDeposit] = Field(default_factory=list)
    payment_methods: list[PaymentMethodUse] = Field(default_factory=list)
    payout_method_new: bool = False
    alerts: list[LinkedAlert] = Field(default_factory=list)
    restricted_alerts: int = 0  # alerts the caller may not read (AML without alerts.aml)
    disputes: list[LinkedDispute] = Field(default_factory=list)

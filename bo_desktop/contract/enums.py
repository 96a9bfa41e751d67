"""Enumerations of API v1. Values are the wire strings."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    SUPPORT = "support"
    PAYMENTS = "payments"
    COMPLIANCE = "compliance"
    MANAGER = "manager"
    ADMIN = "admin"


class Permission(StrEnum):
    PLAYERS_READ = "players.read"
    PLAYERS_WRITE = "players.write"  # notes, flags
    PLAYERS_STATUS = "players.status"  # suspend / reactivate / close
    PLAYERS_LIMITS = "players.limits"
    TRANSACTIONS_READ = "transactions.read"
    WITHDRAWALS_READ = "withdrawals.read"
    WITHDRAWALS_DECIDE = "withdrawals.decide"  # claim, approve, reject
    WITHDRAWALS_BREAK_LEASE = "withdrawals.break_lease"
    DISPUTES_READ = "disputes.read"
    DISPUTES_WRITE = "disputes.write"
    DISPUTES_APPROVE_COMPENSATION = "disputes.approve_compensation"
    ALERTS_READ = "alerts.read"  # rg + fraud + kyc
    ALERTS_AML = "alerts.aml"  # AML alerts are compliance-only
    ALERTS_WRITE = "alerts.write"
    KYC_REVIEW = "kyc.review"
    METRICS_READ = "metrics.read"
    REPORTS_RUN = "reports.run"
    AUDIT_READ = "audit.read"
    SEGMENTS_WRITE = "segments.write"
    REWARDS_GRANT = "rewards.grant"
    ADMIN_CHAOS = "admin.chaos"


class Jurisdiction(StrEnum):
    MGA = "MGA"  # Malta Gaming Authority
    UKGC = "UKGC"  # UK Gambling Commission
    SGA = "SGA"  # Spelinspektionen (Sweden)
    FI = "FI"  # Finland (Poliisihallitus licence model)
    GGL = "GGL"  # Gemeinsame Glücksspielbehörde der Länder (Germany)
    AGCO = "AGCO"  # iGaming Ontario / AGCO


class PlayerStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    SELF_EXCLUDED = "self_excluded"
    COOLING_OFF = "cooling_off"
    CLOSED = "closed"


class KycStatus(StrEnum):
    NOT_STARTED = "not_started"
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    EXPIRED = "expired"


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class VipTier(StrEnum):
    NONE = "none"
    BRONZE = "bronze"
    SILVER = "silver"
    GOLD = "gold"
    PLATINUM = "platinum"


class Psp(StrEnum):
    ZIMPLER = "zimpler"
    ADYEN = "adyen"
    TRUSTLY = "trustly"
    ECOPAYZ = "ecopayz"
    NUVEI = "nuvei"


class TransactionType(StrEnum):
    DEPOSIT = "deposit"
    WITHDRAWAL = "withdrawal"
    BET = "bet"
    WIN = "win"
    BONUS_CREDIT = "bonus_credit"
    BONUS_FORFEIT = "bonus_forfeit"
    ADJUSTMENT = "adjustment"
    CHARGEBACK = "chargeback"
    REFUND = "refund"


class TransactionStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REVERSED = "reversed"


class WithdrawalStatus(StrEnum):
    PENDING = "pending"
    IN_REVIEW = "in_review"
    AWAITING_SECOND_APPROVAL = "awaiting_second_approval"
    APPROVED = "approved"
    PAID = "paid"
    FAILED = "failed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


OPEN_WITHDRAWAL_STATUSES = frozenset(
    {WithdrawalStatus.PENDING, WithdrawalStatus.IN_REVIEW, WithdrawalStatus.AWAITING_SECOND_APPROVAL}
)


class Severity(StrEnum):
    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class DisputeStatus(StrEnum):
    NEW = "new"
    OPEN = "open"
    WAITING_ON_PLAYER = "waiting_on_player"
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    CLOSED = "closed"


class DisputeKind(StrEnum):
    PAYMENT_DELAY = "payment_delay"
    CHARGEBACK = "chargeback"
    BONUS_DISPUTE = "bonus_dispute"
    GAME_MALFUNCTION = "game_malfunction"
    ACCOUNT_CLOSURE = "account_closure"
    RG_COMPLAINT = "rg_complaint"
    OTHER = "other"


class DisputePriority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class DisputeView(StrEnum):
    """The inbox's saved views, evaluated by the server (``GET /disputes?view=``)."""

    MINE = "mine"  # assigned to me, not resolved/closed
    UNASSIGNED = "unassigned"
    WAITING = "waiting"  # waiting on the player (SLA paused)
    SLA = "sla"  # SLA at risk or overdue
    ESCALATED = "escalated"
    ALL = "all"


OPEN_DISPUTE_STATUSES = frozenset(
    {DisputeStatus.NEW, DisputeStatus.OPEN, DisputeStatus.WAITING_ON_PLAYER, DisputeStatus.ESCALATED}
)


class DisputeOutcome(StrEnum):
    UPHELD = "upheld"
    PARTIALLY_UPHELD = "partially_upheld"
    REJECTED = "rejected"


class AlertKind(StrEnum):
    AML = "aml"
    RG = "rg"
    FRAUD = "fraud"
    KYC = "kyc"


class AlertStatus(StrEnum):
    OPEN = "open"
    INVESTIGATING = "investigating"
    CLOSED_NO_ACTION = "closed_no_action"
    CLOSED_ACTION_TAKEN = "closed_action_taken"
    REPORTED = "reported"
    AWAITING_SECOND_REVIEW = "awaiting_second_review"


class LimitKind(StrEnum):
    DEPOSIT_DAILY = "deposit_daily"
    DEPOSIT_WEEKLY = "deposit_weekly"
    DEPOSIT_MONTHLY = "deposit_monthly"
    LOSS_MONTHLY = "loss_monthly"
    SESSION_MINUTES = "session_minutes"


class KycDocumentKind(StrEnum):
    ID = "id"
    PROOF_OF_ADDRESS = "proof_of_address"
    SOURCE_OF_FUNDS = "source_of_funds"
    SOURCE_OF_WEALTH = "source_of_wealth"
    BANK_ID = "bank_id"  # Pay-n-Play: identity verified by the player's bank


class KycDocumentStatus(StrEnum):
    REQUESTED = "requested"
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


class BonusStatus(StrEnum):
    ACTIVE = "active"
    WAGERED = "wagered"  # wagering complete, converted to cash
    EXPIRED = "expired"
    FORFEITED = "forfeited"
    CANCELLED = "cancelled"

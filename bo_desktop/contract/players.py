"""Players and their sub-resources."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from .common import ContractModel, Versioned
from .enums import (
    BonusStatus,
    Jurisdiction,
    KycDocumentKind,
    KycDocumentStatus,
    KycStatus,
    LimitKind,
    PlayerStatus,
    RiskLevel,
    VipTier,
)


class PlayerSummary(ContractModel):
    """A row of ``GET /players`` (search)."""

    id: str  # "P-000123"
    username: str
    first_name: str
    last_name: str
    email: str
    phone: str | None = None
    country: str
    jurisdiction: Jurisdiction
    currency: str
    status: PlayerStatus
    kyc_status: KycStatus
    risk_level: RiskLevel
    segment: str | None = None
    vip_tier: VipTier = VipTier.NONE
    pay_n_play: bool = False
    registered_at: datetime
    last_login_at: datetime | None = None
    balance_minor: int = 0
    bonus_balance_minor: int = 0


class Acquisition(ContractModel):
    source: str  # affiliate, paid_search, social, organic, referral, tv
    affiliate_id: str | None = None
    campaign: str | None = None


class PlayerKpis(ContractModel):
    lifetime_deposits_minor: int = 0
    lifetime_withdrawals_minor: int = 0
    net_deposits_minor: int = 0
    ggr_minor: int = 0
    bonus_cost_minor: int = 0
    deposit_count: int = 0
    deposits_last_30d: int = 0
    last_deposit_at: datetime | None = None


class PlayerDetail(PlayerSummary, Versioned):
    date_of_birth: str | None = None  # ISO date
    address_city: str | None = None
    self_exclusion_until: datetime | None = None
    cooling_off_until: datetime | None = None
    pay_n_play_provider: str | None = None  # trustly | zimpler
    bank_verified_name: str | None = None
    acquisition: Acquisition | None = None
    kpis: PlayerKpis = Field(default_factory=PlayerKpis)
    flagged_for_review: bool = False
    loyalty_points: int = 0


class GameSession(ContractModel):
    id: str
    player_id: str
    started_at: datetime
    ended_at: datetime | None = None
    ip: str
    ip_country: str
    device: str  # desktop, ios, android, tablet
    user_agent: str | None = None


class Note(ContractModel):
    id: str
    player_id: str
    author_id: str
    author_name: str
    body: str
    pinned: bool = False
    created_at: datetime


class NoteCreate(ContractModel):
    body: str = Field(min_length=1, max_length=10_000)
    pinned: bool = False


class NotePin(ContractModel):
    pinned: bool


class KycDocument(ContractModel):
    id: str
    player_id: str
    kind: KycDocumentKind
    status: KycDocumentStatus
    file_name: str | None = None
    uploaded_at: datetime | None = None
    requested_at: datetime | None = None
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    reason_code: str | None = None
    comment: str | None = None
    version: int = 1


class KycDecision(ContractModel):
    decision: KycDocumentStatus  # verified | rejected
    reason_code: str | None = None
    comment: str = Field(default="", max_length=2000)


class KycRequest(ContractModel):
    kind: KycDocumentKind
    comment: str = Field(default="", max_length=2000)


class RgLimit(ContractModel):
    id: str
    player_id: str
    kind: LimitKind
    value: int  # minor units for money limits, minutes for session limits
    currency: str | None = None
    status: str  # active | pending_increase | superseded | removed
    effective_at: datetime
    created_at: datetime
    created_by: str | None = None  # staff id, or None when the player set it
    reason: str | None = None


class RgLimitSet(ContractModel):
    kind: LimitKind
    value: int = Field(ge=0)
    reason: str = Field(min_length=1, max_length=2000)


class PlayerStatusChange(ContractModel):
    status: str  # target: suspended | active | closed
    reason_code: str
    comment: str = Field(default="", max_length=2000)


class PlayerFlag(ContractModel):
    flagged: bool
    reason: str = Field(min_length=1, max_length=2000)


class Bonus(ContractModel):
    id: str
    player_id: str
    template_id: str | None = None
    name: str
    amount_minor: int
    currency: str
    wagering_required_minor: int
    wagered_minor: int
    status: BonusStatus
    granted_at: datetime
    expires_at: datetime | None = None
    granted_by: str | None = None


class LoyaltyEntry(ContractModel):
    id: str
    player_id: str
    points: int  # positive earned, negative redeemed/expired
    kind: str  # earned | redeemed | expired | adjusted
    reason: str
    balance_after: int
    created_at: datetime

"""Rewards (issue 11): bonus templates with their results, granted bonuses, loyalty per tier, grants.

Cost is what the platform credited (``bonus_credit`` transactions, EUR minor units so templates
compare across currencies). Conversion is the share of *finished* bonuses whose wagering was
completed (active ones have no outcome yet).

Grants go to one player or to every member of a segment. The responsible-gambling guard applies
to every grant (a bonus to a self-excluded player is never allowed), and closed or suspended
accounts receive nothing; both are skipped and counted in :class:`GrantResult`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field, model_validator

from .common import ContractModel
from .enums import VipTier


class TemplateStats(ContractModel):
    template_id: str
    name: str
    kind: str
    amount_eur_minor: int  # the template's face value
    wagering_multiplier: int
    granted: int
    active: int
    converted: int  # wagering completed
    lapsed: int  # expired, forfeited or cancelled
    conversion_rate: float | None  # converted / (converted + lapsed); None before any outcome
    cost_eur_minor: int
    avg_wagering_progress: float | None  # mean of wagered/required over active bonuses (0..1)


class LoyaltyTierStats(ContractModel):
    tier: VipTier
    players: int
    points_earned: int
    points_redeemed: int  # positive number of points taken out (redeemed or expired)
    points_balance: int  # sum of the players' current balances


class GrantKind(StrEnum):
    BONUS = "bonus"
    POINTS = "points"


class RewardGrant(ContractModel):
    """``POST /rewards/grants`` (rewards.grant, Idempotency-Key): exactly one target."""

    player_id: str | None = Field(None, max_length=16)
    segment_id: str | None = Field(None, max_length=32)
    kind: GrantKind
    template_id: str | None = Field(None, max_length=32)  # bonus grants
    points: int | None = Field(None, ge=1, le=1_000_000)  # points grants
    reason: str = Field(min_length=5, max_length=500)

    @model_validator(mode="after")
    def _one_target_and_a_payload(self) -> RewardGrant:
        if (self.player_id is None) == (self.segment_id is None):
            raise ValueError("give either player_id or segment_id")
        if self.kind is GrantKind.BONUS and not self.template_id:
            raise ValueError("a bonus grant needs template_id")
        if self.kind is GrantKind.POINTS and self.points is None:
            raise ValueError("a points grant needs points")
        return self


class GrantResult(ContractModel):
    grant_id: str  # the audit entity of this grant ("G-..." from the idempotent request)
    kind: GrantKind
    granted: int
    skipped_rg_guard: int
    skipped_inactive: int  # closed or suspended accounts
    bonus_ids: list[str] = Field(default_factory=list)  # the first 100 created, for a link
    granted_at: datetime


class BonusCancel(ContractModel):
    reason: str = Field(min_length=5, max_length=500)

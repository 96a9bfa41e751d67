"""Player segments (issue 11): rules the server evaluates, saved definitions, and the RG guard.

A segment is either *built-in* (``new``, ``active``, ``vip``, ``churn_risk``, ``dormant``,
``bonus_hunters``: the platform's own classification stored on each player) or *saved*: a named
:class:`SegmentRules` a manager defined (``SEG-001``). Every rule that is set must hold (AND);
list rules match any of their values (OR within the list).

Responsible-gambling guard: in a *marketing* segment (the default) self-excluded and cooling-off
players, and players with an open RG alert, are never members; the evaluation says how many were
left out (``excluded_by_rg_guard``) so the screen can tell the user.

Money thresholds are EUR minor units (players hold different currencies; marketing compares them
on one scale). Windowed figures (deposits, GGR, bonus share, game category) cover the last
``window_days`` days.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field, model_validator

from .common import ContractModel, Versioned
from .enums import Jurisdiction, RiskLevel, VipTier


class RgFlag(StrEnum):
    """Responsible-gambling facts a rule can ask for (all listed flags must hold)."""

    DEPOSIT_LIMIT = "deposit_limit"  # an active deposit limit
    OPEN_RG_ALERT = "open_rg_alert"
    SELF_EXCLUDED = "self_excluded"
    COOLING_OFF = "cooling_off"
    FLAGGED_FOR_REVIEW = "flagged_for_review"


MAX_WINDOW_DAYS = 730
# Money bounds in EUR minor units (EUR 10 billion): beyond any real player, and inside a 64-bit
# database integer, so an absurd number is a clear 422 rather than a database overflow.
MAX_EUR_MINOR = 10**12
MAX_COUNT = 10**9


class SegmentRules(ContractModel):
    """Conditions on a player; unset (None / empty) means "any"."""

    countries: list[str] = Field(default_factory=list, max_length=60)
    jurisdictions: list[Jurisdiction] = Field(default_factory=list)
    vip_tiers: list[VipTier] = Field(default_factory=list)
    risk_levels: list[RiskLevel] = Field(default_factory=list)
    rg_flags: list[RgFlag] = Field(default_factory=list)
    window_days: int = Field(30, ge=1, le=MAX_WINDOW_DAYS)
    min_deposits_eur_minor: int | None = Field(None, ge=0, le=MAX_EUR_MINOR)
    max_deposits_eur_minor: int | None = Field(None, ge=0, le=MAX_EUR_MINOR)
    min_deposit_count: int | None = Field(None, ge=0, le=MAX_COUNT)
    max_deposit_count: int | None = Field(None, ge=0, le=MAX_COUNT)
    min_ggr_eur_minor: int | None = Field(None, ge=-MAX_EUR_MINOR, le=MAX_EUR_MINOR)
    max_ggr_eur_minor: int | None = Field(None, ge=-MAX_EUR_MINOR, le=MAX_EUR_MINOR)
    active_within_days: int | None = Field(None, ge=1, le=MAX_WINDOW_DAYS)  # last login
    inactive_for_days: int | None = Field(None, ge=1, le=MAX_WINDOW_DAYS)  # no login (or never)
    #: Preferred category (``reference/games`` ``category``): at least half of the stake in the
    #: window went to games of this category.
    game_category: str | None = Field(None, max_length=32)
    #: Bonus credits as a share of deposits plus bonus credits in the window, in percent.
    min_bonus_share_pct: int | None = Field(None, ge=0, le=100)
    max_bonus_share_pct: int | None = Field(None, ge=0, le=100)

    @model_validator(mode="after")
    def _ranges_are_ordered(self) -> SegmentRules:
        pairs = (
            ("deposits_eur_minor", self.min_deposits_eur_minor, self.max_deposits_eur_minor),
            ("deposit_count", self.min_deposit_count, self.max_deposit_count),
            ("ggr_eur_minor", self.min_ggr_eur_minor, self.max_ggr_eur_minor),
            ("bonus_share_pct", self.min_bonus_share_pct, self.max_bonus_share_pct),
        )
        for name, low, high in pairs:
            if low is not None and high is not None and low > high:
                raise ValueError(f"min_{name} is above max_{name}")
        return self


class SegmentEvaluateRequest(ContractModel):
    """``POST /segments/evaluate``: count who a set of rules would select, without saving."""

    rules: SegmentRules = Field(default_factory=SegmentRules)
    marketing: bool = True


class SegmentEvaluation(ContractModel):
    members: int  # after the RG guard
    excluded_by_rg_guard: int  # matched the rules but left out by the guard (0 when not marketing)
    marketing: bool
    evaluated_at: datetime
    server_ms: float  # time the server spent counting (the benchmark and the status line show it)


class SegmentCreate(ContractModel):
    name: str = Field(min_length=1, max_length=120)
    description: str = Field("", max_length=2000)
    shared: bool = False  # visible to every manager, not only to its author
    marketing: bool = True
    rules: SegmentRules = Field(default_factory=SegmentRules)


class SegmentUpdate(ContractModel):
    """``PATCH /segments/{id}`` (If-Match): only the fields given change."""

    name: str | None = Field(None, min_length=1, max_length=120)
    description: str | None = Field(None, max_length=2000)
    shared: bool | None = None
    marketing: bool | None = None
    rules: SegmentRules | None = None


class SegmentDefinition(Versioned):
    """A segment as ``GET /segments`` lists it (built-ins have no rules and version 1)."""

    id: str
    name: str
    description: str = ""
    builtin: bool = False
    marketing: bool = True
    shared: bool = True
    rules: SegmentRules | None = None
    created_by: str | None = None
    created_at: datetime

"""Acquisition funnel (issue 11): by source, affiliate or campaign, for players registered in a period.

Stages: registrations → KYC verified → first deposit → still active at day 30 (a settled bet 30
days or more after registering). ``leads`` and ``spend_eur_minor`` are the marketing side's
figures; the platform reports them only where it knows them (None otherwise), and CPA (spend per
first depositor) only where spend is known — a guessed CPA is worse than none.
NGR = bets − wins − bonus credits, EUR minor units, to date.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from .common import ContractModel


class FunnelGroup(StrEnum):
    SOURCE = "source"
    AFFILIATE = "affiliate"
    CAMPAIGN = "campaign"


class FunnelStage(StrEnum):
    REGISTERED = "registered"
    KYC_VERIFIED = "kyc_verified"
    FIRST_DEPOSIT = "first_deposit"
    ACTIVE_DAY30 = "active_day30"


class FunnelRow(ContractModel):
    key: str  # the source, affiliate id or campaign ("(none)" when the player has none)
    leads: int | None = None
    registrations: int
    kyc_verified: int
    first_deposit: int
    active_day30: int
    kyc_rate: float | None  # kyc_verified / registrations
    deposit_rate: float | None  # first_deposit / registrations
    day30_rate: float | None  # active_day30 / first_deposit
    spend_eur_minor: int | None = None
    cpa_eur_minor: int | None = None
    ngr_eur_minor: int


class FunnelReport(ContractModel):
    group_by: FunnelGroup
    registered_from: datetime | None
    registered_to: datetime | None
    rows: list[FunnelRow]  # most registrations first
    total: FunnelRow

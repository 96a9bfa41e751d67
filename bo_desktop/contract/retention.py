"""Retention cohorts (issue 11): players grouped by the week or month of their first deposit.

For each cohort and each period offset ``k`` (0 = the first-deposit period): how many cohort
players were *active* (placed a settled bet) in period ``k`` (classic "period-N" retention), how
many were active in period ``k`` or any later one (rolling retention), and the deposits and NGR
the cohort made in that period. Money is EUR minor units (one scale across currencies).
NGR = bets − wins − bonus credits. Periods are UTC; weeks start on Monday.

Per cohort: ``churned`` = players with no bet in the last 30 days; ``arpu_eur_minor`` = NGR per
player per elapsed period; ``ltv_eur_minor`` = NGR to date per player.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from .common import ContractModel


class CohortPeriod(StrEnum):
    WEEK = "week"
    MONTH = "month"


class CohortCell(ContractModel):
    offset: int
    active: int
    retention: float  # active / cohort size
    rolling_retention: float  # active in this period or later / cohort size
    deposits_eur_minor: int
    ngr_eur_minor: int


class Cohort(ContractModel):
    start: datetime  # the first instant of the cohort's period
    size: int
    churned: int
    deposits_eur_minor: int
    ngr_eur_minor: int
    arpu_eur_minor: int
    ltv_eur_minor: int
    cells: list[CohortCell]  # offsets 0 .. periods elapsed (the triangle)


class CohortReport(ContractModel):
    period: CohortPeriod
    generated_at: datetime
    cohorts: list[Cohort]  # oldest first
    server_ms: float

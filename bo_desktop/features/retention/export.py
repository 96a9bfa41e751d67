"""Cohort report → .xlsx (Qt-free, blocking: run it in a worker thread).

Two sheets: the triangle (one row per cohort with its totals, then retention per period offset as
real fractions formatted as percentages) and the same triangle as rolling retention; an "About"
sheet records the filters and when. ``core.xlsx`` writes them: a failed export leaves nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bo_desktop.contract.retention import Cohort, CohortReport
from bo_desktop.core.xlsx import DATE_FORMAT, PERCENT_FORMAT, Column, Sheet, money_format, write_workbook

EUR = money_format("EUR")
TOTALS = (
    Column("Cohort start (UTC)", number_format=DATE_FORMAT),
    Column("Players"),
    Column("Churned"),
    Column("Deposits (EUR)", number_format=EUR),
    Column("NGR (EUR)", number_format=EUR),
    Column("ARPU (EUR)", number_format=EUR),
    Column("LTV (EUR)", number_format=EUR),
)


def cohort_row(cohort: Cohort, *, rolling: bool) -> list[Any]:
    return [
        cohort.start,
        cohort.size,
        cohort.churned,
        cohort.deposits_eur_minor / 100,
        cohort.ngr_eur_minor / 100,
        cohort.arpu_eur_minor / 100,
        cohort.ltv_eur_minor / 100,
        *(c.rolling_retention if rolling else c.retention for c in cohort.cells),
    ]


def write_cohorts(path: Path, report: CohortReport, filters: Mapping[str, object]) -> None:
    width = max((len(c.cells) for c in report.cohorts), default=0)
    offsets = [Column(f"{report.period.value} {k}", number_format=PERCENT_FORMAT) for k in range(width)]
    sheets = [
        Sheet(
            title,
            [*TOTALS, *offsets],
            [cohort_row(cohort, rolling=rolling) for cohort in report.cohorts],
            frozen_columns=len(TOTALS),
            autofilter=False,
        )
        for title, rolling in (("Retention", False), ("Rolling retention", True))
    ]
    about = [
        ("Report", f"Retention cohorts by first-deposit {report.period.value}"),
        ("Generated (UTC)", report.generated_at),
        ("Exported (UTC)", datetime.now(UTC).replace(microsecond=0)),
        *((f"Filter: {key}", str(value)) for key, value in filters.items()),
        ("Definitions", "Active = placed a settled bet in the period; NGR = bets − wins − bonus credits."),
    ]
    write_workbook(path, sheets, about=about)

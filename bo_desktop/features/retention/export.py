"""Cohort report → .xlsx (Qt-free, blocking: run it in a worker thread).

Two sheets: the triangle (one row per cohort with its totals, then retention per period offset as
real fractions formatted as percentages) and the same triangle as rolling retention; an "About"
sheet records the filters and when. Written to a hidden ``.part`` file and renamed only when
complete, so a failed export leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from bo_desktop.contract.retention import CohortReport

TOTALS = (
    "Cohort start (UTC)",
    "Players",
    "Churned",
    "Deposits (EUR)",
    "NGR (EUR)",
    "ARPU (EUR)",
    "LTV (EUR)",
)


def write_cohorts(path: Path, report: CohortReport, filters: Mapping[str, object]) -> None:
    from openpyxl import Workbook  # ~170 ms: only when someone exports
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    width = max((len(c.cells) for c in report.cohorts), default=0)
    bold = Font(bold=True)
    for title, rolling in (("Retention", False), ("Rolling retention", True)):
        sheet = book.create_sheet(title)
        sheet.freeze_panes = "H2"
        header = []
        for text in (*TOTALS, *(f"{report.period.value} {k}" for k in range(width))):
            cell = WriteOnlyCell(sheet, value=text)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for cohort in report.cohorts:
            row: list[object] = []
            start = WriteOnlyCell(sheet, value=cohort.start.astimezone(UTC).replace(tzinfo=None))
            start.number_format = "yyyy-mm-dd"
            row += [start, cohort.size, cohort.churned]
            for minor in (
                cohort.deposits_eur_minor,
                cohort.ngr_eur_minor,
                cohort.arpu_eur_minor,
                cohort.ltv_eur_minor,
            ):
                money = WriteOnlyCell(sheet, value=minor / 100)
                money.number_format = "#,##0.00 [$EUR]"
                row.append(money)
            for c in cohort.cells:
                share = WriteOnlyCell(sheet, value=c.rolling_retention if rolling else c.retention)
                share.number_format = "0.0%"
                row.append(share)
            sheet.append(row)
    about = book.create_sheet("About")
    about.append(["Report", f"Retention cohorts by first-deposit {report.period.value}"])
    about.append(["Generated (UTC)", report.generated_at.astimezone(UTC).replace(tzinfo=None)])
    about.append(["Exported (UTC)", datetime.now(UTC).replace(tzinfo=None, microsecond=0)])
    for key, value in filters.items():
        about.append([f"Filter: {key}", str(value)])
    about.append(
        ["Definitions", "Active = placed a settled bet in the period; NGR = bets − wins − bonus credits."]
    )
    part = path.with_name(f".{path.name}.part")
    try:
        book.save(part)
        os.replace(part, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            part.unlink()

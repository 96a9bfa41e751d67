"""What the dock and the CLI ask the server for: whole UTC days, half-open, capped at "now"."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bo_desktop.contract.reports import ReportDefinition, ReportKind
from bo_desktop.features.reports.filters_form import preset_days
from bo_desktop.features.reports.service import ReportRequest

GGR = ReportDefinition(kind=ReportKind.GGR_NGR, title="G", description="", columns=[], period_field="x")
LIABILITY = ReportDefinition(
    kind=ReportKind.PLAYER_LIABILITY, title="L", description="", columns=[], period=False
)


def test_last_day_is_included_by_ending_at_the_next_midnight() -> None:
    request = ReportRequest(
        ReportKind.GGR_NGR, date(2026, 10, 1), date(2026, 10, 31), {"brand": "nordic", "psp": ""}
    )
    params = request.params(GGR)
    assert params == {
        "brand": "nordic",  # empty filters are not sent
        "from": datetime(2026, 10, 1, tzinfo=UTC),
        "to": datetime(2026, 11, 1, tzinfo=UTC),
    }
    assert request.file_stem() == "ggr_ngr_2026-10-01_2026-10-31"


def test_a_period_reaching_into_today_ends_when_the_export_starts() -> None:
    started = datetime(2026, 11, 25, 14, 3, 7, tzinfo=UTC)
    request = ReportRequest(ReportKind.GGR_NGR, date(2026, 11, 1), date(2026, 11, 25)).frozen_at(started)
    assert request.bounds() == (datetime(2026, 11, 1, tzinfo=UTC), started)
    closed = ReportRequest(ReportKind.GGR_NGR, date(2026, 10, 1), date(2026, 10, 31)).frozen_at(started)
    assert closed.bounds()[1] == datetime(2026, 11, 1, tzinfo=UTC)  # a past period is untouched
    assert "to 2026-11-25 14:03 UTC" in request.period_text(GGR)


def test_snapshot_reports_send_no_period() -> None:
    request = ReportRequest(ReportKind.PLAYER_LIABILITY, date(2026, 1, 1), date(2026, 1, 31))
    assert "from" not in request.params(LIABILITY) and "to" not in request.params(LIABILITY)
    assert request.period_text(LIABILITY).startswith("Snapshot")


@pytest.mark.parametrize(
    ("preset", "today", "expected"),
    [
        ("Last month", date(2026, 3, 15), (date(2026, 2, 1), date(2026, 2, 28))),
        ("Last month", date(2026, 1, 2), (date(2025, 12, 1), date(2025, 12, 31))),
        ("This month", date(2026, 3, 15), (date(2026, 3, 1), date(2026, 3, 15))),
        ("Last 7 days", date(2026, 3, 15), (date(2026, 3, 8), date(2026, 3, 14))),
        ("Yesterday", date(2026, 3, 1), (date(2026, 2, 28), date(2026, 2, 28))),
        ("Year to date", date(2026, 3, 15), (date(2026, 1, 1), date(2026, 3, 15))),
        ("Custom", date(2026, 3, 15), None),
    ],
)
def test_period_presets(preset: str, today: date, expected: tuple[date, date] | None) -> None:
    assert preset_days(preset, today) == expected

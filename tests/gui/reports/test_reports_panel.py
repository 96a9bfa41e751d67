"""The Reports dock against the real sandbox: choose, preview, export, cancel, fail, permissions.

Signed-in contexts come from the players tests' ``player_ctx`` fixture (a real ApiClient and
reference cache against the session sandbox); the exported files are read back with openpyxl
and compared with what the server says over HTTP.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from PySide6.QtCore import QDate, QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from bo_desktop.contract.enums import Role
from bo_desktop.contract.reports import ReportKind
from bo_desktop.core.docks import DockRegistry
from bo_desktop.features import reports as reports_feature
from bo_desktop.features.reports.model import RecentExportsStore
from bo_desktop.features.reports.panel import ReportsPanel

SCREENSHOTS = Path(__file__).resolve().parents[3] / "screenshots"
FIRST, LAST = date(2026, 1, 1), date(2026, 6, 30)  # a closed period: the simulator cannot change it


class UrlCatcher(QObject):
    """Receives the URLs the panel asks the desktop to open (QDesktopServices.setUrlHandler)."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url)


@pytest.fixture
def url_catcher() -> Any:
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    yield catcher
    QDesktopServices.unsetUrlHandler("file")


def make_panel(qtbot: Any, ctx: Any, tmp_path: Path) -> ReportsPanel:
    panel = ReportsPanel(ctx, store=RecentExportsStore(tmp_path / "recent.json"))
    qtbot.addWidget(panel)
    panel.resize(560, 820)
    panel.show()
    qtbot.waitUntil(lambda: panel.chooser.report.count() > 0, timeout=10_000)
    exports = tmp_path / "exports"
    exports.mkdir(exist_ok=True)
    panel.folder.setText(str(exports))
    return panel


def choose(panel: ReportsPanel, kind: ReportKind, first: date, last: date, **filters: str) -> None:
    panel.chooser.select_report(kind)
    panel.chooser.preset.setCurrentText("Custom")
    panel.chooser.first.setDate(QDate(first.year, first.month, first.day))
    panel.chooser.last.setDate(QDate(last.year, last.month, last.day))
    for key, value in filters.items():
        combo = panel.chooser.filter_combo(key)
        assert combo is not None, key
        combo.setCurrentIndex(combo.findData(value))


def server_count(client: httpx.Client, kind: ReportKind, params: dict[str, Any]) -> int:
    response = client.get(f"/reports/{kind.value}", params={**params, "limit": 1, "count": "true"})
    assert response.status_code == 200, response.text
    return int(response.json()["total"])


def period(first: date, last: date) -> dict[str, str]:
    return {"from": f"{first.isoformat()}T00:00:00+00:00", "to": f"{last.isoformat()}T00:00:00+00:00"}


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_export_ggr_by_month_matches_the_server(
    qtbot: Any,
    player_ctx: Callable[[str], Any],
    http: Callable[[str], httpx.Client],
    tmp_path: Path,
    url_catcher: Any,
) -> None:
    ctx = player_ctx("manager")
    panel = make_panel(qtbot, ctx, tmp_path)
    choose(panel, ReportKind.GGR_NGR, FIRST, LAST, group_by="month", jurisdiction="MGA")
    params = {**period(FIRST, date(2026, 7, 1)), "group_by": "month", "jurisdiction": "MGA"}
    expected = server_count(http("manager"), ReportKind.GGR_NGR, params)
    assert expected > 0
    qtbot.waitUntil(lambda: panel.row_count.text() == f"{expected:,} rows to export", timeout=10_000)

    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.status.text().startswith("Exported"), timeout=30_000)
    assert "Totals match the server." in panel.status.text()
    SCREENSHOTS.mkdir(exist_ok=True)
    panel.grab().save(str(SCREENSHOTS / "reports-panel-after-export.png"))

    path = tmp_path / "exports" / "ggr_ngr_2026-01-01_2026-06-30.xlsx"
    assert files_in(path.parent) == [path.name]  # no temporary file left next to it
    book = openpyxl.load_workbook(path)
    sheet, about = book.worksheets[0], book["About"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["Period start", "Brand", "Jurisdiction", "Game provider"]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.auto_filter.ref == f"A1:M{expected + 1}"
    first_row = sheet[2]
    assert first_row[0].is_date and first_row[0].number_format == "yyyy-mm-dd"
    bets = first_row[header.index("Bets")]
    currency = first_row[header.index("Currency")].value
    assert isinstance(bets.value, int | float) and f"[${currency}]" in bets.number_format

    # The totals rows (one per currency, after a blank row) equal the server's totals.
    totals = http("manager").get("/reports/ggr_ngr/totals", params=params).json()
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=expected + 3) if r[0].value}
    for group in totals["groups"]:
        row = rows[f"Total {group['currency']}"]
        for key in ("bets", "wins", "ggr", "bonus_cost", "gaming_tax", "provider_fees", "ngr"):
            title = {"bets": "Bets", "wins": "Wins", "ggr": "GGR", "bonus_cost": "Bonus cost"}.get(key)
            title = title or {"gaming_tax": "Gaming tax", "provider_fees": "Provider fees", "ngr": "NGR"}[key]
            assert round(row[header.index(title)].value * 100) == group["values"][key], (
                group["currency"],
                key,
            )

    facts = {r[0].value: r[1].value for r in about.iter_rows()}
    assert facts["Report"] == "GGR and NGR by game"
    assert facts["Data rows"] == expected
    assert facts["Generated by"] == "Max Manager (manager)"
    assert facts["Filter: Jurisdiction"].startswith("MGA")
    assert facts["Totals check"] == "Matches the server's totals for the same filters."
    assert len(facts["Data SHA-256"]) == 64

    # Recent exports: the new file on top; "Open folder" hands its folder to the desktop.
    assert panel.recent_model.rowCount() == 1
    assert panel.recent_model.item(0).path == str(path)  # type: ignore[union-attr]
    qtbot.mouseClick(panel.open_folder, Qt.MouseButton.LeftButton)
    assert [u.toLocalFile() for u in url_catcher.opened] == [str(path.parent)]
    # The list survives the panel: a new one reads it back.
    qtbot.waitUntil(lambda: (tmp_path / "recent.json").exists(), timeout=5_000)
    again = make_panel(qtbot, ctx, tmp_path)
    qtbot.waitUntil(lambda: again.recent_model.rowCount() == 1, timeout=5_000)


def test_cancel_mid_export_leaves_no_file(
    qtbot: Any, player_ctx: Callable[[str], Any], chaos: Callable[..., None], tmp_path: Path
) -> None:
    ctx = player_ctx("compliance")
    panel = make_panel(qtbot, ctx, tmp_path)
    # Every row of the history by day: several pages; slow pages make "mid-export" reliable.
    choose(panel, ReportKind.GGR_NGR, date(2024, 1, 1), date(2026, 10, 31), group_by="day")
    qtbot.waitUntil(lambda: panel.row_count.text().endswith("rows to export"), timeout=10_000)
    chaos(latency_ms=400, paths=["/reports/ggr_ngr"])
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.job is not None and panel.job.rows_fetched > 0, timeout=20_000)
    assert panel.cancel_button.isEnabled() and not panel.export_button.isEnabled()
    assert panel.progress.isVisible() and panel.progress.maximum() > panel.progress.value() > 0
    SCREENSHOTS.mkdir(exist_ok=True)
    panel.grab().save(str(SCREENSHOTS / "reports-panel-exporting.png"))
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.job is None, timeout=20_000)
    assert panel.status.text() == "Export cancelled. No file was written."
    assert files_in(tmp_path / "exports") == []
    assert panel.export_button.isEnabled() and panel.recent_model.rowCount() == 0


def test_failure_at_the_end_leaves_no_file(
    qtbot: Any, player_ctx: Callable[[str], Any], chaos: Callable[..., None], tmp_path: Path
) -> None:
    ctx = player_ctx("manager")
    panel = make_panel(qtbot, ctx, tmp_path)
    choose(panel, ReportKind.PAYMENTS_BY_PSP, FIRST, LAST)
    # Every row arrives, then the server fails on the totals: the workbook was almost done.
    chaos(error_rate_before_commit=1.0, paths=["/reports/payments_by_psp/totals"])
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.status.text().startswith("Export failed"), timeout=30_000)
    assert panel.status.text().endswith("No file was written.")
    assert files_in(tmp_path / "exports") == []


def test_a_role_without_reports_gets_no_dock_and_the_server_refuses(
    qtbot: Any, player_ctx: Callable[[str], Any], tmp_path: Path
) -> None:
    registry = DockRegistry()
    reports_feature.register(registry)
    support = player_ctx("support")
    assert support.me.roles == [Role.SUPPORT]
    assert [s.id for s in registry.allowed(support.me.permissions)] == []
    assert [s.id for s in registry.allowed(player_ctx("manager").me.permissions)] == ["reports"]

    # Even a panel built for them anyway (a stale layout, a bug) gets a readable refusal.
    panel = ReportsPanel(support, store=RecentExportsStore(tmp_path / "recent.json"))
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.status.text().startswith("Could not load the reports"), timeout=10_000)
    assert "reports.run" in panel.status.text()
    panel.resize(520, 400)
    SCREENSHOTS.mkdir(exist_ok=True)
    panel.grab().save(str(SCREENSHOTS / "reports-panel-refused.png"))
    assert not panel.export_button.isEnabled()

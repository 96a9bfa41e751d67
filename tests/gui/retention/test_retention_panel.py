"""The Retention dock against the real sandbox: table and heatmap show the server's cohorts,
filters reload, the metric switch redraws, the export reads back, and support has no dock."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import openpyxl
from PySide6.QtCore import Qt

from bo_desktop.contract.enums import Permission
from bo_desktop.core.context import AppContext
from bo_desktop.core.docks import DockRegistry
from bo_desktop.features import retention as retention_feature
from bo_desktop.features.retention.model import FIXED, CohortColumn
from bo_desktop.features.retention.panel import RetentionPanel

SCREENSHOTS = Path(__file__).resolve().parents[3] / "screenshots"


def make_panel(qtbot: Any, ctx: AppContext) -> RetentionPanel:
    panel = RetentionPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1100, 760)
    panel.show()
    qtbot.waitUntil(lambda: panel.loads >= 1, timeout=20_000)
    return panel


def test_cohorts_as_the_server_computes_them(
    qtbot: Any,
    qtmodeltester: Any,
    player_ctx: Callable[[str], AppContext],
    http: Callable[[str], httpx.Client],
    tmp_path: Path,
) -> None:
    panel = make_panel(qtbot, player_ctx("manager"))
    qtmodeltester.check(panel.model)
    client = http("manager")

    def sizes_agree() -> bool:
        server = client.get("/retention/cohorts", params=panel.query().params()).json()
        shown = [c.size for c in sorted(panel.model.cohorts, key=lambda c: c.start)]
        if shown != [c["size"] for c in server["cohorts"]]:
            panel.load()  # the simulator added a first deposit in between: ask again
            return False
        return True

    qtbot.waitUntil(sizes_agree, timeout=30_000)
    assert panel.model.rowCount() == 12 and panel.model.columnCount() == FIXED + 12
    assert panel.heatmap.cells_drawn == sum(len(c.cells) for c in panel.model.cohorts if c.size)
    panel.heatmap.hide()  # a hidden heatmap defers its (slow) draw until it is shown again
    panel.heatmap.cells_drawn = -1
    panel.measure.setCurrentIndex(1)
    assert panel.heatmap.cells_drawn == -1
    panel.heatmap.show()
    assert panel.heatmap.cells_drawn == sum(len(c.cells) for c in panel.model.cohorts if c.size)
    panel.measure.setCurrentIndex(0)
    newest = max(panel.model.cohorts, key=lambda c: c.start)
    row = panel.model.cohorts.index(newest)
    assert panel.model.data(panel.model.index(row, FIXED + 1)) == ""  # the triangle's empty corner

    oldest_row = panel.model.cohorts.index(min(panel.model.cohorts, key=lambda c: c.start))
    first = panel.model.cohorts[oldest_row].cells[3]
    panel.measure.setCurrentIndex(1)  # rolling retention: same report, other numbers
    assert panel.model.data(panel.model.index(oldest_row, FIXED + 3)) == f"{first.rolling_retention:.0%}"
    assert first.rolling_retention >= first.retention
    SCREENSHOTS.mkdir(exist_ok=True)
    panel.grab().save(str(SCREENSHOTS / "retention-monthly.png"))

    loads = panel.loads
    panel.period.setCurrentIndex(panel.period.findData("week"))
    qtbot.waitUntil(lambda: panel.loads > loads and panel.model.period == "week", timeout=20_000)
    assert panel.model.headerData(FIXED + 2, Qt.Orientation.Horizontal) == "W2"
    panel.model.sort(CohortColumn.SIZE, Qt.SortOrder.DescendingOrder)
    sizes = [c.size for c in panel.model.cohorts]
    assert sizes == sorted(sizes, reverse=True)

    target = tmp_path / "cohorts.xlsx"
    panel.export_to(target)
    qtbot.waitUntil(lambda: panel.status.text().startswith("Exported"), timeout=30_000)
    book = openpyxl.load_workbook(target)
    rows = list(book["Retention"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(panel.model.cohorts)
    assert sorted(r[1] for r in rows) == sorted(c.size for c in panel.report.cohorts)  # type: ignore[union-attr]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_filters_reach_the_server(
    qtbot: Any, player_ctx: Callable[[str], AppContext], http: Callable[[str], httpx.Client]
) -> None:
    panel = make_panel(qtbot, player_ctx("manager"))
    loads = panel.loads
    panel.country.setText("se")
    panel.country.editingFinished.emit()
    qtbot.waitUntil(lambda: panel.loads > loads, timeout=20_000)
    assert panel.query().params()["country"] == "SE"
    everyone = http("manager").get("/retention/cohorts", params={"period": "month", "count": 12}).json()
    assert sum(c.size for c in panel.model.cohorts) <= sum(c["size"] for c in everyone["cohorts"])


def test_the_dock_needs_reports_run() -> None:
    registry = DockRegistry()
    retention_feature.register(registry)
    spec = next(s for s in registry.specs() if s.id == "retention")
    assert spec.permission is Permission.REPORTS_RUN
    assert not spec.allowed([Permission.PLAYERS_READ]) and spec.allowed([Permission.REPORTS_RUN])

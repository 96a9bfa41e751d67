"""Exports from the live charts dock: a chart as PNG, all chart data as a real Excel workbook."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QMenu, QToolButton

from bo_desktop.core.context import AppContext, Notification
from bo_desktop.features.charts.export import SheetData, write_workbook
from bo_desktop.features.charts.panel import ChartsPanel


@pytest.fixture
def panel(qtbot: Any, charts_ctx: Callable[[str], AppContext]) -> ChartsPanel:
    widget = ChartsPanel(charts_ctx("payments1"))  # payments staff hold metrics.read too
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    qtbot.waitUntil(
        lambda: widget.history_loads >= 1 and widget.charts["payments"].full_draws >= 1, timeout=15_000
    )
    return widget


def choose_file(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """The user picks ``path`` in the save dialog (the native dialog cannot run headless)."""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(path), ""))


def export_menu_action(panel: ChartsPanel, name: str) -> Any:
    button = panel.findChild(QToolButton, "charts.export")
    menu = button.menu()
    assert isinstance(menu, QMenu)
    return next(a for a in menu.actions() if a.objectName() == name)


def test_chart_saved_as_png(
    qtbot: Any, panel: ChartsPanel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, notifications: Any
) -> None:
    seen: list[Notification] = notifications(panel.ctx)
    target = tmp_path / "deposits.png"
    choose_file(monkeypatch, target)
    export_menu_action(panel, "charts.exportPng.payments").trigger()
    qtbot.waitUntil(lambda: any("Chart saved" in n.text for n in seen), timeout=10_000)
    image = QImage(str(target))
    canvas = panel.charts["payments"].canvas
    assert not image.isNull() and image.width() == canvas.width() * canvas.devicePixelRatio()


def test_all_chart_data_exported_to_excel_with_numbers_and_dates(
    qtbot: Any, panel: ChartsPanel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, notifications: Any
) -> None:
    seen: list[Notification] = notifications(panel.ctx)
    target = tmp_path / "charts.xlsx"
    choose_file(monkeypatch, target)
    panel.charts["payments"].canvas.setFocus()
    qtbot.keyClick(panel.charts["payments"].canvas, "e", modifier=Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: any("Exported" in n.text for n in seen), timeout=15_000)
    assert panel.excel_action.isEnabled()

    workbook = load_workbook(target)
    assert workbook.sheetnames[:2] == ["Deposits and withdrawals", "Bets, wins and GGR"]
    sheet = workbook["Deposits and withdrawals"]
    assert [c.value for c in sheet[3]] == ["Bucket start (UTC)", "Deposits", "Withdrawals"]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    _labels, times, values = panel.charts["payments"].table()
    assert len(rows) == len(times) >= 60
    first = rows[0]
    assert isinstance(first[0], datetime) and first[0] == times[0].replace(tzinfo=None)
    assert all(isinstance(v, float | int) for v in first[1:])
    assert first[1] == pytest.approx(values[0][0] / 100)  # EUR, not cents
    assert sheet.cell(row=4, column=2).number_format == '"€"#,##0.00'
    rates = workbook["PSP deposit success rate"]
    assert rates.cell(row=4, column=2).number_format == "0.0%"


def test_excel_text_never_becomes_a_formula(tmp_path: Path) -> None:
    target = tmp_path / "hostile.xlsx"
    at = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    sheet = SheetData(
        "=cmd|' /C calc'!A0", "money", ['=HYPERLINK("http://x")', "@SUM(A1)"], [at], [[1234.0, math.nan]]
    )
    write_workbook(target, [sheet], title_line="+1+1")
    book = load_workbook(target)
    ws = book.worksheets[0]
    assert ws.title == "=cmd|'  C calc'!A0"  # '/' is not allowed in sheet names
    cells = [
        ws.cell(row=1, column=1),
        ws.cell(row=2, column=1),
        ws.cell(row=3, column=2),
        ws.cell(row=3, column=3),
    ]
    assert [c.data_type for c in cells] == ["s", "s", "s", "s"]
    assert ws.cell(row=3, column=2).value == '=HYPERLINK("http://x")'
    assert ws.cell(row=4, column=2).value == pytest.approx(12.34)
    assert ws.cell(row=4, column=3).value is None  # no attempts is an empty cell, not 0 %

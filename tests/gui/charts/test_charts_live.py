"""The live charts dock against the sandbox and its simulator, driven and read as a person would."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QDockWidget, QToolBar

from bo_desktop.contract.events import EventType, ServerEvent
from bo_desktop.core.context import AppContext
from bo_desktop.core.docks import DockRegistry
from bo_desktop.features import charts as charts_feature
from bo_desktop.shell.main_window import MainWindow
from bo_desktop.shell.theme import ThemeManager

LIVE_TIMEOUT = 15_000  # ms: the simulator publishes a point every second


def open_dashboard(qtbot: Any, ctx: AppContext) -> MainWindow:
    """The real main window with the charts feature registered, as the app builds it."""
    registry = DockRegistry()
    charts_feature.register(registry)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window = MainWindow(ctx, registry, ThemeManager(app), lambda exc: None)
    qtbot.addWidget(window)
    window.resize(1500, 1000)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def dashboard(qtbot: Any, charts_ctx: Callable[[str], AppContext]) -> MainWindow:
    window = open_dashboard(qtbot, charts_ctx("manager"))
    panel = window.panel("live-charts")
    qtbot.waitUntil(
        lambda: panel.history_loads >= 1 and panel.charts["payments"].full_draws >= 1, timeout=15_000
    )
    return window


def panel_of(window: MainWindow) -> Any:
    return window.panel("live-charts")


def click_toolbar(qtbot: Any, panel: Any, object_name: str) -> None:
    toolbar = panel.findChild(QToolBar, "charts.toolbar")
    action = next(a for a in toolbar.actions() if a.objectName() == object_name)
    qtbot.mouseClick(toolbar.widgetForAction(action), Qt.MouseButton.LeftButton)


def colour_pixels(image: QImage, colour: str, tolerance: int = 40) -> int:
    """How many pixels are close to ``colour`` (anti-aliasing blends line edges)."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    width, height = image.width(), image.height()
    raw = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    pixels = raw.reshape(height, image.bytesPerLine() // 4, 4)[:, :width, :3].astype(int)  # BGRA
    target = QColor(colour)
    bgr = np.array([target.blue(), target.green(), target.red()])
    return int((np.abs(pixels - bgr).sum(axis=2) < tolerance).sum())


def test_docks_exist_for_managers_with_stable_names(dashboard: MainWindow) -> None:
    names = {d.objectName() for d in dashboard.findChildren(QDockWidget)}
    assert {"dock.live-kpis", "dock.live-charts"} <= names
    panel = panel_of(dashboard)
    assert panel.objectName() == "charts.panel"
    assert {c.objectName() for c in panel.charts.values()} >= {"chart.payments", "chart.psp_success"}


def test_support_staff_get_no_dashboard(qtbot: Any, charts_ctx: Callable[[str], AppContext]) -> None:
    window = open_dashboard(qtbot, charts_ctx("support"))  # no metrics.read
    assert "live-charts" not in window.docks and "live-kpis" not in window.docks


def test_a_live_point_arrives_and_joins_the_current_bucket(qtbot: Any, dashboard: MainWindow) -> None:
    panel = panel_of(dashboard)
    chart = panel.charts["players"]
    _labels, times, _rows = chart.table()
    assert len(times) in (60, 61)  # the 1-hour window in minute buckets
    revision, status = panel.current.revision, panel.status.text()
    qtbot.waitUntil(lambda: panel.current.revision > revision, timeout=LIVE_TIMEOUT)
    qtbot.waitUntil(lambda: panel.status.text() != status and "updated" in panel.status.text(), timeout=5_000)
    qtbot.wait(200)  # the coalesced push and frame
    _labels, after, _rows = chart.table()
    # Merged into its bucket: the x-axis has no duplicate and no hole where history meets live.
    steps = np.diff([t.timestamp() for t in after])
    assert len(after) in (60, 61) and set(steps) == {60.0}
    assert after[-1] >= times[-1]


def inject_point(panel: Any, **values: float) -> None:
    """A point straight into the hub, as the event stream delivers it (t = now: after as_of)."""
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    panel.ctx.events.publish(
        ServerEvent(id=0, type=EventType.METRICS_POINT, data={"t": now, "values": values})
    )


def test_the_newest_live_value_is_what_the_open_bucket_shows(qtbot: Any, dashboard: MainWindow) -> None:
    panel = panel_of(dashboard)
    chart = panel.charts["players"]
    points: list[Any] = []
    panel.ctx.events.subscribe("metrics.point", points.append, owner=panel)
    qtbot.waitUntil(lambda: len(points) >= 2, timeout=LIVE_TIMEOUT)
    qtbot.wait(200)  # the coalescing timer draws it
    newest = points[-1].data["values"]["active_players"]
    assert panel.current.buckets[-1]["active_players"] == newest  # a gauge: the latest value wins
    _labels, times, rows = chart.table()
    assert rows[-1][0] == newest
    chart.show_value_at(times[-1].timestamp())  # what hovering the right edge reads out
    assert f"Active players {newest:,.0f}" in chart.readout.text()


def test_switching_windows_loads_their_history(qtbot: Any, dashboard: MainWindow) -> None:
    panel = panel_of(dashboard)
    chart = panel.charts["payments"]
    loads = panel.history_loads
    click_toolbar(qtbot, panel, "charts.window.24h")
    assert panel.window_actions["24h"].isChecked() and not panel.window_actions["1h"].isChecked()
    qtbot.waitUntil(lambda: panel.history_loads > loads and panel.current.loaded, timeout=10_000)
    qtbot.waitUntil(lambda: len(chart.table()[1]) >= 96, timeout=5_000)
    times = [t.timestamp() for t in chart.table()[1]]
    assert set(np.diff(times)) == {900.0} and len(times) in (96, 97)
    assert "per 15 min" in chart.title.text()
    assert "24 hours" in panel.status.text()

    # Keyboard: 4 picks the 7-day window while focus is in the dock.
    panel.charts["payments"].canvas.setFocus()
    loads = panel.history_loads
    qtbot.keyClick(panel.charts["payments"].canvas, Qt.Key.Key_4)
    qtbot.waitUntil(lambda: panel.history_loads > loads and panel.window_key == "7d", timeout=10_000)
    qtbot.waitUntil(lambda: len(chart.table()[1]) >= 168, timeout=5_000)
    assert "per hour" in chart.title.text()


def test_the_chart_really_renders_its_lines(qtbot: Any, dashboard: MainWindow) -> None:
    panel = panel_of(dashboard)
    click_toolbar(qtbot, panel, "charts.window.24h")  # a day of seeded history: lines everywhere
    qtbot.waitUntil(
        lambda: panel.window_key == "24h" and len(panel.charts["gaming"].table()[1]) >= 96, timeout=10_000
    )
    gaming = panel.charts["gaming"]
    qtbot.waitUntil(lambda: gaming.full_draws >= 2, timeout=5_000)
    image = gaming.grab_image()
    assert image.width() > 200 and image.height() > 100
    bets = colour_pixels(image, "#1565c0")
    wins = colour_pixels(image, "#8e24aa")
    assert bets > 150 and wins > 150, (bets, wins)  # polylines across the plot, not just legend swatches
    players = colour_pixels(panel.charts["players"].grab_image(), "#1565c0")
    assert players > 150


def test_hidden_dock_does_not_redraw_and_catches_up_when_shown(qtbot: Any, dashboard: MainWindow) -> None:
    panel = panel_of(dashboard)
    chart = panel.charts["payments"]
    dock = dashboard.docks["live-charts"]
    dock.toggleViewAction().trigger()  # View menu: hide the dock
    assert not dock.isVisible()
    draws = chart.full_draws + chart.blits
    revision = panel.current.revision
    qtbot.waitUntil(lambda: panel.current.revision > revision + 1, timeout=LIVE_TIMEOUT)  # data kept arriving
    qtbot.wait(300)  # longer than the coalescing interval
    assert chart.full_draws + chart.blits == draws
    dock.toggleViewAction().trigger()
    qtbot.waitUntil(lambda: chart.full_draws + chart.blits > draws, timeout=5_000)


def test_pause_freezes_the_picture_and_resume_catches_up(qtbot: Any, dashboard: MainWindow) -> None:
    panel = panel_of(dashboard)
    chart = panel.charts["gaming"]
    chart.canvas.setFocus()
    qtbot.keyClick(chart.canvas, Qt.Key.Key_P)
    assert panel.pause_action.isChecked() and panel.pause_action.text() == "Resume"
    assert panel.status.text().startswith("Paused")
    draws = chart.full_draws + chart.blits
    inject_point(panel, bets_eur=5_000.0)  # something visible changes while paused
    revision = panel.current.revision
    qtbot.waitUntil(lambda: panel.current.revision > revision, timeout=LIVE_TIMEOUT)
    qtbot.wait(300)
    assert chart.full_draws + chart.blits == draws
    click_toolbar(qtbot, panel, "charts.pause")
    assert not panel.pause_action.isChecked()
    qtbot.waitUntil(lambda: chart.full_draws + chart.blits > draws, timeout=5_000)
    assert panel.status.text().startswith("Live")


def test_hover_reads_out_the_value_under_the_cursor(qtbot: Any, dashboard: MainWindow) -> None:
    panel = panel_of(dashboard)
    chart = panel.charts["payments"]
    canvas = chart.canvas
    # Middle of the plot area, in widget coordinates (matplotlib's y axis points up).
    x0, y0, x1, y1 = chart.ax.get_window_extent().extents
    ratio = canvas.device_pixel_ratio
    middle = QPoint(int((x0 + x1) / 2 / ratio), int(canvas.height() - (y0 + y1) / 2 / ratio))
    qtbot.mouseMove(canvas, middle)
    qtbot.waitUntil(lambda: "Deposits €" in chart.readout.text(), timeout=3_000)
    assert "Withdrawals €" in chart.readout.text() and "UTC" in chart.readout.text()
    assert chart.hover_line.get_visible()


def test_offline_is_said_and_coming_back_reloads_the_history(qtbot: Any, dashboard: MainWindow) -> None:
    panel = panel_of(dashboard)
    kpis = dashboard.panel("live-kpis")
    session = panel.ctx.session
    session.online = False
    assert panel.status.text().startswith("Offline")
    qtbot.wait(1_500)  # live points may still be in flight: the status keeps saying offline
    assert panel.status.text().startswith("Offline")
    assert "offline" in kpis.status.text()
    loads = panel.history_loads
    session.online = True
    qtbot.waitUntil(lambda: panel.history_loads > loads, timeout=10_000)
    qtbot.waitUntil(lambda: panel.status.text().startswith("Live"), timeout=5_000)


def test_a_reset_event_reloads_what_the_stream_missed(qtbot: Any, dashboard: MainWindow) -> None:
    panel = panel_of(dashboard)
    loads = panel.history_loads
    panel.ctx.events.publish(ServerEvent(id=0, type=EventType.RESET, data={"reason": "test"}))
    qtbot.waitUntil(lambda: panel.history_loads > loads, timeout=10_000)


def test_a_burst_of_points_is_merged_but_drawn_once(qtbot: Any, dashboard: MainWindow) -> None:
    """A replay after a reconnect delivers many points in one go: every one counts, one frame."""
    panel = panel_of(dashboard)
    chart = panel.charts["gaming"]
    qtbot.wait(300)
    frames = chart.full_draws + chart.blits
    before = panel.current.buckets[-1].get("bets_eur", 0.0)
    for _ in range(300):  # as the event stream delivers a replay
        inject_point(panel, bets_eur=100.0)
    assert panel.current.buckets[-1]["bets_eur"] >= before + 300 * 100.0
    qtbot.waitUntil(lambda: chart.full_draws + chart.blits > frames, timeout=2_000)
    qtbot.wait(300)
    assert chart.full_draws + chart.blits - frames <= 3  # one for the burst (+ a live second or two)

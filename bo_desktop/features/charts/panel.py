"""The "Live charts" dock: history of the chosen window plus live points, five charts.

Imports matplotlib (through ``chart``): only the dock factory imports this module.

Data flow: ``/metrics/timeseries?window=`` fills a :class:`WindowSeries`; every ``metrics.point``
event is merged into it (see ``series.py`` for the no-gap/no-double rules); the panel hands each
chart plain arrays and the chart decides how (blit or full) and when (coalesced, visible, not
paused) to draw. A closed bucket triggers a quiet reload so closed buckets always show the
server's numbers.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QMenu,
    QScrollArea,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.events import ServerEvent
from bo_desktop.contract.metrics import Timeseries, TimeseriesPoint
from bo_desktop.contract.reference import PaymentProvider, ReferenceDataset
from bo_desktop.core.api.errors import ApiError
from bo_desktop.core.context import AppContext
from bo_desktop.core.workers import run_in_worker
from bo_desktop.widgets.labels import mute, plain_label

from . import export
from .chart import LiveChart
from .series import PSP_CODES, WINDOW_LABELS, WINDOW_SPANS, WindowSeries
from .service import DEFAULT_THRESHOLD, MetricsService
from .specs import ChartSpec, SeriesSpec

PSP_COLORS = {"trustly": "#1f77b4", "adyen": "#2ca02c", "zimpler": "#9467bd", "ecopayz": "#ff7f0e",
              "nuvei": "#8c564b"}  # fmt: skip


def chart_specs(psp_name: Callable[[str], str]) -> tuple[ChartSpec, ...]:
    """The five charts; provider names come from the reference data (``psp_name``)."""
    return (
        ChartSpec("payments", "Deposits and withdrawals", "money", (
            SeriesSpec("deposits_eur", "Deposits", "#2e7d32"),
            SeriesSpec("withdrawals_eur", "Withdrawals", "#ef6c00"),
        )),
        ChartSpec("gaming", "Bets, wins and GGR", "money", (
            SeriesSpec("bets_eur", "Bets", "#1565c0"),
            SeriesSpec("wins_eur", "Wins", "#8e24aa"),
            SeriesSpec("ggr_eur", "GGR", "#00897b"),
        )),
        ChartSpec("psp_success", "PSP deposit success rate", "percent", tuple(
            SeriesSpec(f"psp.{c}.success_rate", psp_name(c), PSP_COLORS[c]) for c in PSP_CODES
        )),
        ChartSpec("psp_latency", "PSP latency", "ms", tuple(
            SeriesSpec(f"psp.{c}.latency_ms", psp_name(c), PSP_COLORS[c]) for c in PSP_CODES
        )),
        ChartSpec("players", "Active players", "count", (
            SeriesSpec("active_players", "Active players", "#1565c0"),
        )),
    )  # fmt: skip


BUCKET_WORDS = {60: "per minute", 900: "per 15 min", 3600: "per hour"}
DEFAULT_WINDOW = "1h"
OFFLINE_TEXT = "Offline — the charts show the data received before the connection dropped."


class ChartsPanel(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("charts.panel")
        self.ctx = ctx
        self.service = MetricsService(ctx.api)
        self.window_key = DEFAULT_WINDOW
        self.series: dict[str, WindowSeries] = {}
        self.history_loads = 0
        self.charts: dict[str, LiveChart] = {
            spec.id: LiveChart(spec) for spec in chart_specs(ctx.cache.psp_name)
        }
        self._show_thresholds()

        self.toolbar = QToolBar("Live charts")
        self.toolbar.setObjectName("charts.toolbar")
        self.window_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        group.setExclusive(True)
        for number, (window, label) in enumerate(WINDOW_LABELS.items(), start=1):
            action = self._action(f"Last {label}", f"charts.window.{window}", str(number), checkable=True)
            action.setChecked(window == self.window_key)
            action.triggered.connect(lambda _checked=False, w=window: self.set_window(w))
            group.addAction(action)
            self.toolbar.addAction(action)
            self.window_actions[window] = action
        self.toolbar.addSeparator()
        self.pause_action = self._action("Pause", "charts.pause", "P", checkable=True)
        self.pause_action.setToolTip(
            "Freeze the charts to read them; live data keeps arriving and is drawn on resume (P)"
        )
        self.pause_action.toggled.connect(self.set_paused)
        self.toolbar.addAction(self.pause_action)
        self.export_button = QToolButton()
        self.export_button.setObjectName("charts.export")
        self.export_button.setText("Export")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        self.excel_action = self._action("All chart data to Excel…", "charts.exportExcel", "Ctrl+E")
        self.excel_action.triggered.connect(self.ask_export_excel)
        menu.addAction(self.excel_action)
        menu.addSeparator()
        for chart in self.charts.values():
            spec = chart.spec
            png = menu.addAction(f"“{spec.title}” as PNG…")
            png.setObjectName(f"charts.exportPng.{spec.id}")
            png.triggered.connect(lambda _checked=False, cid=spec.id: self.ask_export_png(cid))
        self.export_button.setMenu(menu)
        self.toolbar.addWidget(self.export_button)
        self.status = mute(plain_label("Loading…"))
        self.status.setObjectName("charts.status")

        grid = QGridLayout()
        grid.setSpacing(10)
        for index, chart in enumerate(self.charts.values()):
            chart.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
            save = QAction("Save chart as PNG…", chart)
            save.triggered.connect(lambda _checked=False, cid=chart.spec.id: self.ask_export_png(cid))
            chart.addAction(save)
            chart.addAction(self.excel_action)
            if index == len(self.charts) - 1 and index % 2 == 0:
                grid.addWidget(chart, index // 2, 0, 1, 2)  # the odd one out spans the row
            else:
                grid.addWidget(chart, index // 2, index % 2)
        # In a scroll area: five readable charts need more height than a dock may get, and a
        # dock must never force the main window beyond the screen.
        charts_area = QWidget()
        charts_area.setLayout(grid)
        scroll = QScrollArea()
        scroll.setObjectName("charts.scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(charts_area)
        scroll.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 6)
        layout.addWidget(self.toolbar)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.status)

        self._push_timer = QTimer(self)
        self._push_timer.setSingleShot(True)
        self._push_timer.setInterval(50)
        self._push_timer.timeout.connect(self._push)
        ctx.events.subscribe("metrics.point", self._on_point, owner=self)
        ctx.events.reset.connect(self.reload)
        ctx.session.online_changed.connect(self._on_online_changed)
        self.set_window(self.window_key)

    def _on_scrolled(self, _value: int) -> None:
        for chart in self.charts.values():
            chart.request_render()  # charts out of view skipped their frames

    def sizeHint(self) -> QSize:
        return QSize(1000, 720)

    def minimumSizeHint(self) -> QSize:
        return QSize(320, 220)

    def _show_thresholds(self) -> None:
        providers = self.ctx.cache.items_as(ReferenceDataset.PAYMENT_PROVIDERS, PaymentProvider)
        levels = sorted({p.success_rate_threshold for p in providers}) or [DEFAULT_THRESHOLD]
        # One label for all lines: per-provider labels collide when thresholds are a few % apart,
        # and each provider's own threshold is on its tile.
        label = f"min {levels[0]:.0%}" if len(levels) == 1 else f"thresholds {levels[0]:.0%}–{levels[-1]:.0%}"
        chart = self.charts["psp_success"]
        for level in levels:
            chart.set_reference_line(level, label if level == levels[0] else "")

    def _action(self, text: str, name: str, shortcut: str, *, checkable: bool = False) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setCheckable(checkable)
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(
            f"{text.rstrip('…')} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})"
        )
        # Keys act when focus is anywhere in this dock, and never steal them from other panels.
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(action)
        return action

    # -- windows and history ---------------------------------------------------------------------

    @property
    def current(self) -> WindowSeries:
        return self.series[self.window_key]

    def set_window(self, window: str) -> None:
        if window not in WINDOW_SPANS:
            raise ValueError(window)
        if window != self.window_key:
            for chart in self.charts.values():
                chart.clear_readout()  # a readout of another window's bucket would mislead
        self.window_key = window
        self.window_actions[window].setChecked(True)
        series = self.series.setdefault(window, WindowSeries(window))
        if series.loaded:
            self._push()  # show what we have at once; the reload below corrects closed buckets
        self.reload()

    def reload(self) -> None:
        window = self.window_key
        if not self.ctx.online:
            self._on_online_changed(False)
            return
        self.status.setText(f"Loading the last {WINDOW_LABELS[window]}…")
        self.ctx.tasks.latest(
            self,
            "history",
            self.service.timeseries(window),
            on_result=lambda history: self._loaded(window, history),
            on_error=self._on_error,
        )

    def _loaded(self, window: str, history: Timeseries) -> None:
        self.history_loads += 1
        self.series.setdefault(window, WindowSeries(window)).load(history)
        if window == self.window_key:
            self._push()

    def _on_error(self, error: ApiError) -> None:
        self.status.setText(f"Could not load the chart history: {error.user_message}")

    def _on_online_changed(self, online: bool) -> None:
        if online:
            self.reload()  # the stream may have missed points while we were away
        else:
            self.status.setText(OFFLINE_TEXT)

    # -- live ------------------------------------------------------------------------------------

    def _on_point(self, event: ServerEvent) -> None:
        try:
            point = TimeseriesPoint.model_validate(event.data)
        except ValueError:
            return
        for series in self.series.values():
            series.add_points([point])
        if self.current.needs_reload:
            self.current.needs_reload = False  # one reload per closed bucket, not one per second
            self.reload()
        if self.current.loaded and not self._push_timer.isActive():
            # A replay after a reconnect delivers hundreds of points at once: one push for all.
            self._push_timer.start()

    def set_paused(self, paused: bool) -> None:
        if self.pause_action.isChecked() != paused:
            self.pause_action.setChecked(paused)  # re-enters through toggled
            return
        self.pause_action.setText("Resume" if paused else "Pause")
        for chart in self.charts.values():
            chart.set_paused(paused)
        self._update_status()

    def _push(self) -> None:
        series = self.current
        times = np.asarray(series.times, dtype=float)
        x_range = None
        if len(times):
            x_range = (float(times[-1]) - series.span_seconds + series.step_seconds, float(times[-1]))
        bucket = BUCKET_WORDS.get(series.step_seconds, f"per {series.step_seconds // 60} min")
        for chart in self.charts.values():
            spec = chart.spec
            title = f"{spec.title} ({bucket})" if spec.unit == "money" else spec.title
            chart.set_title(title)
            columns = {s.key: np.asarray(series.column(s.key), dtype=float) for s in spec.series}
            chart.set_data(times, columns, x_range, partial_last=True)
        self._update_status()

    def _update_status(self) -> None:
        series = self.series.get(self.window_key)
        if series is None or not series.loaded:
            return
        last = f"{datetime.now(UTC):%H:%M:%S} UTC"
        label = WINDOW_LABELS[self.window_key]
        if not self.ctx.online:
            self.status.setText(OFFLINE_TEXT)
        elif self.pause_action.isChecked():
            self.status.setText(f"Paused — last {label}; live data is kept and drawn on resume (P).")
        else:
            self.status.setText(
                f"Live — last {label}, {len(series.times)} buckets · updated {last} · "
                "point at a chart to read its values"
            )

    # -- exports ---------------------------------------------------------------------------------

    def ask_export_png(self, chart_id: str) -> None:
        name = f"{chart_id}-{self.window_key}-{datetime.now(UTC):%Y%m%d-%H%M}.png"
        path, _ = QFileDialog.getSaveFileName(self, "Save chart as PNG", name, "PNG image (*.png)")
        if path:
            self.export_png(chart_id, Path(path).with_suffix(".png"))

    def export_png(self, chart_id: str, path: Path) -> None:
        image = self.charts[chart_id].grab_image()  # fast copy on this thread; encoding is not
        self.ctx.tasks.start(
            run_in_worker(export.save_png, image, path),
            owner=self,
            on_result=lambda _none: self.ctx.notifier.info(f"Chart saved to {path}"),
        )

    def ask_export_excel(self) -> None:
        name = f"live-charts-{self.window_key}-{datetime.now(UTC):%Y%m%d-%H%M}.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, "Export chart data", name, "Excel workbook (*.xlsx)")
        if path:
            self.export_excel(Path(path).with_suffix(".xlsx"))

    def export_excel(self, path: Path) -> None:
        sheets = []
        for chart in self.charts.values():
            labels, times, rows = chart.table()
            sheets.append(export.SheetData(chart.spec.title, chart.spec.unit, labels, times, rows))
        title_line = f"Last {WINDOW_LABELS[self.window_key]}, exported {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
        self.excel_action.setEnabled(False)  # one export at a time; re-enabled whatever happens
        task = self.ctx.tasks.start(
            run_in_worker(export.write_workbook, path, sheets, title_line=title_line),
            owner=self,
            on_result=lambda rows: self.ctx.notifier.info(f"Exported {rows:,} rows to {path}"),
        )
        task.add_done_callback(lambda _t: self._excel_done())

    def _excel_done(self) -> None:
        # The task also ends (cancelled) when the panel is destroyed; then there is nothing to enable.
        with contextlib.suppress(RuntimeError):
            self.excel_action.setEnabled(True)

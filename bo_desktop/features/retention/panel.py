"""The Retention dock: cohort heatmap and table by first-deposit week or month, Excel export.

Any filter change reloads (``tasks.latest``: an older answer never replaces a newer one). The
heatmap and the table show the same report; the metric switch (period-N or rolling retention)
redraws without asking the server again.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.retention import CohortPeriod, CohortReport
from bo_desktop.contract.segments import SegmentDefinition
from bo_desktop.core.api.errors import ApiError, NetworkError
from bo_desktop.core.context import AppContext
from bo_desktop.widgets.labels import mute, plain_label
from bo_desktop.widgets.naming import named

from .heatmap import CohortHeatmap
from .model import CohortColumn, CohortTableModel
from .service import CohortQuery, RetentionService

SOURCES = ("affiliate", "paid_search", "social", "organic", "referral", "tv")


def _combo(name: str, items: list[tuple[str, object]]) -> QComboBox:
    combo = named(QComboBox(), name)
    for text, data in items:
        combo.addItem(text, data)
    return combo


class RetentionPanel(QWidget):
    def __init__(self, ctx: AppContext, service: RetentionService | None = None) -> None:
        super().__init__()
        self.setObjectName("retentionPanel")
        self.ctx = ctx
        self.service = service or RetentionService(ctx.api)
        self.report: CohortReport | None = None
        self.loads = 0

        self.period = _combo("retentionPeriod", [("By month", "month"), ("By week", "week")])
        self.count = named(QSpinBox(), "retentionCount")
        self.count.setRange(2, 52)
        self.count.setValue(12)
        self.count.setPrefix("last ")
        self.count.setSuffix(" periods")
        self.source = _combo(
            "retentionSource", [("Any source", None), *((s.replace("_", " "), s) for s in SOURCES)]
        )
        self.country = named(QLineEdit(), "retentionCountry")
        self.country.setPlaceholderText("Country (e.g. SE)")
        self.country.setMaxLength(2)
        self.country.setFixedWidth(130)
        self.segment = _combo("retentionSegment", [("Any segment", None)])
        self.measure = _combo("retentionMetric", [("Active in period N", False), ("Rolling retention", True)])
        self.export = named(QPushButton("Export to Excel…"), "retentionExport")
        self.export.setEnabled(False)
        self.export.clicked.connect(self._choose_export_file)
        filters = QHBoxLayout()
        for widget in (self.period, self.count, self.source, self.country, self.segment, self.measure):
            filters.addWidget(widget)
        filters.addStretch(1)
        filters.addWidget(self.export)

        self.heatmap = CohortHeatmap()
        self.model = CohortTableModel(self)
        self.table = named(QTableView(), "retentionTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(CohortColumn.START, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        splitter = named(QSplitter(Qt.Orientation.Vertical), "retentionSplitter")
        splitter.addWidget(self.heatmap)
        splitter.addWidget(self.table)
        splitter.setSizes([360, 240])
        self.status = mute(named(plain_label("", wrap=True), "retentionStatus"))

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)

        for combo in (self.period, self.source, self.segment):
            combo.currentIndexChanged.connect(lambda _i: self.load())
        self.count.valueChanged.connect(lambda _v: self.load())
        self.country.editingFinished.connect(self.load)
        self.measure.currentIndexChanged.connect(lambda _i: self._redraw())
        ctx.tasks.latest(self, "segments", self.service.segments(), on_result=self._segments)
        self.load()

    def query(self) -> CohortQuery:
        country = self.country.text().strip().upper()
        return CohortQuery(
            period=CohortPeriod(self.period.currentData()),
            count=self.count.value(),
            source=self.source.currentData(),
            country=country if len(country) == 2 else None,
            segment=self.segment.currentData(),
        )

    def load(self) -> None:
        self.status.setText("Computing cohorts…")
        coro = self.service.cohorts(self.query())
        self.ctx.tasks.latest(self, "cohorts", coro, on_result=self._show, on_error=self._failed)

    def _segments(self, segments: list[SegmentDefinition]) -> None:
        for s in segments:
            self.segment.addItem(s.name, s.id)

    def _show(self, report: CohortReport) -> None:
        self.report = report
        self.loads += 1
        self.model.show_report(report)
        header = self.table.horizontalHeader()
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self._redraw()
        players = sum(c.size for c in report.cohorts)
        self.status.setText(
            f"{len(report.cohorts)} cohorts, {players:,} first depositors · computed by the server in "
            f"{report.server_ms:,.0f} ms · active = placed a bet in the period; NGR = bets − wins − bonuses"
        )
        self.export.setEnabled(True)

    def _redraw(self) -> None:
        rolling = bool(self.measure.currentData())
        self.model.set_rolling(rolling)
        if self.report is not None:
            self.heatmap.show_report(self.report, rolling)

    def _failed(self, exc: ApiError) -> None:
        offline = isinstance(exc, NetworkError)
        self.status.setText("Offline: change a filter to try again." if offline else f"Could not load: {exc}")

    def _choose_export_file(self) -> None:
        suggested = str(Path.home() / f"retention-{self.period.currentData()}.xlsx")
        path, _filter = QFileDialog.getSaveFileName(
            self, "Export cohorts", suggested, "Excel workbook (*.xlsx)"
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        if self.report is None:
            return
        self.export.setEnabled(False)
        self.status.setText("Exporting…")

        def done(_none: None) -> None:
            self.export.setEnabled(True)
            self.status.setText(f"Exported to {path}")

        def failed(exc: ApiError) -> None:
            self.export.setEnabled(True)
            self.status.setText(f"Export failed: {exc} (no file was written)")

        coro = self.service.export(self.report, self.query(), path)
        self.ctx.tasks.latest(self, "export", coro, on_result=done, on_error=failed)

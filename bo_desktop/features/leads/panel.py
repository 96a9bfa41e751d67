"""The Leads dock: acquisition funnel by source, affiliate or campaign, with a drill-down.

Pick a row and a stage, and the players behind that number are listed below (paged); a
double-click opens one in the players panel through the shell (``ctx.requests.open_player``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.common import Page
from bo_desktop.contract.leads import FunnelGroup, FunnelReport, FunnelStage
from bo_desktop.contract.players import PlayerSummary
from bo_desktop.core.api.errors import ApiError, NetworkError
from bo_desktop.core.context import AppContext
from bo_desktop.widgets.labels import mute, plain_label
from bo_desktop.widgets.naming import named

from .model import DrillModel, FunnelColumn, FunnelModel, shown_value
from .service import LeadsService

PERIODS = (("Registered any time", None), ("Last 30 days", 30), ("Last 90 days", 90), ("Last 365 days", 365))
STAGES = (
    ("Registered", FunnelStage.REGISTERED),
    ("KYC verified", FunnelStage.KYC_VERIFIED),
    ("First deposit", FunnelStage.FIRST_DEPOSIT),
    ("Active at day 30", FunnelStage.ACTIVE_DAY30),
)


def _combo(name: str, items: tuple[tuple[str, object], ...]) -> QComboBox:
    combo = named(QComboBox(), name)
    for text, data in items:
        combo.addItem(text, data)
    return combo


def _table(name: str) -> QTableView:
    table = named(QTableView(), name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSortingEnabled(True)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class LeadsPanel(QWidget):
    def __init__(self, ctx: AppContext, service: LeadsService | None = None) -> None:
        super().__init__()
        self.setObjectName("leadsPanel")
        self.ctx = ctx
        self.service = service or LeadsService(ctx.api)
        self.report: FunnelReport | None = None
        self.loads = 0
        self._cursor: str | None = None

        self.group = _combo("leadsGroupBy", tuple((g.value.capitalize(), g.value) for g in FunnelGroup))
        self.period = _combo("leadsPeriod", PERIODS)
        self.stage = _combo("leadsStage", tuple((text, stage.value) for text, stage in STAGES))
        self.show_players = named(QPushButton("Show players"), "leadsShowPlayers")
        self.more = named(QPushButton("Load more"), "leadsMorePlayers")
        self.more.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(self.group)
        top.addWidget(self.period)
        top.addStretch(1)
        top.addWidget(plain_label("Drill down:"))
        drill_widgets: tuple[QWidget, ...] = (self.stage, self.show_players, self.more)
        for widget in drill_widgets:
            top.addWidget(widget)

        self.model = FunnelModel(self)
        self.table = _table("leadsFunnel")
        self.table.setModel(self.model)
        self.table.sortByColumn(FunnelColumn.REGISTRATIONS, Qt.SortOrder.DescendingOrder)
        self.drill = DrillModel(self)
        self.drill_table = _table("leadsPlayers")
        self.drill_table.setModel(self.drill)
        self.drill_table.activated.connect(self._open_player)
        splitter = named(QSplitter(Qt.Orientation.Vertical), "leadsSplitter")
        splitter.addWidget(self.table)
        splitter.addWidget(self.drill_table)
        self.totals = named(plain_label("", wrap=True), "leadsTotals")
        self.status = mute(named(plain_label("", wrap=True), "leadsStatus"))
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.totals)
        layout.addWidget(self.status)

        self.group.currentIndexChanged.connect(lambda _i: self.load())
        self.period.currentIndexChanged.connect(lambda _i: self.load())
        self.show_players.clicked.connect(lambda: self.load_players())
        self.more.clicked.connect(lambda: self.load_players(more=True))
        self.load()

    def start(self) -> datetime | None:
        days = self.period.currentData()
        return datetime.now(UTC) - timedelta(days=days) if days else None

    def group_by(self) -> FunnelGroup:
        return FunnelGroup(self.group.currentData())

    def load(self) -> None:
        self.status.setText("Loading the funnel…")
        coro = self.service.funnel(self.group_by(), self.start())
        self.ctx.tasks.latest(self, "funnel", coro, on_result=self._show, on_error=self._failed)

    def _show(self, report: FunnelReport) -> None:
        self.report = report
        self.loads += 1
        self.model.reset_rows(report.rows)
        header = self.table.horizontalHeader()
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        t, C = report.total, FunnelColumn
        self.totals.setText(
            f"All: {t.registrations:,} registrations → {t.kyc_verified:,} KYC verified "
            f"({shown_value(C.KYC_RATE, t.kyc_rate)}) → {t.first_deposit:,} first deposits "
            f"({shown_value(C.DEPOSIT_RATE, t.deposit_rate)}) → {t.active_day30:,} active at day 30 "
            f"({shown_value(C.DAY30_RATE, t.day30_rate)}) · NGR {shown_value(C.NGR, t.ngr_eur_minor)}"
        )
        self.status.setText("Leads and CPA show — where the platform has no lead or spend figures.")

    def _failed(self, exc: ApiError) -> None:
        self.status.setText(
            "Offline: change a filter to try again." if isinstance(exc, NetworkError) else str(exc)
        )

    def selected_key(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()].key if rows else None

    def load_players(self, more: bool = False) -> None:
        key = self.selected_key()
        if key is None:
            self.status.setText("Select a row of the funnel first.")
            return
        stage = FunnelStage(self.stage.currentData())
        cursor = self._cursor if more else None
        coro = self.service.players(self.group_by(), key, stage, self.start(), cursor)
        self.ctx.tasks.latest(
            self,
            "players",
            coro,
            on_result=lambda page: self._players(page, key, more),
            on_error=self._failed,
        )

    def _players(self, page: Page[PlayerSummary], key: str, more: bool) -> None:
        if more:
            self.drill.append(page.data)
        else:
            self.drill.reset_rows(page.data)
        self._cursor = page.next_cursor
        self.more.setEnabled(page.has_more)
        self.status.setText(
            f"{self.drill.rowCount():,} players of {key.replace('_', ' ')}"
            f" · {self.stage.currentText().lower()}{' (more to load)' if page.has_more else ''}"
        )

    def _open_player(self, index: QModelIndex) -> None:
        self.ctx.requests.open_player.emit(self.drill.players[index.row()].id)

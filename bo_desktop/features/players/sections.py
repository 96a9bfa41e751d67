"""The sections (tabs) of a player profile.

Each section loads when it is first shown (a profile with eleven tabs must not fire eleven
requests on open), pages through the API in the background as the user scrolls, and appends rows
in batches. Transactions get their own model and server-side filters (a heavy player has 50k).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.common import Page
from bo_desktop.contract.enums import Psp, TransactionStatus, TransactionType
from bo_desktop.contract.players import Note, PlayerDetail
from bo_desktop.core.api.errors import ApiError
from bo_desktop.core.context import AppContext
from bo_desktop.widgets.labels import mute, plain_label
from bo_desktop.widgets.naming import named

from .format import money, when, words
from .model import TransactionsModel
from .section_models import RecordsModel
from .service import PlayersService, TransactionFilter


def make_table(name: str, model: Any) -> QTableView:
    table = named(QTableView(), name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    # Fitting columns to the first rows is enough to read them; measuring every loaded row would
    # make the first page of a heavy player's transactions a visible stall.
    table.horizontalHeader().setResizeContentsPrecision(60)
    table.setWordWrap(False)
    return table


class OverviewSection(QWidget):
    """Lifetime KPIs and the facts a caller is asked to confirm."""

    KPIS = (
        ("kpiDeposits", "Lifetime deposits"),
        ("kpiWithdrawals", "Lifetime withdrawals"),
        ("kpiNetDeposits", "Net deposits"),
        ("kpiGgr", "GGR"),
        ("kpiBonusCost", "Bonus cost"),
        ("kpiLastLogin", "Last login"),
        ("kpiDepositFrequency", "Deposits (last 30 days)"),
        ("kpiLastDeposit", "Last deposit"),
        ("kpiLoyalty", "Loyalty points"),
        ("kpiAcquisition", "Acquisition"),
        ("kpiBirth", "Date of birth"),
        ("kpiCity", "City"),
    )

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.setObjectName("sectionOverview")
        self._cache = ctx.cache
        self.values: dict[str, Any] = {}
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(28)
        grid.setVerticalSpacing(10)
        for position, (name, title) in enumerate(self.KPIS):
            row, col = divmod(position, 3)
            cell = QVBoxLayout()
            cell.setSpacing(0)
            cell.addWidget(mute(plain_label(title)))
            value = named(plain_label(), name)
            font = value.font()
            font.setPointSizeF(font.pointSizeF() * 1.15)
            font.setBold(True)
            value.setFont(font)
            cell.addWidget(value)
            self.values[name] = value
            grid.addLayout(cell, row, col)
        rows = (len(self.KPIS) + 2) // 3
        grid.addWidget(mute(plain_label("Pinned notes")), rows, 0, 1, 3)
        # Plain text: notes quote players. The first thing to know before calling a player back.
        self.pinned = named(QPlainTextEdit(), "overviewPinnedNotes")
        self.pinned.setReadOnly(True)
        self.pinned.setPlaceholderText("No pinned notes.")
        self.pinned.setMaximumHeight(160)
        grid.addWidget(self.pinned, rows + 1, 0, 1, 3)
        grid.setRowStretch(rows + 2, 1)
        grid.setColumnStretch(3, 1)

    def show_pinned(self, notes: list[Note]) -> None:
        pinned = [n for n in notes if n.pinned]
        self.pinned.setPlainText(
            "\n\n".join(f"{n.author_name}, {when(n.created_at)}: {n.body}" for n in pinned)
        )

    def show_player(self, p: PlayerDetail) -> None:
        k, c = p.kpis, p.currency
        acquisition = p.acquisition
        values = {
            "kpiDeposits": money(self._cache, k.lifetime_deposits_minor, c)
            + f"  ({k.deposit_count} deposits)",
            "kpiWithdrawals": money(self._cache, k.lifetime_withdrawals_minor, c),
            "kpiNetDeposits": money(self._cache, k.net_deposits_minor, c),
            "kpiGgr": money(self._cache, k.ggr_minor, c),
            "kpiBonusCost": money(self._cache, k.bonus_cost_minor, c),
            "kpiLastLogin": when(p.last_login_at) or "never",
            "kpiDepositFrequency": f"{k.deposits_last_30d}",
            "kpiLastDeposit": when(k.last_deposit_at) or "never",
            "kpiLoyalty": f"{p.loyalty_points:,}",
            "kpiAcquisition": words(acquisition.source)
            + (f" · {acquisition.affiliate_id}" if acquisition.affiliate_id else "")
            if acquisition
            else "unknown",
            "kpiBirth": p.date_of_birth or "",
            "kpiCity": p.address_city or "",
        }
        for name, text in values.items():
            self.values[name].setText(text)


class PagedSection(QWidget):
    """A table filled page by page while the user scrolls; subclasses say how to fetch."""

    loaded = Signal()  # the first page is shown (tests and the benchmark wait for it)

    def __init__(self, ctx: AppContext, name: str, model: Any) -> None:
        super().__init__()
        self.setObjectName(name)
        self.ctx = ctx
        self.model = model
        self.table = make_table(f"{name}Table", model)
        self.status = mute(named(plain_label(""), f"{name}Status"))
        self._cursor: str | None = None
        self._busy = False
        self._generation = 0
        self.total: int | None = None  # when the endpoint counted (transactions)
        self.started = False
        self.table.verticalScrollBar().valueChanged.connect(self._maybe_more)

    def fetch(self, cursor: str | None, first: bool) -> Coroutine[Any, Any, Page[Any]]:
        raise NotImplementedError

    def reload(self) -> None:
        """Drop what is shown and load the first page again (filters changed, or after an action)."""
        self.started = True
        self._generation += 1
        generation = self._generation
        self._cursor = None
        self._busy = True
        self.status.setText("Loading…")
        self.ctx.tasks.latest(
            self,
            "page",
            self.fetch(None, True),
            on_result=lambda page: self._arrived(generation, page, first=True),
            on_error=lambda exc: self._failed(generation, exc),
        )

    def ensure_loaded(self) -> None:
        if not self.started:
            self.reload()

    def _maybe_more(self, value: int) -> None:
        if self._cursor and not self._busy and value >= self.table.verticalScrollBar().maximum() - 10:
            self.load_more()

    def load_more(self) -> None:
        if not self._cursor or self._busy:
            return
        self._busy = True
        generation = self._generation
        self.ctx.tasks.latest(
            self,
            "page",
            self.fetch(self._cursor, False),
            on_result=lambda page: self._arrived(generation, page, first=False),
            on_error=lambda exc: self._failed(generation, exc),
        )

    def _arrived(self, generation: int, page: Page[Any], *, first: bool) -> None:
        if generation != self._generation:
            return
        self._busy = False
        if first:
            self.model.clear()
            if page.total is not None:
                self.total = page.total
        self.model.append(page.data)
        self._cursor = page.next_cursor if page.has_more else None
        self.status.setText(self.describe(self.model.rowCount(), bool(self._cursor)))
        if first:
            self.table.resizeColumnsToContents()
            self.loaded.emit()

    def describe(self, shown: int, more: bool) -> str:
        return (
            f"{shown} shown, scroll for more"
            if more
            else f"{shown} in total"
            if shown
            else "Nothing recorded."
        )

    def _failed(self, generation: int, exc: ApiError) -> None:
        if generation == self._generation:
            self._busy = False
            self.status.setText(f"Could not load: {exc.user_message}")


class TransactionsSection(PagedSection):
    def __init__(self, ctx: AppContext, service: PlayersService, player_id: str) -> None:
        super().__init__(ctx, "sectionTransactions", TransactionsModel(ctx.cache))
        self.service = service
        self.player_id = player_id
        self.type_filter = self._combo(
            "txFilterType", "All types", [(words(t), t.value) for t in TransactionType]
        )
        self.psp_filter = self._combo(
            "txFilterPsp", "All PSPs", [(ctx.cache.psp_name(p.value), p.value) for p in Psp]
        )
        self.status_filter = self._combo(
            "txFilterStatus", "All statuses", [(words(s), s.value) for s in TransactionStatus]
        )
        self.use_dates = named(QCheckBox("Between"), "txFilterUseDates")
        self.date_from = named(QDateEdit(QDate.currentDate().addDays(-30)), "txFilterFrom")
        self.date_to = named(QDateEdit(QDate.currentDate()), "txFilterTo")
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
            edit.dateChanged.connect(self.reload)
        self.use_dates.toggled.connect(self._dates_toggled)
        bar = QHBoxLayout()
        for widget in (self.type_filter, self.psp_filter, self.status_filter, self.use_dates, self.date_from):
            bar.addWidget(widget)
        bar.addWidget(plain_label("and"))
        bar.addWidget(self.date_to)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

    def _combo(self, name: str, any_text: str, options: list[tuple[str, str]]) -> QComboBox:
        combo = named(QComboBox(), name)
        combo.addItem(any_text, None)
        for text, value in options:
            combo.addItem(text, value)
        combo.currentIndexChanged.connect(self.reload)
        return combo

    def _dates_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self.reload()

    def current_filter(self) -> TransactionFilter:
        start = end = None
        if self.use_dates.isChecked():
            # Whole local days, sent as UTC instants: "to" is exclusive, so the end day is included.
            tz = datetime.now().astimezone().tzinfo
            first = date(
                self.date_from.date().year(), self.date_from.date().month(), self.date_from.date().day()
            )
            last = date(self.date_to.date().year(), self.date_to.date().month(), self.date_to.date().day())
            start = datetime.combine(first, time(0), tz).astimezone(UTC)
            end = datetime.combine(last + timedelta(days=1), time(0), tz).astimezone(UTC)
        return TransactionFilter(
            type=self.type_filter.currentData(),
            psp=self.psp_filter.currentData(),
            status=self.status_filter.currentData(),
            date_from=start,
            date_to=end,
        )

    def fetch(self, cursor: str | None, first: bool) -> Coroutine[Any, Any, Page[Any]]:
        return self.service.transactions(self.player_id, self.current_filter(), cursor, count=first)

    def describe(self, shown: int, more: bool) -> str:
        if self.total is not None and more:
            return f"{shown:,} of {self.total:,} transactions shown (scroll for more)"
        return f"{shown:,} transactions" if shown else "No transactions match."


class RecordsSection(PagedSection):
    """Sessions, bonuses, loyalty, alerts, disputes, notes, audit (paged) or KYC, limits (lists)."""

    LISTS = ("kyc", "limits")

    def __init__(
        self,
        ctx: AppContext,
        service: PlayersService,
        player_id: str,
        section: str,
        *,
        extra: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, f"section{section.capitalize()}", RecordsModel(section, ctx.cache))
        self.service = service
        self.player_id = player_id
        self.section = section
        self.table.setSortingEnabled(section in self.LISTS)
        layout = QVBoxLayout(self)
        if extra is not None:
            layout.addWidget(extra)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

    def fetch(self, cursor: str | None, first: bool) -> Coroutine[Any, Any, Page[Any]]:
        if self.section in self.LISTS:
            load: Callable[[str], Coroutine[Any, Any, list[Any]]] = (
                self.service.kyc if self.section == "kyc" else self.service.limits
            )
            return _as_page(load(self.player_id))
        return self.service.section(self.player_id, self.section, cursor)


async def _as_page(items: Coroutine[Any, Any, list[Any]]) -> Page[Any]:
    return Page[Any](data=await items, has_more=False)

"""The "Players" dock: search by anything a caller might quote, with filters; opens profiles.

Results follow typing: each change restarts a short debounce, then one request; a newer request
cancels the older one (``TaskRunner.latest``) and a generation number drops any answer that
still arrives for an older query, so the table never shows results for text no longer in the box.
Opening a player goes through ``ctx.requests.open_player``, the same shell signal other panels
use, so the profiles dock answers it in one place.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.common import Page
from bo_desktop.contract.enums import Jurisdiction, KycStatus, PlayerStatus, RiskLevel, VipTier
from bo_desktop.contract.players import PlayerSummary
from bo_desktop.contract.reference import Country, ReferenceDataset, Segment
from bo_desktop.core.api.errors import ApiError
from bo_desktop.core.context import AppContext
from bo_desktop.widgets.labels import mute, plain_label
from bo_desktop.widgets.naming import named

from .format import words
from .model import PlayerColumn, PlayerSearchModel
from .service import PlayerQuery, PlayersService

DEBOUNCE_MS = 250
_HIDDEN_BY_DEFAULT = (PlayerColumn.USERNAME, PlayerColumn.EMAIL, PlayerColumn.VIP)


def _combo(name: str, any_text: str, options: Sequence[tuple[str, object]]) -> QComboBox:
    combo = named(QComboBox(), name)
    combo.addItem(any_text, None)
    for text, value in options:
        combo.addItem(text, value)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


def _enum_options(enum: type) -> list[tuple[str, object]]:
    return [(words(member.value), member.value) for member in enum]  # type: ignore[attr-defined]


class PlayerSearchPanel(QWidget):
    def __init__(self, ctx: AppContext, service: PlayersService | None = None) -> None:
        super().__init__()
        self.setObjectName("playerSearchPanel")
        self.ctx = ctx
        self.service = service or PlayersService(ctx.api)
        self._generation = 0
        self._query = PlayerQuery()
        self._next_cursor: str | None = None
        self._loading_more = False

        self.search_box = named(QLineEdit(), "playerSearchBox")
        self.search_box.setPlaceholderText("ID, name, username, e-mail, phone or PSP reference")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.installEventFilter(self)

        cache = ctx.cache
        countries = [
            (f"{c.name} ({c.code})", c.code) for c in cache.items_as(ReferenceDataset.COUNTRIES, Country)
        ]
        segments = [(s.name, s.id) for s in cache.items_as(ReferenceDataset.SEGMENTS, Segment)]
        self.filters: dict[str, QComboBox] = {
            "status": _combo("filterStatus", "Any status", _enum_options(PlayerStatus)),
            "kyc_status": _combo("filterKyc", "Any KYC", _enum_options(KycStatus)),
            "risk_level": _combo("filterRisk", "Any risk", _enum_options(RiskLevel)),
            "vip_tier": _combo("filterVip", "Any VIP tier", _enum_options(VipTier)),
            "jurisdiction": _combo(
                "filterJurisdiction", "Any jurisdiction", [(j.value, j.value) for j in Jurisdiction]
            ),
            "country": _combo("filterCountry", "Any country", sorted(countries)),
            "segment": _combo("filterSegment", "Any segment", segments),
            "pay_n_play": _combo(
                "filterPayNPlay",
                "Pay-n-Play or not",
                [("Pay-n-Play only", True), ("Registered accounts only", False)],
            ),
        }
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        for position, combo in enumerate(self.filters.values()):
            grid.addWidget(combo, position // 4, position % 4)
            combo.currentIndexChanged.connect(self._schedule)

        self.model = PlayerSearchModel(ctx.cache, self)
        self.table = named(QTableView(), "playerSearchResults")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicatorShown(False)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(False)
        for column in _HIDDEN_BY_DEFAULT:
            self.table.setColumnHidden(column, True)
        self._fit_columns()
        self.table.activated.connect(self._open_index)  # Enter and double-click
        self.table.verticalScrollBar().valueChanged.connect(self._maybe_load_more)
        self.table.installEventFilter(self)

        self.status = mute(named(plain_label("Type to search, or pick a filter."), "playerSearchStatus"))

        layout = QVBoxLayout(self)
        layout.addWidget(self.search_box)
        layout.addLayout(grid)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search_now)
        self.search_box.textChanged.connect(self._schedule)
        focus = QShortcut(QKeySequence("Ctrl+F"), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        focus.activated.connect(self.focus_search)
        self.setFocusProxy(self.search_box)
        ctx.requests.open_segment.connect(self.show_segment)

    # -- searching -------------------------------------------------------------------------------

    def current_query(self) -> PlayerQuery:
        values = {name: combo.currentData() for name, combo in self.filters.items()}
        return PlayerQuery(text=self.search_box.text(), **values)

    def show_segment(self, segment_id: str, name: str) -> None:
        """List a segment's members (``ctx.requests.open_segment``): that filter alone, no text.

        A segment saved after the reference cache was loaded is not in the combo yet; it is added.
        """
        combo = self.filters["segment"]
        if combo.findData(segment_id) < 0:
            combo.addItem(name, segment_id)
        for widget in (self.search_box, *self.filters.values()):
            widget.blockSignals(True)
        self.search_box.clear()
        for key, other in self.filters.items():
            other.setCurrentIndex(combo.findData(segment_id) if key == "segment" else 0)
        for widget in (self.search_box, *self.filters.values()):
            widget.blockSignals(False)
        self.search_now()

    def _schedule(self) -> None:
        self._debounce.start()

    def search_now(self) -> None:
        """Run the search for what the widgets show now (latest wins)."""
        self._debounce.stop()
        query = self.current_query()
        self._generation += 1
        generation = self._generation
        self._query = query
        self._next_cursor = None
        if query.is_empty:
            self.ctx.tasks.cancel_owner(self)
            self.model.reset_rows()
            self.status.setText("Type to search, or pick a filter.")
            return
        self.status.setText("Searching…")
        self.ctx.tasks.latest(
            self,
            "search",
            self.service.search(query),
            on_result=lambda page: self._show(generation, page, replace=True),
            on_error=lambda exc: self._failed(generation, exc),
        )

    def _fit_columns(self) -> None:
        """Columns fit their content and the name takes what is left, so the balance stays in view."""
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.resizeColumnsToContents()
        header.setSectionResizeMode(PlayerColumn.NAME, QHeaderView.ResizeMode.Stretch)

    def _maybe_load_more(self, value: int) -> None:
        bar = self.table.verticalScrollBar()
        if self._next_cursor and not self._loading_more and value >= bar.maximum() - 5:
            generation, cursor = self._generation, self._next_cursor
            self._loading_more = True
            self.ctx.tasks.latest(
                self,
                "more",
                self.service.search(self._query, cursor),
                on_result=lambda page: self._show(generation, page, replace=False),
                on_error=lambda exc: self._failed(generation, exc),
            )

    def _show(self, generation: int, page: Page[PlayerSummary], *, replace: bool) -> None:
        self._loading_more = False
        if generation != self._generation:
            return  # an answer for text that is no longer in the box
        if replace:
            self.model.reset_rows(page.data)
            self._fit_columns()
            if self.model.rowCount():
                self.table.selectRow(0)
        else:
            self.model.append(page.data)
        self._next_cursor = page.next_cursor if page.has_more else None
        count = self.model.rowCount()
        more = " (scroll for more)" if self._next_cursor else ""
        self.status.setText(
            f"{count} player{'s' if count != 1 else ''}{more}" if count else "No player matches."
        )

    def _failed(self, generation: int, exc: ApiError) -> None:
        self._loading_more = False
        if generation == self._generation:
            self.status.setText(f"Search failed: {exc.user_message}")

    # -- opening -------------------------------------------------------------------------------

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.ctx.requests.open_player.emit(self.model.player_id(index.row()))

    def open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self._open_index(rows[0])
        elif self.model.rowCount():
            self._open_index(self.model.index(0, 0))

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.search_box:
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    if self._debounce.isActive():
                        self.search_now()  # Enter means "now", not "in 250 ms"
                    else:
                        self.open_selected()
                    return True
                if key == Qt.Key.Key_Down and self.model.rowCount():
                    self.table.setFocus()
                    if not self.table.selectionModel().hasSelection():
                        self.table.selectRow(0)
                    return True
            elif watched is self.table and key == Qt.Key.Key_Escape:
                self.focus_search()
                return True
        return super().eventFilter(watched, event)

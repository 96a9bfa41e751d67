"""The "Disputes" dock: inbox with saved views on the left, the selected ticket on the right.

The inbox pages through the API in the background and appends each page as it arrives, so the
first tickets show at once even in a 50,000-ticket view; sorting and the search box work on the
model (no proxy). Live ``dispute.*`` events update rows in place and move tickets in or out of
the view; view counts are refreshed after a burst of events settles. A 15-second tick redraws
the SLA countdowns.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QItemSelection, QSize, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.disputes import Dispute, DisputeCreate
from bo_desktop.contract.enums import DisputeView, Permission
from bo_desktop.contract.events import EventType, ServerEvent
from bo_desktop.core.api.errors import ApiError
from bo_desktop.core.context import AppContext
from bo_desktop.widgets.labels import mute, plain_label
from bo_desktop.widgets.naming import named

from .create_dialog import CreateDisputeDialog
from .domain import VIEW_LABELS, VIEW_TABS, in_view
from .drafts import DraftStore, drafts_path
from .errors import explain
from .model import Col, DisputeInboxModel
from .service import DisputeService, Intent
from .ticket_view import TicketView

TICK_MS = 15_000
COUNTS_SETTLE_MS = 1_500
SELECT_SETTLE_MS = 120  # arrow keys through the inbox load only the ticket you stop on
VIEWS = list(DisputeView)
COLUMN_WIDTHS = {Col.ID: 86, Col.PLAYER: 130, Col.KIND: 130, Col.SUBJECT: 200, Col.PRIORITY: 64,
                 Col.STATUS: 118, Col.ASSIGNEE: 100, Col.SLA: 150}  # fmt: skip
PREFERRED_SIZE = QSize(1120, 860)  # every inbox column visible when the dock first opens


class DisputesPanel(QWidget):
    def __init__(
        self, ctx: AppContext, service: DisputeService | None = None, drafts: DraftStore | None = None
    ) -> None:
        super().__init__()
        self.setObjectName("disputesPanel")
        self.ctx = ctx
        self.service = service or DisputeService(ctx.api)
        self.drafts = drafts or DraftStore(drafts_path(ctx.server.url, ctx.me.username))
        self.view = DisputeView.MINE if ctx.can(Permission.DISPUTES_WRITE) else DisputeView.ALL
        self.loading = False

        self.tabs = named(QTabBar(), "disputeViews")
        for n, view in enumerate(VIEWS):
            self.tabs.addTab(VIEW_TABS[view])
            self.tabs.setTabToolTip(n, f"{VIEW_LABELS[view]} (Alt+{n + 1})")
        self.tabs.setCurrentIndex(VIEWS.index(self.view))
        self.tabs.setExpanding(False)
        self.tabs.currentChanged.connect(lambda i: self.set_view(VIEWS[i]))
        self.search = named(QLineEdit(), "disputeSearch")
        self.search.setPlaceholderText("Filter: ticket, player, kind, subject, assignee (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.new_button = named(QPushButton("New ticket…"), "disputeNew")
        self.new_button.setToolTip("Create a dispute ticket (Ctrl+N)")
        self.new_button.setVisible(ctx.can(Permission.DISPUTES_WRITE))
        self.new_button.clicked.connect(lambda: self.open_create_dialog("", "", ""))
        self.status = named(mute(plain_label()), "inboxStatus")

        self.model = DisputeInboxModel(self)
        self.table = named(QTableView(), "disputeInbox")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Col.LAST_ACTIVITY, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in COLUMN_WIDTHS.items():
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.ticket_view = TicketView(ctx, self.service, self.drafts)
        self.ticket_view.ticket_changed.connect(self._ticket_changed)
        self.ticket_view.drafts_changed.connect(self._refresh_drafts)

        inbox = QWidget()
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.new_button)
        inbox_layout = QVBoxLayout(inbox)
        inbox_layout.setContentsMargins(0, 0, 0, 0)
        inbox_layout.addWidget(self.tabs)
        inbox_layout.addLayout(top)
        inbox_layout.addWidget(self.table, 1)
        inbox_layout.addWidget(self.status)
        # Inbox above the ticket: a docked panel is wider than tall only on big screens, and every
        # inbox column (the SLA countdown above all) must be visible without scrolling sideways.
        self.splitter = named(QSplitter(Qt.Orientation.Vertical), "disputeSplitter")
        self.splitter.addWidget(inbox)
        self.splitter.addWidget(self.ticket_view)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([380, 480])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.splitter)

        QShortcut(QKeySequence("Ctrl+F"), self, self.search.setFocus)
        QShortcut(QKeySequence("F5"), self, self.reload)
        QShortcut(QKeySequence("Ctrl+N"), self, self.new_button.click)
        for n in range(len(VIEWS)):
            QShortcut(QKeySequence(f"Alt+{n + 1}"), self, lambda n=n: self.tabs.setCurrentIndex(n))

        self._select_timer = QTimer(self, singleShot=True, interval=SELECT_SETTLE_MS)
        self._select_timer.timeout.connect(self._open_selected)
        self._counts_timer = QTimer(self, singleShot=True, interval=COUNTS_SETTLE_MS)
        self._counts_timer.timeout.connect(self.refresh_counts)
        self._tick = QTimer(self, interval=TICK_MS)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start()

        ctx.events.subscribe("dispute.", self._on_event, owner=self)
        ctx.events.reset.connect(self.reload)
        ctx.requests.create_dispute.connect(self.open_create_dialog)
        ctx.requests.open_dispute.connect(self.show_dispute)
        self.reload()
        self._refresh_drafts()

    def sizeHint(self) -> QSize:
        # QMainWindow sizes a new dock from its widget's size hint.
        return PREFERRED_SIZE

    # -- loading -------------------------------------------------------------------------------

    def set_view(self, view: DisputeView) -> None:
        if view != self.view:
            self.view = view
            self.reload()

    def reload(self) -> None:
        self.model.clear()
        self.loading = True
        self.status.setText("Loading…")
        self.ctx.tasks.latest(self, "inbox", self._load(self.view), on_error=self._load_failed)
        self.refresh_counts()

    async def _load(self, view: DisputeView) -> None:
        started = time.monotonic()
        async for batch in self.service.inbox(view):
            self.model.append(batch)
            self.status.setText(f"Loading… {self.model.total():,} tickets")
        self.model.resort()
        self.loading = False
        self._show_count(time.monotonic() - started)

    def _load_failed(self, exc: ApiError) -> None:
        self.loading = False
        self.status.setText(f"Could not load the inbox: {explain(exc)} (F5 to retry)")

    def _show_count(self, seconds: float | None = None) -> None:
        shown, total = self.model.rowCount(), self.model.total()
        text = f"{shown:,} tickets" if shown == total else f"{shown:,} of {total:,} tickets match"
        self.status.setText(text if seconds is None else f"{text} · loaded in {seconds:.1f} s")

    def refresh_counts(self) -> None:
        self.ctx.tasks.latest(
            self, "counts", self.service.counts(), on_result=self._show_counts, on_error=lambda _e: None
        )

    def _show_counts(self, counts: dict[str, int]) -> None:
        for n, view in enumerate(VIEWS):
            count = counts.get(view.value)
            self.tabs.setTabText(n, VIEW_TABS[view] if count is None else f"{VIEW_TABS[view]} ({count:,})")

    def _refresh_drafts(self) -> None:
        self.ctx.tasks.latest(self, "drafts", self.drafts.ids(), on_result=self.model.set_drafts)

    # -- live updates ----------------------------------------------------------------------------

    def _on_event(self, event: ServerEvent) -> None:
        if event.type in (EventType.DISPUTE_CREATED, EventType.DISPUTE_UPDATED):
            self._ticket_changed(Dispute.model_validate(event.data))
        elif event.type == EventType.DISPUTE_COMMENTED:
            ticket = self.ticket_view.ticket
            if ticket is not None and event.data.get("dispute_id") == ticket.id:
                self.ticket_view.reload_thread()

    def _ticket_changed(self, d: Dispute) -> None:
        if in_view(d, self.view, self.ctx.me.staff_id, time.time()):
            self.model.upsert(d)
        elif d.id != self._selected_id():
            self.model.remove(d.id)  # the open ticket stays listed until the user moves on
        self.ticket_view.apply_event(d)
        if not self.loading:
            self._show_count()
        self._counts_timer.start()

    def _on_tick(self) -> None:
        self.model.tick()
        self.ticket_view.refresh_clock()

    # -- selection, requests ---------------------------------------------------------------------

    def _filter(self, text: str) -> None:
        self.model.set_filter(text)
        if not self.loading:
            self._show_count()

    def _selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.id_at(rows[0].row()) if rows else None

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._select_timer.start()

    def _open_selected(self) -> None:
        dispute_id = self._selected_id()
        if dispute_id is not None:
            self.ticket_view.open_ticket(dispute_id)

    def show_dispute(self, dispute_id: str) -> None:
        """Answer ``ctx.requests.open_dispute``: raise the dock and open the ticket."""
        self._raise_dock()
        row = self.model.row_of(dispute_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        self.ticket_view.open_ticket(dispute_id)

    def open_create_dialog(self, player_id: str, link_kind: str, link_id: str) -> None:
        """Answer ``ctx.requests.create_dispute`` (and the New ticket button)."""
        if not self.ctx.can(Permission.DISPUTES_WRITE):
            self.ctx.notifier.warning("Your role cannot create dispute tickets.")
            return
        self._raise_dock()

        async def submit(body: object, intent: Intent) -> Dispute:
            assert isinstance(body, DisputeCreate)
            return await self.service.create(body, intent)

        dialog = CreateDisputeDialog(
            self.ctx.tasks, submit, player_id=player_id, link_kind=link_kind, link_id=link_id, parent=self
        )
        dialog.accepted.connect(lambda: self._created(dialog.result_value))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _created(self, d: Dispute) -> None:
        self.ctx.notifier.info(f"Dispute {d.id} created")
        self._ticket_changed(d)
        self.show_dispute(d.id)

    def _raise_dock(self) -> None:
        dock = self.parentWidget()
        if isinstance(dock, QDockWidget):
            dock.show()
            dock.raise_()

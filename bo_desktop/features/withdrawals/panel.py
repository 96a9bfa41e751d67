"""The withdrawal review dock: the queue on the left, the open item's detail on the right.

Flow: the queue loads page by page in the background (rows appear as they come), live events
keep it current, moving the cursor opens an item (its detail and context are fetched, latest
wins), and the actions work on the open item or, with several rows selected, on the selection.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QHideEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from bo_desktop.contract.enums import Permission, WithdrawalStatus
from bo_desktop.contract.payments import Withdrawal
from bo_desktop.contract.withdrawal_context import WithdrawalContext
from bo_desktop.core.api.errors import ApiError
from bo_desktop.core.context import AppContext
from bo_desktop.widgets.labels import mute, plain_label
from bo_desktop.widgets.naming import named

from .action_state import DECIDABLE, action_state
from .actions import ItemRef, ReviewActions
from .detail import WithdrawalDetailPane
from .filter_bar import FilterBar
from .formatting import status_label
from .lease import LeaseKeeper
from .live import LiveWithdrawals
from .lookups import Lookups
from .message_bar import Level
from .model import WithdrawalQueueModel
from .queue_store import QueueFilter, QueueStore
from .queue_view import QueueView
from .service import DEFAULT_LEASE_SECONDS, Action, WithdrawalService, held_by
from .toolbar import ReviewToolbar

SIDE_BY_SIDE_MIN_WIDTH = 1100  # pixels: below this the detail goes under the queue
OPEN_DELAY_MS = 120  # j-j-j opens the item the cursor stops on, not every one it passes
TICK_MS = 15_000  # ages and lapsed leases in the table


class WithdrawalsPanel(QWidget):
    def __init__(
        self,
        ctx: AppContext,
        *,
        lease_seconds: int = DEFAULT_LEASE_SECONDS,
        renew_margin: float = 90.0,
        live_interval_ms: int = 100,
    ) -> None:
        super().__init__()
        self.setObjectName("withdrawalsPanel")
        self.ctx = ctx
        me = ctx.me.staff_id
        self.service = WithdrawalService(ctx.api, me)
        self.lookups = Lookups(ctx.cache)
        self.model = WithdrawalQueueModel(me, psp_name=self.lookups.psp_name, minor_units=self.lookups.digits)
        self.can_decide = ctx.can(Permission.WITHDRAWALS_DECIDE)
        self.can_break = ctx.can(Permission.WITHDRAWALS_BREAK_LEASE)
        self.open_id: str | None = None
        self._pending_action: Action | None = None
        self._applying = False
        self._own_decision: str | None = None  # the open item the user is deciding right now
        self._vacated: int | None = None  # where that item was, once it left the queue
        self._watched_root: QWidget | None = None

        self.filters = FilterBar(self.lookups)
        self.counts = named(plain_label(), "withdrawalCounts")
        self.load_status = mute(named(plain_label(), "withdrawalLoadStatus"))
        self.view = QueueView(self.model)
        self.detail = WithdrawalDetailPane(self.lookups, me)
        self.toolbar = ReviewToolbar(self.view, self, can_decide=self.can_decide, can_break=self.can_break)
        self.lease = LeaseKeeper(
            self.service, ctx.tasks, lease_seconds=lease_seconds, renew_margin=renew_margin, parent=self
        )
        self.actions_ = ReviewActions(
            self.service, ctx, self.lookups, self.detail.message, self, lease_seconds=lease_seconds
        )
        self.live = LiveWithdrawals(ctx.events, interval_ms=live_interval_ms, parent=self)
        self._build_actions()
        self._layout()
        self._connect()
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self.model.refilter_time_dependent)
        self._tick.start()
        self._open_timer = QTimer(self)
        self._open_timer.setSingleShot(True)
        self._open_timer.setInterval(OPEN_DELAY_MS)
        self._open_timer.timeout.connect(self._open_current)
        self.reload(initial=True)

    # -- construction ------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        bar = self.toolbar
        self.refresh_action, self.claim_action = bar.refresh, bar.claim
        self.approve_action, self.reject_action, self.release_action = bar.approve, bar.reject, bar.release
        bar.refresh.triggered.connect(lambda: self.reload())
        bar.claim.triggered.connect(self.claim)
        bar.approve.triggered.connect(self.approve)
        bar.reject.triggered.connect(self.reject)
        bar.release.triggered.connect(self.release)
        bar.find_action.triggered.connect(self._focus_search)

    def _focus_search(self) -> None:
        self.filters.search.setFocus()
        self.filters.search.selectAll()

    def _layout(self) -> None:
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 4, 4, 4)
        left_layout.setSpacing(4)
        left_layout.addWidget(self.toolbar)
        left_layout.addWidget(self.filters)
        left_layout.addWidget(self.counts)
        left_layout.addWidget(self.view, 1)
        left_layout.addWidget(self.load_status)
        self.splitter = named(QSplitter(Qt.Orientation.Horizontal), "withdrawalSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.detail.setMinimumWidth(self.fontMetrics().averageCharWidth() * 40)
        self._sized = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.setFocusProxy(self.view)

    def _connect(self) -> None:
        self.filters.changed.connect(self._filter_changed)
        self.model.counts_changed.connect(self._show_counts)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self.view.doubleClicked.connect(lambda _index: self.claim())
        self.live.batch.connect(self.apply_live)
        self.live.reset.connect(lambda: self.reload())
        self.actions_.changed.connect(lambda w: self.apply_changes([w]))
        self.actions_.claimed.connect(self._claimed)
        self.actions_.decided.connect(self._decided)
        self.actions_.select_ids.connect(self._select_ids)
        self.lease.ticked.connect(lambda left, renewing: self.detail.set_lease_left(left, renewing=renewing))
        self.lease.renewed.connect(lambda w: self.apply_changes([w]))
        self.lease.lost.connect(self._lease_lost)
        self.detail.open_player_requested.connect(self.ctx.requests.open_player.emit)
        self.ctx.session.online_changed.connect(self._online_changed)

    # -- loading -----------------------------------------------------------------------------------

    def reload(self, *, initial: bool = False) -> None:
        """Load the whole open queue: streamed into the table the first time, built aside and
        swapped in afterwards (so a reload never empties the screen)."""
        self.load_status.setText("Loading the queue…")
        if initial:
            self.ctx.tasks.latest(self, "load", self._stream_load(), on_error=self._load_failed)
        else:
            self.live.hold()
            self.ctx.tasks.latest(self, "load", self._reload_aside(), on_error=self._load_failed)

    async def _stream_load(self) -> None:
        async for page in self.service.queue_pages():
            self.apply_changes(page)
            self.load_status.setText(f"Loading… {len(self.model.store):,} so far")
            if self.view.current_row() is None and self.model.rowCount():
                self.view.select_row(0)
        self._loaded()

    def _loaded(self) -> None:
        self.load_status.setText(f"Queue loaded at {datetime.now().strftime('%H:%M:%S')} · live updates on")

    async def _reload_aside(self) -> None:
        store = QueueStore()
        async for page in self.service.queue_pages():
            for w in page:
                store.upsert(w)
        keep = self.view.current_id()
        self.model.replace_store(store)
        self.live.resume()
        kept = keep is not None and self.view.select_id(keep)
        if not kept and self.model.rowCount():
            self.view.select_row(0)
        self._loaded()

    def _load_failed(self, error: ApiError) -> None:
        self.live.resume()
        self.load_status.setText("")
        self.detail.message.show_message(
            f"The queue could not be loaded: {error.user_message}",
            Level.ERROR,
            action="Retry",
            on_action=self.reload,
        )

    # -- live changes ------------------------------------------------------------------------------

    def apply_live(self, batch: list[Withdrawal]) -> None:
        # A failed payout needs payments staff (contact the player, check the destination), but
        # it is not a queue item: there is no decision left to make on it and its money is back
        # on the balance. It is announced instead, once per change (a stale repeat is not).
        failed = [
            w
            for w in batch
            if w.status == WithdrawalStatus.FAILED and (self.model.version_of(w.id) or 0) < w.version
        ]
        self.apply_changes(batch, live=True)
        for w in failed:
            amount = self.lookups.money(w.amount_minor, w.currency)
            self.ctx.notifier.warning(
                f"Payout of {w.id} failed ({w.player_name}, {amount}): "
                f"{w.failure_reason or 'no reason given'} The amount is back on the player's balance."
            )

    def apply_changes(self, batch: list[Withdrawal], *, live: bool = False) -> None:
        """Apply server states to the table (keeping the scroll anchor) and to the open item."""
        open_row = self.model.row_of(self.open_id) if self.open_id else None
        anchor = self.view.anchor()
        self._applying = True
        try:
            self.model.apply(batch)
        finally:
            self._applying = False
        self.view.restore(anchor)
        for w in batch:
            if w.id != self.open_id:
                continue
            shown = self.detail.withdrawal
            if shown is None or w.version >= shown.version:
                self.detail.update_withdrawal(w)
                self.lease.update(w)
                left = self.lease.seconds_left() if self.lease.held_id == w.id else None
                self.detail.set_lease_left(left)
            if open_row is not None and self.model.row_of(w.id) is None:
                if self._own_decision != w.id:
                    self.view.set_vacated_row(open_row)
                    if live:
                        self.detail.message.show_message(
                            f"{w.id} left the queue: it is {status_label(w.status).lower()} now "
                            f"({self._who_changed(w)}). J/K moves on.",
                            Level.INFO,
                        )
                else:
                    self._vacated = open_row
        self._update_actions()

    def _who_changed(self, w: Withdrawal) -> str:
        by = f" by {w.decided_by_name}" if w.decided_by_name else ""
        if w.status == WithdrawalStatus.REJECTED:
            reason = self.lookups.reason_label(w.reject_reason_code or "")
            return f"{by.strip() + ', ' if by else ''}reason: {reason}"
        if w.status == WithdrawalStatus.PAID:
            return f"PSP reference {w.psp_reference or '—'}"
        if w.status == WithdrawalStatus.FAILED:
            return w.failure_reason or "the PSP gave no reason"
        if w.decided_by_name:
            return f"approval completed by {w.decided_by_name}"
        if w.approvals:
            return f"approved by {', '.join(a.staff_name for a in w.approvals)}"
        return "changed by a colleague or the payment system"

    # -- the open item -----------------------------------------------------------------------------

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._applying or not current.isValid():
            return
        if self.model.id_at(current.row()) != self.open_id:
            self._open_timer.start()

    def _open_current(self) -> None:
        withdrawal_id = self.view.current_id()
        if withdrawal_id is None or withdrawal_id == self.open_id:
            return
        if self.lease.held_id and self.lease.held_id != withdrawal_id:
            self.lease.release()  # leaving an item gives its claim back
        self.open_id = withdrawal_id
        self.detail.show_loading(withdrawal_id)
        self._update_actions()
        self.ctx.tasks.latest(
            self,
            "open",
            self._fetch_item(withdrawal_id),
            on_result=self._item_loaded,
            on_error=self._item_failed,
        )

    async def _fetch_item(self, withdrawal_id: str) -> tuple[Withdrawal, WithdrawalContext | None, str]:
        w = await self.service.fetch(withdrawal_id)
        try:
            return w, await self.service.context(withdrawal_id), ""
        except ApiError as exc:  # the withdrawal alone is still worth showing
            return w, None, exc.user_message

    def _item_loaded(self, result: tuple[Withdrawal, WithdrawalContext | None, str]) -> None:
        w, context, problem = result
        if w.id != self.open_id:
            return
        self.detail.show_item(w, context)
        if problem:
            self.detail.show_context_error(f"The player's context could not be loaded: {problem}")
        self.apply_changes([w])
        if held_by(w, self.service.me):
            self.lease.hold(w)
        pending, self._pending_action = self._pending_action, None
        if pending is not None:
            self._decide(pending)

    def _item_failed(self, error: ApiError) -> None:
        self._pending_action = None
        self.detail.message.show_message(f"{self.open_id}: {error.user_message}", Level.ERROR)

    # -- actions -----------------------------------------------------------------------------------

    def _open_item(self) -> Withdrawal | None:
        w = self.detail.withdrawal
        return w if w is not None and w.id == self.open_id == self.view.current_id() else None

    def claim(self) -> None:
        w = self._open_item()
        if w is not None and self.claim_action.isEnabled():
            self.actions_.claim(w)

    def release(self) -> None:
        w = self._open_item()
        if w is not None and self.release_action.isEnabled():
            if self.lease.held_id == w.id:
                self.lease.drop()
            self.actions_.release(w)

    def approve(self) -> None:
        self._decide(Action.APPROVE)

    def reject(self) -> None:
        self._decide(Action.REJECT)

    def _decide(self, action: Action) -> None:
        if not self.can_decide or not self.ctx.online or self.actions_.dialog is not None:
            return
        rows = self.view.selected_rows()
        if len(rows) > 1:
            refs = [self._ref(row) for row in rows]
            self.actions_.decide_many(action, refs)
            return
        w = self._open_item()
        if w is None:
            # The cursor just moved: decide once the item is open, on what the user will see.
            self._pending_action = action
            self._open_timer.start(0)
            return
        if w.status in DECIDABLE:
            self._own_decision = w.id
            self.actions_.decide(action, w)

    def _ref(self, row: int) -> ItemRef:
        store = self.model.store
        return ItemRef.from_store(store, store.slot_of[self.model.id_at(row) or ""], self.lookups.money)

    def _claimed(self, w: Withdrawal) -> None:
        if w.id == self.open_id:
            self.lease.hold(w)

    def _decided(self, withdrawal_id: str) -> None:
        if self.lease.held_id == withdrawal_id:
            self.lease.drop()  # the server released it with the decision
        row = self.model.row_of(withdrawal_id)
        vacated, self._vacated = self._vacated, None
        self._own_decision = None
        if row is not None:
            self.view.select_row(min(row + 1, self.model.rowCount() - 1))
        elif vacated is not None and self.model.rowCount():
            self.view.select_row(min(vacated, self.model.rowCount() - 1))
        self.view.setFocus()

    def _select_ids(self, ids: list[str]) -> None:
        self.view.select_ids(ids)

    def _lease_lost(self, withdrawal_id: str, why: str) -> None:
        self.detail.message.show_message(why, Level.WARNING)
        self._update_actions()

    def _online_changed(self, online: bool) -> None:
        if not online:
            self.detail.message.show_message(
                "Offline: claiming, approving and rejecting are disabled until the connection is back. "
                "Nothing is queued.",
                Level.WARNING,
            )
        elif self.detail.message.level is Level.WARNING:
            self.detail.message.hide()
        self._update_actions()

    def _update_actions(self) -> None:
        state = action_state(
            self._open_item(),
            self.service.me,
            online=self.ctx.online,
            many=len(self.view.selected_rows()) > 1,
            can_break=self.can_break,
            now=datetime.now(UTC),
        )
        self.claim_action.setEnabled(state.claim)
        self.approve_action.setEnabled(state.approve)
        self.reject_action.setEnabled(state.reject)
        self.release_action.setEnabled(state.release)

    def _filter_changed(self, f: QueueFilter) -> None:
        keep = self.view.current_id()
        self.model.set_filter(f)
        if keep is not None:
            self.view.select_id(keep)
        self._show_counts(self.model.store.open_counts())

    def _show_counts(self, counts: dict[str, int]) -> None:
        parts = [f"{status_label(status)} {count:,}" for status, count in counts.items()]
        total = sum(counts.values())
        shown = self.model.rowCount()
        suffix = f"  ·  showing {shown:,} of {total:,}" if shown != total else f"  ·  {total:,} open"
        self.counts.setText("  ·  ".join(parts) + suffix)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # Side by side when the dock is wide, queue above detail when it is narrow: a dock shares
        # the window with others, and a squeezed detail column is harder to read than a shorter
        # one. The proportions are reset only when the arrangement flips.
        wide = self.width() >= SIDE_BY_SIDE_MIN_WIDTH
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if orientation != self.splitter.orientation() or not self._sized:
            self._sized = True
            self.splitter.setOrientation(orientation)
            total = self.width() if wide else self.height()
            first = total * 3 // 5 if wide else total // 2
            self.splitter.setSizes([first, max(total - first, 1)])

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Watch the main window, not just this widget's window: a floating dock is a window of
        # its own, and it may stay up while the main window closes.
        root: QWidget = self
        while (parent := root.parentWidget()) is not None:
            root = parent
        if root is not self and root is not self._watched_root:
            root.installEventFilter(self)
            self._watched_root = root

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._watched_root and event.type() in (QEvent.Type.Close, QEvent.Type.Hide):
            self._give_back_claim()
        return False

    def hideEvent(self, event: QHideEvent) -> None:
        if not self.window().isVisible():  # this panel's own window closed (not a tabbed dock)
            self._give_back_claim()
        super().hideEvent(event)

    def _give_back_claim(self) -> None:
        """The app is closing: give the claim back now rather than leave a colleague waiting
        for the lease to run out. A dock merely tabbed away keeps its claim."""
        if self.lease.held_id:
            self.lease.release()

"""One ticket: facts, state changes, conversation with a draft-keeping composer, links, files.

Every change is sent with the version on screen. A 412 shows the current ticket and says, in the
message line above the tabs, who changed it, when and what (field by field, then the links and
comments once the thread is reloaded); nothing is retried behind the user's back, and what the
handler typed stays where it was (the composer and its draft, or the still-open action dialog).
Live events for the ticket on screen update it in place and say so too, so a colleague's change
never goes unseen.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.disputes import Dispute, DisputeLink
from bo_desktop.contract.enums import DisputePriority, DisputeStatus, Permission
from bo_desktop.contract.reference import ReferenceDataset, StaffMember
from bo_desktop.core.api.errors import ApiError
from bo_desktop.core.context import AppContext
from bo_desktop.widgets.labels import mute, plain_label
from bo_desktop.widgets.naming import named

from . import ticket_actions
from .conflict import author, conflict_text, current_of, thread_changes
from .conversation import Composer, ConversationView
from .domain import RESOLVABLE, STATUS_LABELS, TRANSITIONS, changes
from .drafts import DraftStore
from .errors import explain
from .service import DisputeService, Thread
from .thread_models import attachments_model, links_model
from .ticket_header import TicketHeader

# Button text for a status move, by (from, to): the words a handler uses, not the state names.
MOVE_LABELS: dict[tuple[str, str], str] = {
    ("new", "open"): "Start work",
    ("waiting_on_player", "open"): "Player answered",
    ("escalated", "open"): "De-escalate",
    ("resolved", "open"): "Reopen",
}
MESSAGE_STYLES = {
    "info": "",
    "error": "color: #c62828;",
    # A colleague's change: a banner that stands out without shouting (readable on dark themes).
    "conflict": (
        "QLabel { background: rgba(255, 193, 7, 0.18); border: 1px solid rgba(255, 160, 0, 0.7);"
        " border-radius: 4px; padding: 6px 8px; }"
    ),
}
TARGET_LABELS = {
    "open": "Open",
    "waiting_on_player": "Wait for player",
    "escalated": "Escalate",
    "closed": "Close",
}


def _table(name: str) -> QTableView:
    table = named(QTableView(), name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class TicketView(QWidget):
    #: A ticket changed through this view (the inbox updates its row).
    ticket_changed = Signal(object)
    #: The drafts on disk changed (the inbox marks tickets with drafts).
    drafts_changed = Signal()

    def __init__(self, ctx: AppContext, service: DisputeService, drafts: DraftStore) -> None:
        super().__init__()
        self.setObjectName("disputeTicket")
        self.ctx = ctx
        self.service = service
        self.drafts = drafts
        self.ticket: Dispute | None = None
        self.thread_data: Thread | None = None
        self.can_write = ctx.can(Permission.DISPUTES_WRITE)
        self.can_approve = ctx.can(Permission.DISPUTES_APPROVE_COMPENSATION)

        self.header = TicketHeader()
        self.header.open_player.connect(ctx.requests.open_player)
        self.header.priority_chosen.connect(self._priority_chosen)
        self.header.assign_clicked.connect(lambda: ticket_actions.assign(self))
        self.moves = QHBoxLayout()
        self.move_buttons: dict[str, QPushButton] = {}
        for target in ("open", "waiting_on_player", "escalated", "closed"):
            button = named(QPushButton(TARGET_LABELS[target]), f"move_{target}")
            button.clicked.connect(lambda _c=False, t=target: self.change_status(DisputeStatus(t)))
            self.move_buttons[target] = button
            self.moves.addWidget(button)
        self.resolve_button = named(QPushButton("Resolve…"), "actionResolve")
        self.resolve_button.clicked.connect(lambda: ticket_actions.resolve(self))
        self.approve_button = named(QPushButton("Approve compensation"), "actionApprove")
        self.approve_button.clicked.connect(lambda: ticket_actions.approve(self))
        self.moves.addWidget(self.resolve_button)
        self.moves.addWidget(self.approve_button)
        self.moves.addStretch(1)
        self.message = named(plain_label(wrap=True), "ticketMessage")
        self.message.hide()
        self.read_only = mute(
            plain_label("Read only: your role can view dispute tickets but not change them.")
        )
        self.read_only.setVisible(not self.can_write)

        self.conversation = ConversationView()
        self.composer = Composer()
        self.composer.setVisible(self.can_write)
        self.composer.draft_changed.connect(self._save_draft)
        self.composer.send_requested.connect(self._send_comment)
        talk = QWidget()
        talk_layout = QVBoxLayout(talk)
        talk_layout.addWidget(self.conversation, 1)
        talk_layout.addWidget(self.composer)
        self.links = links_model(self)
        self.links_table = _table("ticketLinks")
        self.links_table.setModel(self.links)
        self.links_table.doubleClicked.connect(lambda _i: self._open_link())
        self.link_button = named(QPushButton("Link…"), "linkAdd")
        self.link_button.clicked.connect(lambda: ticket_actions.link(self))
        self.unlink_button = named(QPushButton("Unlink"), "linkRemove")
        self.unlink_button.clicked.connect(self._unlink)
        self.open_link_button = named(QPushButton("Open"), "linkOpen")
        self.open_link_button.setToolTip("Open the player this item belongs to (Enter)")
        self.open_link_button.clicked.connect(self._open_link)
        links_page = QWidget()
        link_buttons = QHBoxLayout()
        for button in (self.link_button, self.unlink_button, self.open_link_button):
            link_buttons.addWidget(button)
        link_buttons.addStretch(1)
        links_layout = QVBoxLayout(links_page)
        links_layout.addWidget(self.links_table)
        links_layout.addLayout(link_buttons)
        self.attachments = attachments_model(self)
        self.attachments_table = _table("ticketAttachments")
        self.attachments_table.setModel(self.attachments)
        self.tabs = named(QTabWidget(), "ticketTabs")
        self.tabs.addTab(talk, "Conversation")
        self.tabs.addTab(links_page, "Links")
        self.tabs.addTab(self.attachments_table, "Attachments")

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(self.header)
        layout.addLayout(self.moves)
        layout.addWidget(self.read_only)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)
        self.stack = QStackedWidget()
        empty = mute(plain_label("Select a ticket in the inbox."))
        empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(empty)
        self.stack.addWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)
        QShortcut(QKeySequence("Ctrl+Shift+A"), self, lambda: ticket_actions.assign(self))
        QShortcut(QKeySequence("Ctrl+Shift+R"), self, lambda: ticket_actions.resolve(self))
        ctx.session.online_changed.connect(self._online_changed)
        self._busy = False
        # The 412 being explained: (ticket id, seen, current, action, thread seen, what was kept).
        self._conflict: tuple[str, Dispute, Dispute, str, Thread | None, str] | None = None
        self._update_actions()

    # -- loading -------------------------------------------------------------------------------

    def open_ticket(self, dispute_id: str) -> None:
        if self.ticket is not None and self.ticket.id == dispute_id:
            return
        self.composer.flush()
        self.ticket = None
        self.ctx.tasks.latest(self, "load", self._load(dispute_id), on_error=self._load_failed)

    def reload(self) -> None:
        if self.ticket is not None:
            self.ctx.tasks.latest(self, "load", self._load(self.ticket.id), on_error=self._load_failed)

    async def _load(self, dispute_id: str) -> None:
        ticket = await self.service.ticket(dispute_id)
        thread = await self.service.thread(dispute_id)
        draft = await self.drafts.load(dispute_id)
        first_show = self.ticket is None or self.ticket.id != dispute_id
        self.show_ticket(ticket)
        self.show_thread(thread)
        if first_show:
            self.composer.restore(draft)
            self.say("")
        self.stack.setCurrentIndex(1)

    def _load_failed(self, exc: ApiError) -> None:
        self.say(f"Could not load the ticket: {explain(exc)}", error=True)

    def show_ticket(self, ticket: Dispute) -> None:
        self.ticket = ticket
        self.header.show_ticket(ticket, self.can_write)
        self._update_actions()

    def show_thread(self, thread: Thread) -> None:
        self.thread_data = thread
        self.conversation.set_comments(thread.comments)
        self.links.set_items(thread.links)
        self.attachments.set_items(thread.attachments)
        self.links_table.resizeColumnsToContents()
        self.attachments_table.resizeColumnsToContents()
        self.tabs.setTabText(1, f"Links ({len(thread.links)})")
        self.tabs.setTabText(2, f"Attachments ({len(thread.attachments)})")

    def apply_event(self, current: Dispute) -> None:
        """A live change of some ticket; if it is this one, show it and say what changed."""
        if self.ticket is None or current.id != self.ticket.id or current.version < self.ticket.version:
            return
        newer = current.version > self.ticket.version
        what = [row for row in changes(self.ticket, current) if row[0] != "SLA due"]
        # While our own change is in flight its event may beat the HTTP answer: not news.
        if newer and what and not self._busy:
            who = author(current, self.roles_of)
            summary = "; ".join(f"{label}: {old} → {new}" for label, old, new in what)
            self.say(f"{who} changed this ticket just now — {summary}")
        self.show_ticket(current)
        if newer:
            self.reload_thread()  # links may have changed with the version

    def reload_thread(self) -> None:
        if self.ticket is not None:
            dispute_id = self.ticket.id
            self.ctx.tasks.latest(
                self,
                "thread",
                self.service.thread(dispute_id),
                on_result=lambda t: self._thread_loaded(dispute_id, t),
            )

    def _thread_loaded(self, dispute_id: str, thread: Thread) -> None:
        if self.ticket is not None and self.ticket.id == dispute_id:
            self.show_thread(thread)

    def refresh_clock(self) -> None:
        self.header.refresh_clock()

    # -- actions -------------------------------------------------------------------------------

    def run(
        self, label: str, coro: Coroutine[Any, Any, Dispute], after: Callable[[], None] | None = None
    ) -> None:
        """Send one change; on success show the result, on failure explain (412: what changed)."""
        seen, seen_thread = self.ticket, self.thread_data
        self._busy = True
        self._update_actions()
        self.say(f"{label}…")

        def done(result: Dispute) -> None:
            self._busy = False
            self.say("")
            self.show_ticket(result)
            self.ticket_changed.emit(result)
            if after is not None:
                after()

        def failed(exc: ApiError) -> None:
            self._busy = False
            self.handle_failure(label, seen, exc, seen_thread)

        self.ctx.tasks.start(coro, owner=self, on_result=done, on_error=failed)

    def handle_failure(
        self, label: str, seen: Dispute | None, exc: ApiError, seen_thread: Thread | None = None
    ) -> None:
        current = current_of(exc)
        if current is not None and seen is not None and current.id == seen.id:
            self.show_conflict(label, seen, current, seen_thread)
        else:
            self.say(explain(exc), error=True)
        self._update_actions()

    def roles_of(self, staff_id: str) -> list[str]:
        """A colleague's roles from the reference cache (empty when unknown)."""
        member = self.ctx.cache.get(ReferenceDataset.STAFF, staff_id)
        return [str(role) for role in member.roles] if isinstance(member, StaffMember) else []

    def show_conflict(
        self,
        action: str,
        seen: Dispute,
        current: Dispute,
        seen_thread: Thread | None,
        kept: str | None = None,
    ) -> None:
        """A 412: show the current ticket and say who changed what; then reload the thread."""
        if kept is None:
            kept = "Your unsent comment is still in the box below." if self.composer.text.strip() else ""
        self._conflict = (current.id, seen, current, action, seen_thread, kept)
        self.show_ticket(current)
        self.ticket_changed.emit(current)
        self.say(conflict_text(seen, current, action, roles_of=self.roles_of, kept=kept), tone="conflict")
        self.ctx.tasks.latest(
            self, "thread", self.service.thread(current.id), on_result=self._conflict_thread_loaded
        )

    def _conflict_thread_loaded(self, thread: Thread) -> None:
        conflict, self._conflict = self._conflict, None
        if conflict is None or self.ticket is None or self.ticket.id != conflict[0]:
            return
        _id, seen, current, action, seen_thread, kept = conflict
        self.show_thread(thread)
        if seen_thread is None or self.ticket.version != current.version:
            return  # nothing to compare with, or something newer was shown (and said) since
        lines = thread_changes(seen_thread.links, thread.links, seen_thread.comments, thread.comments)
        if lines:
            text = conflict_text(seen, current, action, roles_of=self.roles_of, thread_lines=lines, kept=kept)
            self.say(text, tone="conflict")

    def change_status(self, target: DisputeStatus) -> None:
        if self.ticket is None:
            return
        label = MOVE_LABELS.get((self.ticket.status.value, target.value), TARGET_LABELS[target.value])
        self.run(label, self.service.set_status(self.ticket, target))

    def _priority_chosen(self, priority: str) -> None:
        if self.ticket is not None and priority != self.ticket.priority.value:
            self.run("Change priority", self.service.set_priority(self.ticket, DisputePriority(priority)))

    def selected_link(self) -> DisputeLink | None:
        rows = self.links_table.selectionModel().selectedRows()
        return self.links.item(rows[0].row()) if rows else None

    def _unlink(self) -> None:
        link = self.selected_link()
        if self.ticket is not None and link is not None:
            self.run(f"Unlink {link.target_id}", self.service.unlink(self.ticket, link), after=self.reload)

    def _open_link(self) -> None:
        # Transactions, withdrawals and rounds all belong to the ticket's player: the players
        # feature shows them in the profile; there is no standalone item window to open.
        if self.ticket is not None and self.selected_link() is not None:
            self.ctx.requests.open_player.emit(self.ticket.player_id)

    # -- comments and drafts ---------------------------------------------------------------------

    def hideEvent(self, event: QHideEvent) -> None:
        # Window closing, sign-out, a lost session or the dock hidden: the last keystrokes may
        # still be waiting for the debounce, and the async save would be cancelled with this
        # view's tasks. Write them now.
        pending = self.composer.take_pending()
        if pending is not None and self.ticket is not None:
            self.drafts.save_now(self.ticket.id, *pending)
        super().hideEvent(event)

    def _save_draft(self, text: str, internal: bool) -> None:
        if self.ticket is None:
            return
        dispute_id = self.ticket.id
        work: Coroutine[Any, Any, object] = (
            self.drafts.save(dispute_id, text, internal) if text.strip() else self.drafts.discard(dispute_id)
        )
        self.ctx.tasks.start(work, owner=self, on_result=lambda _r: self._draft_saved())

    def _draft_saved(self) -> None:
        self.composer.draft_saved()
        self.drafts_changed.emit()

    def _send_comment(self, text: str, internal: bool) -> None:
        if self.ticket is None:
            return
        self.composer.sending()
        self.ctx.tasks.start(
            self._send(self.ticket.id, text, internal), owner=self, on_error=self.composer_failed
        )

    async def _send(self, dispute_id: str, text: str, internal: bool) -> None:
        # Reuse the key of an earlier attempt at the same words: if that attempt reached the
        # server (the answer was lost), the server replays it instead of posting twice.
        saved = await self.drafts.load(dispute_id)
        same = saved is not None and saved.text == text and saved.internal == internal and saved.send_key
        key = saved.send_key if same and saved is not None and saved.send_key else str(uuid.uuid4())
        await self.drafts.save(dispute_id, text, internal, send_key=key)
        await self.service.comment(dispute_id, text, internal, key)
        if self.ticket is not None and self.ticket.id == dispute_id:
            self.composer.sent()
        await self.drafts.discard(dispute_id)
        self.drafts_changed.emit()
        if self.ticket is not None and self.ticket.id == dispute_id:
            self.show_thread(await self.service.thread(dispute_id))

    def composer_failed(self, exc: ApiError) -> None:
        self.composer.failed(explain(exc))
        self.drafts_changed.emit()

    # -- state -----------------------------------------------------------------------------------

    def say(self, text: str, *, error: bool = False, tone: str = "info") -> None:
        self.message.setText(text)
        self.message.setStyleSheet(MESSAGE_STYLES["error" if error else tone])
        self.message.setVisible(bool(text))

    def _online_changed(self, online: bool) -> None:
        self.composer.set_online(online)
        self._update_actions()
        if not online:
            self.say("Offline: changes are disabled until the connection is back. Drafts are kept.")

    def _update_actions(self) -> None:
        d = self.ticket
        usable = self.can_write and self.ctx.online and not self._busy and d is not None
        status = d.status.value if d is not None else "closed"
        resolution = d.resolution if d is not None else None
        awaiting = resolution is not None and resolution.needs_approval and not resolution.approved_by
        for target, button in self.move_buttons.items():
            allowed = target in TRANSITIONS[status]
            blocked = target == "closed" and awaiting  # the server would refuse it (409)
            button.setVisible(self.can_write and allowed)
            button.setEnabled(usable and allowed and not blocked)
            button.setText(MOVE_LABELS.get((status, target), TARGET_LABELS[target]))
            button.setToolTip("A manager must approve the compensation first." if blocked else "")
        self.resolve_button.setVisible(self.can_write and status in RESOLVABLE)
        self.resolve_button.setEnabled(usable and status in RESOLVABLE)
        self.approve_button.setVisible(self.can_approve and awaiting)
        self.approve_button.setEnabled(self.ctx.online and not self._busy)
        editable = usable and status != "closed"
        for button in (self.link_button, self.unlink_button):
            button.setVisible(self.can_write)
            button.setEnabled(editable)
        self.header.assign.setEnabled(editable and status != "resolved")
        self.composer.setEnabled(status != "closed")
        self.header.priority.setEnabled(editable)
        if d is not None:
            self.setToolTip(f"{d.id}: {STATUS_LABELS.get(d.status, d.status)}")

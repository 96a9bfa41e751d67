"""One player's profile: header, actions and the sections as tabs.

Opening a profile asks for two things at once — the player (header, KPIs) and the first page of
transactions — and nothing else; the other sections load when their tab is first shown. Actions
the user's roles do not allow are not offered; while offline they are disabled.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.enums import Permission
from bo_desktop.contract.events import ServerEvent
from bo_desktop.contract.player_limits import RgLimitChange
from bo_desktop.contract.players import KycDocument, Note, PlayerDetail
from bo_desktop.core.api.errors import ApiError
from bo_desktop.core.context import AppContext
from bo_desktop.widgets.labels import mute, plain_label
from bo_desktop.widgets.naming import named

from .dialogs import FlagDialog, KycRequestDialog, LimitDialog, NoteDialog, PlayerActionDialog, StatusDialog
from .format import day, when, words
from .header import PlayerHeader
from .sections import OverviewSection, PagedSection, RecordsSection, TransactionsSection
from .service import PlayersService, new_intent_key

# (section, tab title, permission needed beyond players.read)
SECTIONS: tuple[tuple[str, str, Permission | None], ...] = (
    ("sessions", "Sessions", None),
    ("kyc", "KYC", None),
    ("limits", "Limits", None),
    ("bonuses", "Bonuses", None),
    ("loyalty", "Loyalty", None),
    ("alerts", "Alerts", Permission.ALERTS_READ),
    ("disputes", "Disputes", Permission.DISPUTES_READ),
    ("notes", "Notes", None),
    ("audit", "Audit trail", None),
)


class PlayerProfileView(QWidget):
    header_shown = Signal()  # the player arrived and the header shows it

    def __init__(self, ctx: AppContext, service: PlayersService, player_id: str) -> None:
        super().__init__()
        self.setObjectName(f"playerProfile.{player_id}")
        self.ctx = ctx
        self.service = service
        self.player_id = player_id
        self.player: PlayerDetail | None = None
        self.dialog: PlayerActionDialog | None = None

        self.header = PlayerHeader(ctx.cache)
        self.header.name.setText(player_id)
        self.toolbar = named(QToolBar("Player actions"), "playerActions")
        self.actions_by_name: dict[str, QAction] = {}
        self._action("actionRefresh", "Refresh", "F5", self.refresh, None)
        self._action("actionAddNote", "Add note…", "Ctrl+Shift+N", self.add_note, Permission.PLAYERS_WRITE)
        self._action(
            "actionChangeStatus", "Change status…", None, self.change_status, Permission.PLAYERS_STATUS
        )
        self._action("actionSetLimit", "Set limit…", None, self.set_limit, Permission.PLAYERS_LIMITS)
        self._action("actionFlag", "Flag for review…", None, self.flag, Permission.PLAYERS_WRITE)
        self._action(
            "actionRequestKyc", "Request KYC document…", None, self.request_kyc, Permission.KYC_REVIEW
        )
        self.result = named(plain_label(wrap=True), "playerActionResult")
        self.result.hide()

        self.tabs = named(QTabWidget(), "playerSections")
        self.overview = OverviewSection(ctx)
        self.tabs.addTab(self.overview, "Overview")
        self.sections: dict[str, PagedSection] = {}
        if ctx.can(Permission.TRANSACTIONS_READ):
            self.sections["transactions"] = TransactionsSection(ctx, service, player_id)
            self.tabs.addTab(self.sections["transactions"], "Transactions")
        for section, title, permission in SECTIONS:
            if permission is not None and not ctx.can(permission):
                continue
            extra = self._notes_bar() if section == "notes" else None
            self.sections[section] = RecordsSection(ctx, service, player_id, section, extra=extra)
            self.tabs.addTab(self.sections[section], title)
        self.tabs.currentChanged.connect(self._tab_shown)
        if "notes" in self.sections:
            notes = self.sections["notes"]
            notes.table.selectionModel().currentRowChanged.connect(self._note_selected)
            notes.layout().addWidget(self.note_text)  # type: ignore[union-attr]
            notes.loaded.connect(lambda: self.overview.show_pinned(notes.model.items()))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.result)
        layout.addWidget(self.tabs, 1)

        ctx.events.subscribe("player.updated", self._on_event, owner=self)
        ctx.events.reset.connect(self._events_lost)
        ctx.session.online_changed.connect(self._update_actions)
        self._update_actions()
        self.refresh()
        if "transactions" in self.sections:
            self.sections["transactions"].reload()
        if "notes" in self.sections:
            self.sections["notes"].reload()  # pinned notes belong on the overview

    # -- building ------------------------------------------------------------------------------

    def _action(
        self, name: str, text: str, shortcut: str | None, slot: Any, permission: Permission | None
    ) -> None:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            # Several profiles share a window: the shortcut acts on the one holding the focus.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        # A user without the permission never sees the action (the server would refuse it anyway).
        action.setVisible(permission is None or self.ctx.can(permission))
        self.addAction(action)
        self.toolbar.addAction(action)
        self.actions_by_name[name] = action

    def _notes_bar(self) -> QWidget:
        bar = QWidget()
        row = QHBoxLayout(bar)
        row.setContentsMargins(0, 0, 0, 0)
        add = named(QPushButton("Add note…"), "notesAdd")
        add.clicked.connect(self.add_note)
        self.pin_button = named(QPushButton("Pin / unpin"), "notesPin")
        self.pin_button.clicked.connect(self.toggle_pin)
        can_write = self.ctx.can(Permission.PLAYERS_WRITE)
        add.setVisible(can_write)
        self.pin_button.setVisible(can_write)
        row.addWidget(add)
        row.addWidget(self.pin_button)
        row.addStretch(1)
        row.addWidget(mute(plain_label("Notes are permanent: correct one by adding another.")))
        self.note_text = named(QPlainTextEdit(), "noteText")  # plain text: notes quote players
        self.note_text.setReadOnly(True)
        self.note_text.setMaximumHeight(110)
        self.note_text.setPlaceholderText("Select a note to read it in full.")
        return bar

    # -- loading -------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.ctx.tasks.latest(
            self,
            "detail",
            self.service.player(self.player_id),
            on_result=self.show_player,
            on_error=self._detail_failed,
        )

    def show_player(self, player: PlayerDetail) -> None:
        if self.player is not None and player.version < self.player.version:
            return  # an older answer overtaken by an event or an action
        first = self.player is None
        self.player = player
        self.header.show_player(player)
        self.overview.show_player(player)
        self._update_actions()
        self.actions_by_name["actionFlag"].setText(
            "Remove review flag…" if player.flagged_for_review else "Flag for review…"
        )
        if first:
            self.header_shown.emit()

    def _detail_failed(self, exc: ApiError) -> None:
        self._report(f"Could not load {self.player_id}: {exc.user_message}", error=True)

    def _tab_shown(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if isinstance(widget, PagedSection):
            widget.ensure_loaded()

    def _on_event(self, event: ServerEvent) -> None:
        if event.data.get("id") != self.player_id:
            return
        try:
            self.show_player(PlayerDetail.model_validate(event.data))
        except ValueError:
            self.refresh()

    def _events_lost(self) -> None:
        """The event stream had a gap: what is shown may be stale, so load it again."""
        self.refresh()
        for section in self.sections.values():
            if section.started:
                section.reload()

    def _update_actions(self, *_args: object) -> None:
        online = self.ctx.online and self.player is not None
        for name, action in self.actions_by_name.items():
            if name != "actionRefresh":
                action.setEnabled(online)
        if hasattr(self, "pin_button"):
            self.pin_button.setEnabled(online)

    # -- actions -------------------------------------------------------------------------------

    def _open(self, dialog: PlayerActionDialog) -> PlayerActionDialog:
        self.dialog = dialog
        dialog.setParent(self, dialog.windowFlags())
        dialog.open()
        return dialog

    def add_note(self) -> PlayerActionDialog | None:
        if self.player is None:
            return None
        return self._open(NoteDialog(self.ctx, self.service, self.player, self._done))

    def change_status(self) -> PlayerActionDialog | None:
        if self.player is None:
            return None
        return self._open(StatusDialog(self.ctx, self.service, self.player, self._done))

    def flag(self) -> PlayerActionDialog | None:
        if self.player is None:
            return None
        return self._open(FlagDialog(self.ctx, self.service, self.player, self._done))

    def request_kyc(self) -> PlayerActionDialog | None:
        if self.player is None:
            return None
        return self._open(KycRequestDialog(self.ctx, self.service, self.player, self._done))

    def set_limit(self) -> PlayerActionDialog | None:
        if self.player is None:
            return None
        limits_section = self.sections["limits"]
        limits = limits_section.model.items() if limits_section.started else []
        dialog = LimitDialog(self.ctx, self.service, self.player, self._done, limits=limits)
        if not limits_section.started:
            # The dialog needs the active limits to say "applies now" or "waits"; fetch them.
            self.ctx.tasks.start(
                self.service.limits(self.player_id),
                owner=dialog,
                on_result=lambda items: _give_limits(dialog, items),
            )
        return self._open(dialog)

    def toggle_pin(self) -> None:
        notes = self.sections.get("notes")
        if notes is None or self.player is None:
            return
        rows = notes.table.selectionModel().selectedRows()
        if not rows:
            self._report("Select a note to pin or unpin.", error=True)
            return
        note: Note = notes.model.item(rows[0].row())
        self.ctx.tasks.start(
            self.service.pin_note(
                self.player_id, self.player.version, note.id, not note.pinned, new_intent_key()
            ),
            owner=self,
            on_result=self._done,
            on_error=lambda exc: self._report(f"Could not change the pin: {exc.user_message}", error=True),
        )

    def _done(self, result: Any) -> None:
        """After an action (or a 412's current state): show the server's answer."""
        if isinstance(result, PlayerDetail):
            self.show_player(result)
            if self.dialog is not None and self.dialog.result() == 0 and self.dialog.isVisible():
                return  # a 412 refresh behind an open dialog, not a completed action
            self._report(
                f"{result.id} is now {result.status.value.replace('_', ' ')}"
                + (", flagged for review." if result.flagged_for_review else ".")
            )
            self._reload("audit")
        elif isinstance(result, KycDocument):
            self._report(f"{words(result.kind)} requested from {self.player_id}.")
            self._reload("kyc", force=True)
            self._reload("audit")
        elif isinstance(result, Note):
            self._report(f"Note {'pinned' if result.pinned else 'saved'} on {self.player_id}.")
            self._reload("notes", force=True)
            self._reload("audit")
        elif isinstance(result, RgLimitChange):
            what = (
                "applies now"
                if result.applied_now
                else (
                    f"is pending: it takes effect on {day(result.effective_at)} "
                    f"({when(result.effective_at)}) after the {result.cooling_off_hours} h cooling-off"
                )
            )
            self._report(f"Limit set. The new {result.limit.kind.value.replace('_', ' ')} limit {what}.")
            self.sections["limits"].model.reset_items(result.limits)
            self.sections["limits"].started = True
            if self.player is not None:  # the next action must carry the version the server moved to
                self.player = self.player.model_copy(update={"version": result.player_version})
            self.refresh()
            self._reload("audit")

    def _reload(self, section: str, *, force: bool = False) -> None:
        widget = self.sections.get(section)
        if widget is not None and (widget.started or force):
            widget.reload()

    def _report(self, text: str, *, error: bool = False) -> None:
        self.result.setStyleSheet("color: #c62828;" if error else "color: #2e7d32;")
        self.result.setText(text)
        self.result.show()

    def _note_selected(self, current: Any, _previous: Any) -> None:
        notes = self.sections["notes"]
        if current.isValid():
            note: Note = notes.model.item(current.row())
            self.note_text.setPlainText(f"{note.author_name}, {when(note.created_at)}\n\n{note.body}")


def _give_limits(dialog: LimitDialog, limits: list[Any]) -> None:
    dialog.limits = limits
    dialog._update_hint()

"""The "Player profiles" dock: open profiles as closable tabs, several at once.

It answers ``ctx.requests.open_player`` — from the search dock and from any other panel — by
showing that player's tab (opening it if needed) and raising its own dock. Ctrl+W closes the
current profile; Ctrl+Tab / Ctrl+Shift+Tab move between them (QTabWidget's own keys).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDockWidget, QMainWindow, QStackedLayout, QTabWidget, QWidget

from bo_desktop.core.context import AppContext
from bo_desktop.widgets.labels import mute, plain_label
from bo_desktop.widgets.naming import named

from .profile import PlayerProfileView
from .service import PlayersService

MAX_OPEN = 20  # beyond this the oldest tab closes: each profile holds its pages in memory


class PlayerProfilesPanel(QWidget):
    def __init__(self, ctx: AppContext, service: PlayersService | None = None) -> None:
        super().__init__()
        self.setObjectName("playerProfilesPanel")
        self.ctx = ctx
        self.service = service or PlayersService(ctx.api)
        self.tabs = named(QTabWidget(), "playerProfileTabs")
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.empty = mute(
            named(
                plain_label(
                    "No profile open. Search in the Players panel and press Enter, "
                    "or open a player from any list."
                ),
                "playerProfilesEmpty",
            )
        )
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self.empty)
        self._stack.addWidget(self.tabs)
        close = QShortcut(QKeySequence("Ctrl+W"), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        close.activated.connect(lambda: self.close_tab(self.tabs.currentIndex()))
        ctx.requests.open_player.connect(self.open_player)

    def profile(self, player_id: str) -> PlayerProfileView | None:
        for index in range(self.tabs.count()):
            widget = self.tabs.widget(index)
            if isinstance(widget, PlayerProfileView) and widget.player_id == player_id:
                return widget
        return None

    def open_player(self, player_id: str) -> PlayerProfileView:
        player_id = player_id.strip().upper()
        view = self.profile(player_id)
        if view is None:
            if self.tabs.count() >= MAX_OPEN:
                self.close_tab(0)
            view = PlayerProfileView(self.ctx, self.service, player_id)
            view.header_shown.connect(lambda v=view: self._retitle(v))
            self.tabs.addTab(view, player_id)
        self.tabs.setCurrentWidget(view)
        self._stack.setCurrentWidget(self.tabs)
        self._raise_dock()
        view.tabs.setFocus()
        return view

    def _retitle(self, view: PlayerProfileView) -> None:
        index = self.tabs.indexOf(view)
        if index >= 0 and view.player is not None:
            self.tabs.setTabText(index, f"{view.player.first_name} {view.player.last_name}")
            self.tabs.setTabToolTip(index, view.player_id)

    def close_tab(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if widget is None:
            return
        self.tabs.removeTab(index)
        widget.deleteLater()  # cancels its requests (TaskRunner owner) and event subscription
        if self.tabs.count() == 0:
            self._stack.setCurrentWidget(self.empty)

    def _raise_dock(self) -> None:
        # The shell raises the search dock for open_player; the profile is what the user asked
        # to see, so this dock raises itself afterwards (its slot runs after the shell's).
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QDockWidget):
            parent = parent.parentWidget()
        if parent is not None:
            parent.show()
            parent.raise_()
            window = parent.parentWidget()
            # A profile needs room: a docked profiles dock squeezed beside (or between) other
            # panels grows to most of the window; the user's own larger size is left alone.
            if isinstance(window, QMainWindow) and not parent.isFloating():
                if parent.width() < 900:
                    wanted = max(900, int(window.width() * 0.62))
                    window.resizeDocks([parent], [wanted], Qt.Orientation.Horizontal)
                if parent.height() < 520:
                    wanted = max(520, int(window.height() * 0.7))
                    window.resizeDocks([parent], [wanted], Qt.Orientation.Vertical)

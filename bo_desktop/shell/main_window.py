"""The main window: environment banner, home page, feature docks, menus and status bar.

Docks come from the :class:`~bo_desktop.core.docks.DockRegistry`; one is built only when the
signed-in user holds the spec's permission. Their objectNames are ``dock.<id>`` so
``saveState``/``restoreState`` find them again; the layout is saved per user + server (a payments
officer and a manager sharing a PC keep their own arrangements).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QByteArray, QSize, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QGuiApplication, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QMainWindow,
    QMenu,
    QMenuBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from bo_desktop.contract.enums import Role
from bo_desktop.core.api.observers import ConnectionState
from bo_desktop.core.context import AppContext
from bo_desktop.core.docks import DockRegistry, DockSpec
from bo_desktop.core.settings import ThemeOverride
from bo_desktop.shell.banner import EnvironmentBanner
from bo_desktop.shell.help_dialogs import AboutDialog, ShortcutsDialog
from bo_desktop.shell.home import HomeView
from bo_desktop.shell.status_bar import ShellStatusBar
from bo_desktop.shell.theme import ThemeManager
from bo_desktop.widgets.naming import named

log = logging.getLogger(__name__)

ErrorSink = Callable[[BaseException], None]


class MainWindow(QMainWindow):
    #: The user closed the window (after the layout was saved): the app shuts down.
    closing = Signal()
    #: File → Sign out: the app closes this window, ends the session and asks for a sign-in.
    sign_out_requested = Signal()

    def __init__(
        self,
        ctx: AppContext,
        registry: DockRegistry,
        theme: ThemeManager,
        report_error: ErrorSink,
        *,
        reset_layout: bool = False,
    ) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.ctx = ctx
        self._theme = theme
        self._report_error = report_error
        self.docks: dict[str, QDockWidget] = {}
        self.panels: dict[str, QWidget] = {}
        self._primary_for: dict[str, frozenset[Role]] = {}
        self._dock_defaults: dict[str, bool] = {}
        self._first_dock_in_area: dict[Qt.DockWidgetArea, QDockWidget] = {}
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
        )

        # Banner under the menu bar, spanning the whole window (docks included), not just the
        # central area, and not hideable from a toolbar context menu.
        self.banner = EnvironmentBanner(ctx.server)
        self.menu_bar = named(QMenuBar(), "menuBar")
        top = named(QWidget(), "windowTop")
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.setSpacing(0)
        top_layout.addWidget(self.menu_bar)
        top_layout.addWidget(self.banner)
        self.setMenuWidget(top)

        allowed = registry.allowed(ctx.me.permissions)
        self.home = HomeView(ctx.me, allowed)
        self.home.open_panel_requested.connect(self.show_dock)
        self.setCentralWidget(self.home)

        self.status = ShellStatusBar(theme.colors)
        self.setStatusBar(self.status)
        self.status.set_user(ctx.me)
        # Bound slots rather than lambdas on these session-long signals: a lambda holding the
        # window would keep it alive after it closes (and leave it to the cyclic gc).
        theme.changed.connect(self._theme_changed)
        ctx.notifier.notified.connect(self.status.show_notification)
        ctx.session.me_changed.connect(self.status.set_user)
        ctx.requests.open_player.connect(self._show_players)
        ctx.requests.open_segment.connect(self._show_players)

        self._build_menus()
        for spec in allowed:
            self._add_dock(spec)
        self._raise_primary_docks(allowed)
        self._update_title()

        # What "Reset layout" returns to: the registry's arrangement, before any saved state.
        self.resize(self._default_size())
        self._default_state: QByteArray = self.saveState()
        if reset_layout:
            ctx.settings.clear_window_layout(ctx.server.url, ctx.me.username)
        # Default proportions are applied once the window has its real size (see showEvent).
        self._needs_default_sizes = not self.restore_layout()

    # -- docks -----------------------------------------------------------------------------------

    def _add_dock(self, spec: DockSpec) -> None:
        try:
            widget = spec.factory(self.ctx)
        except Exception as exc:
            # One broken panel must not keep the back office from opening.
            log.exception("panel %s failed to build", spec.id)
            self._report_error(exc)
            return
        dock = QDockWidget(spec.title, self)
        dock.setObjectName(spec.object_name)
        dock.setWidget(_scroll_when_squeezed(widget, spec))
        self.panels[spec.id] = widget
        self.addDockWidget(spec.area, dock)
        # Default arrangement: panels sharing an area become tabs of the first one. Stacked side
        # by side, their minimum sizes add up to a window wider than most screens.
        first_in_area = self._first_dock_in_area.setdefault(spec.area, dock)
        if first_in_area is not dock:
            self.tabifyDockWidget(first_in_area, dock)
            first_in_area.raise_()
        shown = spec.shown_by_default(self.ctx.me.roles)
        dock.setVisible(shown)
        action = dock.toggleViewAction()
        action.toggled.connect(self._update_home_visibility)
        dock.topLevelChanged.connect(self._update_home_visibility)
        action.setObjectName(f"action.toggle.{spec.id}")
        if spec.shortcut:
            action.setShortcut(QKeySequence(spec.shortcut))
        self.view_menu.insertAction(self._view_separator, action)
        self.docks[spec.id] = dock
        self._dock_defaults[spec.id] = shown
        self._primary_for[spec.id] = spec.primary_for

    def _raise_primary_docks(self, specs: list[DockSpec]) -> None:
        """Raise, in each tab group, the panel that is this role's main workplace."""
        roles = set(self.ctx.me.roles)
        for spec in specs:
            dock = self.docks.get(spec.id)
            if dock is not None and roles & spec.primary_for:
                dock.raise_()

    def _size_default_docks(self) -> None:
        """Give the work area the room: KPI strips and side panels get their preferred size only."""
        width, height = self.width(), self.height()
        docks, sizes = [], []
        for dock in self.docks.values():
            area = self.dockWidgetArea(dock)
            if area in (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea):
                share = 0.3 if area == Qt.DockWidgetArea.LeftDockWidgetArea else 0.7
                docks.append(dock)
                sizes.append(int(width * share))
        if docks:
            self.resizeDocks(docks, sizes, Qt.Orientation.Horizontal)
        docks, sizes = [], []
        roles = set(self.ctx.me.roles)
        for spec_id, dock in self.docks.items():
            area = self.dockWidgetArea(dock)
            if area in (Qt.DockWidgetArea.TopDockWidgetArea, Qt.DockWidgetArea.BottomDockWidgetArea):
                docks.append(dock)
                if roles & self._primary_for.get(spec_id, frozenset()):
                    sizes.append(int(height * 0.55))  # e.g. a manager's live charts
                else:
                    sizes.append(min(dock.widget().sizeHint().height(), int(height * 0.3)))
        if docks:
            self.resizeDocks(docks, sizes, Qt.Orientation.Vertical)

    def _update_home_visibility(self) -> None:
        """The home page shows only when no panel is docked: it must not squeeze the work."""
        docked = any(
            dock.toggleViewAction().isChecked() and not dock.isFloating() for dock in self.docks.values()
        )
        self.home.setVisible(not docked)

    def panel(self, dock_id: str) -> QWidget:
        """The feature's panel inside dock ``dock_id`` (the dock wraps it in a scroll area)."""
        return self.panels[dock_id]

    def show_dock(self, dock_id: str) -> None:
        dock = self.docks.get(dock_id)
        if dock is not None:
            dock.show()
            dock.raise_()
            self.panels[dock_id].setFocus()

    # -- layout ----------------------------------------------------------------------------------

    def _default_size(self) -> QSize:
        """Most of the screen (people keep this open all day), 1280×800 when the screen is unknown."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return QSize(1280, 800)
        return screen.availableGeometry().size() * 0.92

    def restore_layout(self) -> bool:
        geometry, state = self.ctx.settings.window_layout(self.ctx.server.url, self.ctx.me.username)
        if geometry is not None:
            self.restoreGeometry(geometry)
        return state is not None and self.restoreState(state)

    def save_layout(self) -> None:
        self.ctx.settings.save_window_layout(
            self.ctx.server.url, self.ctx.me.username, self.saveGeometry(), self.saveState()
        )
        self.ctx.settings.sync()

    def reset_layout(self) -> None:
        self.restoreState(self._default_state)
        for spec_id, dock in self.docks.items():
            dock.setFloating(False)
            dock.setVisible(self._dock_defaults.get(spec_id, True))
        self._size_default_docks()
        self.ctx.settings.clear_window_layout(self.ctx.server.url, self.ctx.me.username)
        self.ctx.notifier.info("Layout reset to the default arrangement.")

    # -- menus -----------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menu_bar.addMenu("&File")
        file_menu.setObjectName("menuFile")
        # Shared desks: leave without quitting, so the next person signs in as themselves.
        self.sign_out_action = named(QAction("Sign &out", self), "action.signOut")
        self.sign_out_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.sign_out_action.setStatusTip("End your session and show the sign-in dialog")
        self.sign_out_action.triggered.connect(self._request_sign_out)
        file_menu.addAction(self.sign_out_action)
        file_menu.addSeparator()
        self.quit_action = named(QAction("&Quit", self), "action.quit")
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)

        self.view_menu = self.menu_bar.addMenu("&View")
        self.view_menu.setObjectName("menuView")
        self.home_action = named(QAction("&Home page", self), "action.home")
        self.home_action.setShortcut(QKeySequence("Ctrl+Home"))
        self.home_action.triggered.connect(self._show_home)
        self.view_menu.addAction(self.home_action)
        self.view_menu.addSeparator()
        # Dock toggles are inserted above this separator as panels are added.
        self._view_separator = self.view_menu.addSeparator()
        self.reset_layout_action = named(QAction("&Reset layout", self), "action.resetLayout")
        self.reset_layout_action.triggered.connect(self.reset_layout)
        self.view_menu.addAction(self.reset_layout_action)

        theme_menu = self.view_menu.addMenu("&Appearance")
        theme_menu.setObjectName("menuAppearance")
        group = QActionGroup(self)
        current = self.ctx.settings.theme
        for value, label in (
            (ThemeOverride.SYSTEM, "Follow &system"),
            (ThemeOverride.LIGHT, "&Light"),
            (ThemeOverride.DARK, "&Dark"),
        ):
            action = named(QAction(label, self, checkable=True), f"action.theme.{value.value}")
            action.setChecked(value is current)
            action.triggered.connect(lambda _=False, v=value: self._set_theme(v))
            group.addAction(action)
            theme_menu.addAction(action)

        help_menu = self.menu_bar.addMenu("&Help")
        help_menu.setObjectName("menuHelp")
        self.shortcuts_action = named(QAction("&Keyboard shortcuts", self), "action.shortcuts")
        self.shortcuts_action.setShortcuts([QKeySequence("F1"), QKeySequence("Ctrl+?")])
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        help_menu.addAction(self.shortcuts_action)
        self.about_action = named(QAction("&About bo-desktop", self), "action.about")
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

    def _request_sign_out(self) -> None:
        self.sign_out_requested.emit()

    def _show_home(self) -> None:
        self.home.show()
        self.home.setFocus()

    def _theme_changed(self, _dark: bool) -> None:
        self.status.set_colors(self._theme.colors)

    def _show_players(self, *_request: object) -> None:
        """Open player / open segment: the request lands in the players panel; show it."""
        self.show_dock("players")

    def _set_theme(self, value: ThemeOverride) -> None:
        self.ctx.settings.theme = value
        self._theme.set_override(value)

    def all_actions(self) -> list[QAction]:
        actions: list[QAction] = []
        for menu_action in self.menu_bar.actions():
            menu = menu_action.menu()
            if not isinstance(menu, QMenu):
                continue
            for action in menu.actions():
                sub = action.menu()
                actions.extend(sub.actions() if isinstance(sub, QMenu) else [action])
        return actions

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self.all_actions(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_about(self) -> AboutDialog:
        dialog = AboutDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # -- state -----------------------------------------------------------------------------------

    def set_connection_state(self, state: ConnectionState) -> None:
        self.status.set_connection_state(state)
        self._update_title()

    def _update_title(self) -> None:
        env = self.ctx.server.environment.value.upper()
        offline = "" if self.status.connection_state is not ConnectionState.OFFLINE else " (offline)"
        self.setWindowTitle(
            f"bo-desktop — {self.ctx.server.name} [{env}]{offline} — {self.ctx.me.display_name}"
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._needs_default_sizes:
            self._needs_default_sizes = False
            self._size_default_docks()

    def show_session_ended(self, message: str) -> None:
        """Say why the window is about to close for a new sign-in (it stays readable meanwhile)."""
        self.sign_out_action.setEnabled(False)
        self.ctx.notifier.error(message, 0)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        event.accept()
        self.closing.emit()


def _scroll_when_squeezed(panel: QWidget, spec: DockSpec) -> QScrollArea:
    """Wrap a panel so a small screen scrolls it instead of pushing the window off the screen.

    A dock's minimum size is its panel's; a dozen panels with toolbars and filter rows add up to a
    window wider and taller than a laptop screen. In a resizable scroll area the panel fills the
    dock whenever it fits and scrolls only when the user makes the dock smaller than that.
    """
    scroller = QScrollArea()
    scroller.setObjectName(f"{spec.object_name}.scroller")
    scroller.setWidgetResizable(True)
    scroller.setFrameShape(QFrame.Shape.NoFrame)
    scroller.setWidget(panel)
    return scroller

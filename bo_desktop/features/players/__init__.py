"""Players: search (the "players" dock) and player profiles (the "player-profiles" dock).

The panels are imported inside the factories so that registering costs nothing at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from bo_desktop.contract.enums import Permission
from bo_desktop.core.docks import DockRegistry, DockSpec

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from bo_desktop.core.context import AppContext


def _search(ctx: AppContext) -> QWidget:
    from .panel import PlayerSearchPanel

    return PlayerSearchPanel(ctx)


def _profiles(ctx: AppContext) -> QWidget:
    from .profiles import PlayerProfilesPanel

    return PlayerProfilesPanel(ctx)


def register(registry: DockRegistry) -> None:
    # "players" is the id the shell raises for ctx.requests.open_player.
    registry.add(
        DockSpec(
            id="players",
            title="Players",
            factory=_search,
            area=Qt.DockWidgetArea.LeftDockWidgetArea,
            permission=Permission.PLAYERS_READ,
            shortcut="Ctrl+1",
        )
    )
    registry.add(
        DockSpec(
            id="player-profiles",
            title="Player profiles",
            factory=_profiles,
            area=Qt.DockWidgetArea.RightDockWidgetArea,
            permission=Permission.PLAYERS_READ,
            shortcut="Ctrl+Shift+1",
        )
    )

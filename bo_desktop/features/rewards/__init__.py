"""Rewards and loyalty (issue 11): bonus template results, granted bonuses, loyalty per tier,
grants to a player or a segment and bonus cancellation (rewards.grant, reason required).

The dock is for those who hand out rewards (rewards.grant: managers); the panel still hides its
grant/cancel buttons without that permission, since its reads need only players.read."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from bo_desktop.contract.enums import Permission
from bo_desktop.core.context import AppContext
from bo_desktop.core.docks import DockRegistry, DockSpec


def _rewards_panel(ctx: AppContext) -> QWidget:
    from .panel import RewardsPanel

    return RewardsPanel(ctx)


def register(registry: DockRegistry) -> None:
    registry.add(
        DockSpec(
            id="rewards",
            title="Rewards",
            factory=_rewards_panel,
            area=Qt.DockWidgetArea.RightDockWidgetArea,
            permission=Permission.REWARDS_GRANT,
            visible_by_default=False,
        )
    )

"""Compliance alerts (AML, responsible gambling, fraud, KYC): the compliance officer's work list.

The dock exists for everyone with ``alerts.read``; AML alerts only for ``alerts.aml`` (the server
leaves them out of lists and events for anyone else). "Open player" goes through
``ctx.requests.open_player``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from bo_desktop.contract.enums import Permission, Role
from bo_desktop.core.context import AppContext
from bo_desktop.core.docks import DockRegistry, DockSpec


def _panel(ctx: AppContext) -> QWidget:
    from .panel import AlertsPanel

    return AlertsPanel(ctx)


def register(registry: DockRegistry) -> None:
    registry.add(
        DockSpec(
            id="alerts",
            title="Alerts",
            factory=_panel,
            area=Qt.DockWidgetArea.RightDockWidgetArea,
            permission=Permission.ALERTS_READ,
            shortcut="Ctrl+5",
            primary_for=frozenset({Role.COMPLIANCE}),
        )
    )

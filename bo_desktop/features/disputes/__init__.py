"""Dispute tickets: inbox with saved views and SLA countdowns, ticket view, create from anywhere.

Other features start a ticket with ``ctx.requests.create_dispute.emit(player_id, link_kind,
link_id)`` and show one with ``ctx.requests.open_dispute.emit(dispute_id)``; the disputes panel
answers both (it exists for everyone with ``disputes.read``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from bo_desktop.contract.enums import Permission, Role
from bo_desktop.core.context import AppContext
from bo_desktop.core.docks import DockRegistry, DockSpec


def _panel(ctx: AppContext) -> QWidget:
    from .panel import DisputesPanel

    return DisputesPanel(ctx)


def register(registry: DockRegistry) -> None:
    registry.add(
        DockSpec(
            id="disputes",
            title="Disputes",
            factory=_panel,
            area=Qt.DockWidgetArea.RightDockWidgetArea,
            permission=Permission.DISPUTES_READ,
            shortcut="Ctrl+4",
            primary_for=frozenset({Role.SUPPORT, Role.MANAGER}),
        )
    )

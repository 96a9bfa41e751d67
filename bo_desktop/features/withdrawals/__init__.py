"""Withdrawal review queue: triage by risk, claim, four-eyes approval, rejection with a reason.

Registers the "Withdrawals" dock for staff who may read withdrawals; the panel module (Qt widgets,
the queue model) is imported only when the dock is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from bo_desktop.contract.enums import Permission, Role
from bo_desktop.core.docks import DockRegistry, DockSpec

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from bo_desktop.core.context import AppContext


def _build(ctx: AppContext) -> QWidget:
    from .panel import WithdrawalsPanel

    return WithdrawalsPanel(ctx)


def register(registry: DockRegistry) -> None:
    registry.add(
        DockSpec(
            id="withdrawals",
            title="Withdrawals",
            factory=_build,
            area=Qt.DockWidgetArea.RightDockWidgetArea,
            permission=Permission.WITHDRAWALS_READ,
            shortcut="Ctrl+2",
            primary_for=frozenset({Role.PAYMENTS}),
        )
    )

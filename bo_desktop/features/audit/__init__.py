"""Audit viewer: the append-only, hash-chained trail of every change — filter it, read each
record's before/after, verify the chain, export to Excel. Needs ``audit.read``."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from bo_desktop.contract.enums import Permission
from bo_desktop.core.context import AppContext
from bo_desktop.core.docks import DockRegistry, DockSpec


def _panel(ctx: AppContext) -> QWidget:
    from .panel import AuditPanel

    return AuditPanel(ctx)


def register(registry: DockRegistry) -> None:
    registry.add(
        DockSpec(
            id="audit",
            title="Audit trail",
            factory=_panel,
            area=Qt.DockWidgetArea.BottomDockWidgetArea,
            permission=Permission.AUDIT_READ,
            shortcut="Ctrl+7",
        )
    )

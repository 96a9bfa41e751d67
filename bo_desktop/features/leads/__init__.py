"""Acquisition funnel (issue 11): leads → registrations → KYC → first deposit → active at day 30
by source, affiliate or campaign, with a drill-down to the players (reports.run)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from bo_desktop.contract.enums import Permission
from bo_desktop.core.context import AppContext
from bo_desktop.core.docks import DockRegistry, DockSpec


def _leads_panel(ctx: AppContext) -> QWidget:
    from .panel import LeadsPanel

    return LeadsPanel(ctx)


def register(registry: DockRegistry) -> None:
    registry.add(
        DockSpec(
            id="leads",
            title="Leads",
            factory=_leads_panel,
            area=Qt.DockWidgetArea.RightDockWidgetArea,
            permission=Permission.REPORTS_RUN,
            visible_by_default=False,
        )
    )

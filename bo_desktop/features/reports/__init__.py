"""Excel reports: the Reports dock (choose, preview, export, recent exports) and the headless CLI.

The dock factory imports the panel only when the dock is built, and openpyxl is imported only
when a workbook is written, so this package costs nothing at start-up for users without
``reports.run``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from bo_desktop.contract.enums import Permission
from bo_desktop.core.context import AppContext
from bo_desktop.core.docks import DockRegistry, DockSpec


def _reports_panel(ctx: AppContext) -> QWidget:
    from .panel import ReportsPanel

    return ReportsPanel(ctx)


def register(registry: DockRegistry) -> None:
    registry.add(
        DockSpec(
            id="reports",
            title="Reports",
            factory=_reports_panel,
            area=Qt.DockWidgetArea.LeftDockWidgetArea,
            permission=Permission.REPORTS_RUN,
        )
    )

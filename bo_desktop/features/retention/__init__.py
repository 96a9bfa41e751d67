"""Retention cohorts (issue 11): heatmap and table by first-deposit week or month, Excel export.

The factory imports the panel (and with it matplotlib, ~0.6 s) only when the dock is built.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from bo_desktop.contract.enums import Permission
from bo_desktop.core.context import AppContext
from bo_desktop.core.docks import DockRegistry, DockSpec


def _retention_panel(ctx: AppContext) -> QWidget:
    from .panel import RetentionPanel

    return RetentionPanel(ctx)


def register(registry: DockRegistry) -> None:
    registry.add(
        DockSpec(
            id="retention",
            title="Retention",
            factory=_retention_panel,
            area=Qt.DockWidgetArea.RightDockWidgetArea,
            permission=Permission.REPORTS_RUN,
            visible_by_default=False,
        )
    )

"""Live charts: KPI tiles with payment-provider health, and live metric charts.

Two docks so a manager can put the tiles on one screen and the charts on another. Both
factories import their panel (and with it matplotlib, ~0.6 s) only when the dock is built, so
this package costs nothing at start-up for users without ``metrics.read``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from bo_desktop.contract.enums import Permission, Role
from bo_desktop.core.context import AppContext
from bo_desktop.core.docks import DockRegistry, DockSpec


def _kpi_panel(ctx: AppContext) -> QWidget:
    from .kpi_panel import KpiPanel

    return KpiPanel(ctx)


def _charts_panel(ctx: AppContext) -> QWidget:
    from .panel import ChartsPanel

    return ChartsPanel(ctx)


def register(registry: DockRegistry) -> None:
    registry.add(
        DockSpec(
            id="live-kpis",
            title="Live KPIs",
            factory=_kpi_panel,
            area=Qt.DockWidgetArea.TopDockWidgetArea,
            permission=Permission.METRICS_READ,
        )
    )
    registry.add(
        DockSpec(
            id="live-charts",
            title="Live charts",
            factory=_charts_panel,
            area=Qt.DockWidgetArea.BottomDockWidgetArea,
            permission=Permission.METRICS_READ,
            # Managers watch it; for payments staff it would take the queue's room (View menu).
            visible_by_default=False,
            primary_for=frozenset({Role.MANAGER}),
        )
    )

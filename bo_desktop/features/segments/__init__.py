"""Player segmentation (issue 11): rule builder with a live count, saved segments, members out.

The dock is for the people who build segments (segments.write: managers); support and payments
staff, who never segment players, do not get it. The panel still hides its save buttons for a
user without segments.write (the server only needs players.read to evaluate and list). openpyxl
is imported only when members are exported.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from bo_desktop.contract.enums import Permission
from bo_desktop.core.context import AppContext
from bo_desktop.core.docks import DockRegistry, DockSpec


def _segments_panel(ctx: AppContext) -> QWidget:
    from .panel import SegmentsPanel

    return SegmentsPanel(ctx)


def register(registry: DockRegistry) -> None:
    registry.add(
        DockSpec(
            id="segments",
            title="Segments",
            factory=_segments_panel,
            area=Qt.DockWidgetArea.RightDockWidgetArea,
            permission=Permission.SEGMENTS_WRITE,
            visible_by_default=False,
        )
    )

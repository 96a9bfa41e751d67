"""KYC review queue: uploaded documents waiting for a decision (verify, or reject with a reason).

Pay-n-Play players' rows show the identity their bank confirmed. A decision changes the player's
KYC state on the server, which publishes ``player.updated``: open profiles and lists follow live.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from bo_desktop.contract.enums import Permission
from bo_desktop.core.context import AppContext
from bo_desktop.core.docks import DockRegistry, DockSpec


def _panel(ctx: AppContext) -> QWidget:
    from .panel import KycQueuePanel

    return KycQueuePanel(ctx)


def register(registry: DockRegistry) -> None:
    registry.add(
        DockSpec(
            id="kyc",
            title="KYC review",
            factory=_panel,
            area=Qt.DockWidgetArea.RightDockWidgetArea,
            permission=Permission.KYC_REVIEW,
            shortcut="Ctrl+6",
        )
    )

"""The dock registry: how a feature puts a panel into the main window.

A feature package (``bo_desktop/features/<name>/__init__.py``) exposes::

    def register(registry: DockRegistry) -> None:
        registry.add(DockSpec(
            id="withdrawals",                      # stable: becomes the dock objectName
            title="Withdrawals",
            factory=lambda ctx: WithdrawalsPanel(ctx),
            area=Qt.DockWidgetArea.RightDockWidgetArea,
            permission=Permission.WITHDRAWALS_READ,
            shortcut="Ctrl+2",
        ))

The shell discovers feature packages, calls ``register`` once, and builds a dock only for specs
whose permission the signed-in user has: a panel the user may not use does not exist for them.
The factory runs only then, so a feature's heavy imports (matplotlib, openpyxl) can be deferred
into the factory and cost nothing at start-up for users who never see the panel.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from bo_desktop.contract.enums import Permission, Role

if TYPE_CHECKING:
    from bo_desktop.core.context import AppContext

_ID_RE = re.compile(r"^[a-z][a-z0-9_.-]*$")


@dataclass(frozen=True)
class DockSpec:
    """One panel a feature offers. ``id`` must never change: saved layouts refer to it."""

    id: str
    title: str
    factory: Callable[[AppContext], QWidget]
    area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea
    permission: Permission | None = None
    shortcut: str | None = None
    visible_by_default: bool = True
    #: The roles whose main workplace this panel is: in their default arrangement it is shown
    #: (even when not ``visible_by_default``) and is the tab raised in its area.
    primary_for: frozenset[Role] = frozenset()

    @property
    def object_name(self) -> str:
        """The QDockWidget objectName QMainWindow.saveState/restoreState keys the layout by."""
        return f"dock.{self.id}"

    def allowed(self, permissions: Iterable[Permission | str]) -> bool:
        return self.permission is None or self.permission in set(permissions)

    def shown_by_default(self, roles: Iterable[Role]) -> bool:
        """Whether the panel is open in the default arrangement of a user with ``roles``."""
        return self.visible_by_default or bool(self.primary_for & set(roles))


class DockRegistry:
    """Ordered collection of :class:`DockSpec`; order is the View menu and first-layout order."""

    def __init__(self) -> None:
        self._specs: dict[str, DockSpec] = {}

    def add(self, spec: DockSpec) -> DockSpec:
        if not _ID_RE.match(spec.id):
            raise ValueError(f"dock id {spec.id!r}: use lower-case letters, digits, '_', '-', '.'")
        if spec.id in self._specs:
            raise ValueError(f"dock id {spec.id!r} registered twice")
        self._specs[spec.id] = spec
        return spec

    def specs(self) -> list[DockSpec]:
        return list(self._specs.values())

    def allowed(self, permissions: Iterable[Permission | str]) -> list[DockSpec]:
        """The specs this user may see, in registration order."""
        perms = set(permissions)
        return [s for s in self._specs.values() if s.allowed(perms)]

    def __len__(self) -> int:
        return len(self._specs)

    def __contains__(self, dock_id: object) -> bool:
        return dock_id in self._specs

"""Helpers shared by the GUI tests (importable: pytest puts this directory on sys.path)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QLabel

from bo_desktop.contract.auth import Me
from bo_desktop.contract.enums import Permission, Role
from bo_desktop.core.api.client import ApiClient
from bo_desktop.core.cache import ReferenceCache
from bo_desktop.core.context import AppContext, SessionState
from bo_desktop.core.docks import DockRegistry, DockSpec
from bo_desktop.core.events import EventHub
from bo_desktop.core.settings import Environment, ServerProfile, Settings
from bo_desktop.core.tasks import TaskRunner
from bo_desktop.shell.main_window import MainWindow
from bo_desktop.shell.theme import ThemeManager

# A password that appears nowhere else, so the secrets grep cannot be fooled by the word "sandbox"
# (which legitimately appears in settings: profile names, environments).
STAFF_PASSWORD = "Gui-Test-Pa55word!7q"
GUI_PLAYERS = 60  # fresh sandboxes seed per test: keep them small

PAYMENTS_PERMISSIONS = [Permission.PLAYERS_READ, Permission.WITHDRAWALS_READ, Permission.WITHDRAWALS_DECIDE]


def make_me(role: Role = Role.PAYMENTS, permissions: list[Permission] | None = None) -> Me:
    return Me(
        staff_id="S-0001",
        username=f"{role.value}1",
        display_name=f"Test {role.value.capitalize()}",
        roles=[role],
        permissions=permissions
        if permissions is not None
        else [Permission.PLAYERS_READ, Permission.WITHDRAWALS_READ, Permission.WITHDRAWALS_DECIDE],
    )


def sample_registry() -> DockRegistry:
    """Two docks a payments user may see and one they may not (test panels, not app panels)."""
    registry = DockRegistry()
    registry.add(
        DockSpec(
            "queue",
            "Queue",
            lambda ctx: QLabel("queue"),
            shortcut="Ctrl+2",
            permission=Permission.WITHDRAWALS_READ,
        )
    )
    registry.add(DockSpec("notes", "Notes", lambda ctx: QLabel("notes")))
    registry.add(DockSpec("audit", "Audit", lambda ctx: QLabel("audit"), permission=Permission.AUDIT_READ))
    return registry


def make_window(
    tmp_path: Path,
    settings: Settings,
    *,
    registry: DockRegistry | None = None,
    environment: Environment = Environment.SANDBOX,
    me: Me | None = None,
    errors: list[BaseException] | None = None,
    reset_layout: bool = False,
) -> MainWindow:
    profile = ServerProfile("Test server", "http://127.0.0.1:9", environment)
    tasks = TaskRunner()
    ctx = AppContext(
        api=ApiClient(profile.url, user_agent="tests"),
        cache=ReferenceCache(tmp_path / "cache.sqlite3"),
        events=EventHub(),
        tasks=tasks,
        settings=settings,
        server=profile,
        session=SessionState(me or make_me(), online=True),
    )
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    sink = errors.append if errors is not None else (lambda exc: None)
    return MainWindow(
        ctx,
        registry if registry is not None else sample_registry(),
        ThemeManager(app),
        sink,
        reset_layout=reset_layout,
    )

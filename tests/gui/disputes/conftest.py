"""Fixtures for the disputes GUI tests: signed-in contexts and panels against a real sandbox.

``dispute_ctx("support")`` signs a real ApiClient in, syncs the reference cache and (with
``live=True``) runs the SSE event stream into the context's EventHub, as the app does.
``open_panel(ctx)`` builds the dock widget a user sees. Arranging data goes through the API as
another staff member (``api_as``), never through our client code under test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from dispute_helpers import ApiAs, Contexts
from PySide6.QtWidgets import QDockWidget

from bo_desktop.core.context import AppContext
from bo_desktop.core.settings import Settings
from bo_desktop.features.disputes.panel import DisputesPanel


@pytest.fixture
def contexts(tmp_path: Path, settings: Settings, run_async: Callable[..., Any]) -> Iterator[Contexts]:
    made = Contexts(tmp_path, settings, run_async)
    yield made
    made.close()
    assert not made.errors, f"unhandled errors reached the error handler: {made.errors!r}"


@pytest.fixture
def dispute_ctx(sandbox: Any, contexts: Contexts) -> Callable[..., AppContext]:
    def make(username: str = "support", *, live: bool = True) -> AppContext:
        return contexts.make(sandbox, username, live=live)

    return make


@pytest.fixture
def open_panel(qtbot: Any) -> Callable[[AppContext], DisputesPanel]:
    """The panel in a dock, sized like a real window, loaded and ready."""
    docks: list[QDockWidget] = []  # qtbot only keeps weak references

    def make(ctx: AppContext) -> DisputesPanel:
        dock = QDockWidget("Disputes")
        dock.setObjectName("dock.disputes")
        panel = DisputesPanel(ctx)
        dock.setWidget(panel)
        qtbot.addWidget(dock)
        docks.append(dock)
        dock.resize(1500, 820)
        dock.show()
        qtbot.waitUntil(lambda: not panel.loading, timeout=20_000)
        return panel

    return make


@pytest.fixture
def api_as(sandbox: Any) -> Iterator[Callable[..., ApiAs]]:
    made: list[ApiAs] = []

    def make(username: str, server: Any = None) -> ApiAs:
        target = server or sandbox
        api = ApiAs(target.api_url, username, target.staff_password)
        made.append(api)
        return api

    yield make
    for api in made:
        api.client.close()

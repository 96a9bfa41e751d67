"""Fixtures for the players GUI tests: a signed-in AppContext against the session sandbox.

``player_ctx("compliance")`` signs a real ApiClient in as a demo staff member, syncs the
reference cache and returns the AppContext a panel receives in the app. Everything talks HTTP to
the ``sandbox`` fixture (tests/conftest.py); nothing of our API is mocked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bo_desktop.core.api.client import ApiClient
from bo_desktop.core.api.retry import RetryPolicy
from bo_desktop.core.cache import ReferenceCache
from bo_desktop.core.context import AppContext, SessionState
from bo_desktop.core.events import EventHub
from bo_desktop.core.settings import Environment, ServerProfile, Settings
from bo_desktop.core.tasks import TaskRunner


@pytest.fixture
def player_ctx(
    sandbox: Any, tmp_path: Path, settings: Settings, run_async: Callable[..., Any]
) -> Iterator[Callable[[str], AppContext]]:
    contexts: list[AppContext] = []
    errors: list[BaseException] = []

    def make(username: str = "compliance") -> AppContext:
        api = ApiClient(
            sandbox.url, user_agent="players-gui-tests", retry=RetryPolicy(base_delay=0.05, max_delay=0.2)
        )
        me = run_async(api.login(username, sandbox.staff_password))
        cache = ReferenceCache(tmp_path / f"cache-{username}-{len(contexts)}.sqlite3")
        run_async(cache.sync(api))
        ctx = AppContext(
            api=api,
            cache=cache,
            events=EventHub(),
            tasks=TaskRunner(errors.append),
            settings=settings,
            server=ServerProfile("Test sandbox", sandbox.url, Environment.SANDBOX),
            session=SessionState(me, online=True),
        )
        contexts.append(ctx)
        return ctx

    yield make
    for ctx in contexts:
        ctx.tasks.cancel_all()
        run_async(ctx.api.aclose())
        run_async(ctx.cache.close())
    assert not errors, f"unhandled errors reached the error handler: {errors!r}"


@pytest.fixture
def http(sandbox: Any) -> Iterator[Callable[[str], httpx.Client]]:
    """``http("admin")``: a plain httpx client to check what the server says, or to set chaos."""
    clients: list[httpx.Client] = []

    def make(username: str = "compliance") -> httpx.Client:
        client = httpx.Client(base_url=sandbox.api_url, timeout=30)
        token = client.post("/auth/login", json={"username": username, "password": sandbox.staff_password})
        assert token.status_code == 200, token.text
        client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def chaos(http: Callable[[str], httpx.Client]) -> Iterator[Callable[..., None]]:
    """``chaos(latency_ms=800, paths=["/players"])``; switched off after the test."""
    admin = http("admin")

    def configure(**settings: Any) -> None:
        response = admin.put("/admin/chaos", json=settings)
        assert response.status_code == 200, response.text

    yield configure
    configure()

"""Fixtures for the live-charts GUI tests: a signed-in AppContext with the live event stream.

``charts_ctx("manager")`` signs a real ApiClient in, syncs the reference cache (provider
thresholds) and runs the real ``EventStream`` into the context's EventHub, exactly as the app
does, against the session ``sandbox`` (tests/conftest.py) with its simulator. Nothing is mocked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bo_desktop.core.api import EventStream
from bo_desktop.core.api.client import ApiClient
from bo_desktop.core.api.retry import RetryPolicy
from bo_desktop.core.cache import ReferenceCache
from bo_desktop.core.context import AppContext, Notification, SessionState
from bo_desktop.core.events import EventHub
from bo_desktop.core.settings import Environment, ServerProfile, Settings
from bo_desktop.core.tasks import TaskRunner


@pytest.fixture
def charts_ctx(
    sandbox: Any, tmp_path: Path, settings: Settings, run_async: Callable[..., Any], qasync_loop: Any
) -> Iterator[Callable[[str], AppContext]]:
    contexts: list[tuple[AppContext, asyncio.Task[None]]] = []
    errors: list[BaseException] = []

    def make(username: str = "manager") -> AppContext:
        api = ApiClient(
            sandbox.url, user_agent="charts-gui-tests", retry=RetryPolicy(base_delay=0.05, max_delay=0.2)
        )
        me = run_async(api.login(username, sandbox.staff_password))
        cache = ReferenceCache(tmp_path / f"cache-{username}-{len(contexts)}.sqlite3")
        run_async(cache.sync(api))
        hub = EventHub()
        ctx = AppContext(
            api=api,
            cache=cache,
            events=hub,
            tasks=TaskRunner(errors.append),
            settings=settings,
            server=ServerProfile("Test sandbox", sandbox.url, Environment.SANDBOX),
            session=SessionState(me, online=True),
        )
        stream = qasync_loop.create_task(EventStream(api, hub.publish).run())
        contexts.append((ctx, stream))
        return ctx

    yield make
    for ctx, stream in contexts:
        stream.cancel()
        ctx.tasks.cancel_all()
        run_async(ctx.api.aclose())
        run_async(ctx.cache.close())
    assert not errors, f"unhandled errors reached the error handler: {errors!r}"


@pytest.fixture
def notifications() -> Callable[[AppContext], list[Notification]]:
    """``seen = notifications(ctx)``: every in-app notification the context raises, in order."""

    def collect(ctx: AppContext) -> list[Notification]:
        seen: list[Notification] = []
        ctx.notifier.notified.connect(seen.append)
        return seen

    return collect


@pytest.fixture
def set_chaos(sandbox: Any) -> Iterator[Callable[..., None]]:
    """``set_chaos(psp_outage=["adyen"])`` as the admin, over HTTP; everything off afterwards."""
    client = httpx.Client(base_url=sandbox.api_url, timeout=30)
    token = client.post("/auth/login", json={"username": "admin", "password": sandbox.staff_password})
    assert token.status_code == 200, token.text
    client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"

    def configure(**settings: Any) -> None:
        response = client.put("/admin/chaos", json=settings)
        assert response.status_code == 200, response.text

    yield configure
    configure()
    client.close()

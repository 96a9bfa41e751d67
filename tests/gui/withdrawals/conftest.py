"""Fixtures for the withdrawal queue's GUI tests: signed-in sessions against the real sandbox.

``reviewer("payments1")`` builds what the composition root builds after a sign-in (API client,
synced reference cache, event hub fed by the live event stream, task runner) and returns the
:class:`AppContext` a panel receives. Several reviewers can be signed in at once (four-eyes,
races). Everything is torn down after the test.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

# wd_support sits beside this file; import it by plain name whether or not tests/ is a package.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import httpx
import pytest
from wd_support import PASSWORD, Session

from bo_desktop.core.api import ApiClient, EventStream, RetryPolicy
from bo_desktop.core.cache import ReferenceCache
from bo_desktop.core.context import AppContext, SessionState
from bo_desktop.core.events import EventHub
from bo_desktop.core.settings import Environment, ServerProfile, Settings
from bo_desktop.core.tasks import TaskRunner
from bo_desktop.core.workers import shutdown_workers

# Quick but real backoff, so the chaos tests exercise the retry path without waiting seconds.
FAST_RETRY = RetryPolicy(base_delay=0.05, max_delay=0.2, total_budget=8.0)


@pytest.fixture
def reviewer(
    sandbox: Any, tmp_path: Path, qtbot: Any, run_async: Callable[..., Any]
) -> Iterator[Callable[..., AppContext]]:
    sessions: list[Session] = []
    counter = itertools.count()

    def make(username: str, *, retry: RetryPolicy = FAST_RETRY) -> AppContext:
        number = next(counter)
        api = ApiClient(sandbox.url, user_agent="bo-desktop-gui-tests", retry=retry)
        cache = ReferenceCache(tmp_path / f"reference-{number}.sqlite3")

        async def sign_in() -> Any:
            me = await api.login(username, PASSWORD)
            await cache.sync(api)
            return me

        me = run_async(sign_in())
        errors: list[BaseException] = []
        tasks = TaskRunner(error_handler=errors.append)
        hub = EventHub()
        stream = EventStream(api, hub.publish, base_delay=0.1, max_delay=1.0)
        tasks.start(stream.run(), name=f"events-{username}")
        qtbot.waitUntil(lambda: stream.connects >= 1, timeout=10_000)
        profile = ServerProfile(f"Sandbox {number}", sandbox.url, Environment.SANDBOX)
        ctx = AppContext(
            api=api,
            cache=cache,
            events=hub,
            tasks=tasks,
            settings=Settings(tmp_path / f"settings-{number}.ini"),
            server=profile,
            session=SessionState(me, online=True),
        )
        sessions.append(Session(ctx, stream, errors))
        return ctx

    yield make
    for session in sessions:
        run_async(session.ctx.tasks.shutdown())
        run_async(session.ctx.api.aclose())
        run_async(session.ctx.cache.close())
    shutdown_workers()
    for session in sessions:
        assert not session.errors, f"unhandled errors reached the error dialog: {session.errors!r}"


@pytest.fixture
def staff_http(sandbox: Any) -> Iterator[Callable[[str], httpx.Client]]:
    """A plain HTTP client signed in as a colleague, for arranging what another person does."""
    clients: list[httpx.Client] = []

    def make(username: str) -> httpx.Client:
        client = httpx.Client(base_url=sandbox.api_url, timeout=30)
        response = client.post("/auth/login", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()

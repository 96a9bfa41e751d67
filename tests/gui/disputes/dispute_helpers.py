"""Helpers of the disputes GUI tests (a module with a unique name: ``conftest`` is ambiguous)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
from PySide6.QtWidgets import QWidget

from bo_desktop.contract.common import etag_for
from bo_desktop.core.api.client import ApiClient
from bo_desktop.core.api.retry import RetryPolicy
from bo_desktop.core.api.sse import EventStream
from bo_desktop.core.cache import ReferenceCache
from bo_desktop.core.context import AppContext, SessionState
from bo_desktop.core.events import EventHub
from bo_desktop.core.settings import Environment, ServerProfile, Settings
from bo_desktop.core.tasks import TaskRunner

FAST_RETRY = RetryPolicy(max_attempts=2, base_delay=0.05, max_delay=0.1, total_budget=1.0)

W = TypeVar("W", bound=QWidget)


def visible_dialog(qtbot: Any, parent: QWidget, kind: type[W]) -> W:
    found: list[W] = []

    def shown() -> bool:
        found[:] = [d for d in parent.findChildren(kind) if d.isVisible()]
        return bool(found)

    qtbot.waitUntil(shown, timeout=10_000)
    return found[0]


class ApiAs:
    """Another staff member acting through the API (httpx), to arrange what the GUI then shows."""

    def __init__(self, api_url: str, username: str, password: str) -> None:
        self.client = httpx.Client(base_url=api_url, timeout=30)
        token = self.client.post("/auth/login", json={"username": username, "password": password})
        assert token.status_code == 200, token.text
        self.client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"

    def call(self, method: str, path: str, *, version: int | None = None, **kwargs: Any) -> dict[str, Any]:
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        if version is not None:
            headers["If-Match"] = etag_for(version)
        response = self.client.request(method, path, headers=headers, **kwargs)
        assert response.status_code < 300, response.text
        body: dict[str, Any] = response.json()
        return body

    def ticket(self, dispute_id: str) -> dict[str, Any]:
        return self.call("GET", f"/disputes/{dispute_id}")

    def create(self, **fields: Any) -> dict[str, Any]:
        if "player_id" not in fields:
            deposit = self.call("GET", "/transactions", params={"type": "deposit", "limit": 1})["data"][0]
            fields = {"player_id": deposit["player_id"], **fields}
        body = {"kind": "payment_delay", "subject": "Payout not received", **fields}
        return self.call("POST", "/disputes", json=body)


class Contexts:
    def __init__(self, tmp_path: Path, settings: Settings, run_async: Callable[..., Any]) -> None:
        self.tmp_path = tmp_path
        self.settings = settings
        self.run_async = run_async
        self.errors: list[BaseException] = []
        self.contexts: list[AppContext] = []
        self.streams: list[asyncio.Task[None]] = []

    def make(self, server: Any, username: str, *, live: bool = True) -> AppContext:
        api = ApiClient(server.url, user_agent="disputes-gui-tests", retry=FAST_RETRY)
        me = self.run_async(api.login(username, server.staff_password))
        cache = ReferenceCache(self.tmp_path / f"cache-{username}-{len(self.contexts)}.sqlite3")
        self.run_async(cache.sync(api))
        ctx = AppContext(
            api=api,
            cache=cache,
            events=EventHub(),
            tasks=TaskRunner(self.errors.append),
            settings=self.settings,
            server=ServerProfile("Test sandbox", server.url, Environment.SANDBOX),
            session=SessionState(me, online=True),
        )
        if live:
            stream = EventStream(api, ctx.events.publish, base_delay=0.1, max_delay=0.5)
            self.streams.append(asyncio.get_event_loop().create_task(stream.run()))
        self.contexts.append(ctx)
        return ctx

    def close(self) -> None:
        for task in self.streams:
            task.cancel()
        for ctx in self.contexts:
            ctx.tasks.cancel_all()
            self.run_async(ctx.api.aclose())
            self.run_async(ctx.cache.close())

"""Fault injection: a pure ASGI middleware driven by the live ``state.chaos`` (``/admin/chaos``).

Per request, in this order: added latency; a dropped connection; 429 with Retry-After; 503 before
the handler runs (nothing changed); or the handler runs *and commits* and the client gets a 500
anyway — the case that makes clients retry a request that already took effect, which
Idempotency-Key must absorb. SSE disconnects are done by the events route itself
(``chaos.sse_disconnect_every``), since only it knows event boundaries.

Only paths under ``chaos.paths`` (prefixes, with or without ``/api/v1``) are affected; with no
paths, everything except the admin endpoints, the OpenAPI document and the docs. ``/admin/chaos``
is never affected, or a test could not switch chaos off again.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bo_desktop.contract.chaos import ChaosConfig
from bo_desktop.contract.common import API_PREFIX

from .api.problems import make_problem, problem_response

_log = logging.getLogger(__name__)

_NEVER = ("/admin",)
_EXEMPT_BY_DEFAULT = ("/admin", "/openapi.json", "/docs", "/redoc")
_STREAMING = ("/events",)  # an after-commit 500 would have to buffer an endless stream


def _relative(path: str) -> str:
    return path.removeprefix(API_PREFIX) or "/"


def affects(chaos: ChaosConfig, path: str) -> bool:
    """Whether fault injection applies to ``path`` under this configuration."""
    rel = _relative(path)
    if rel.startswith(_NEVER):
        return False
    if chaos.paths:
        return any(path.startswith(p) or rel.startswith(p) for p in chaos.paths)
    return not rel.startswith(_EXEMPT_BY_DEFAULT)


class ChaosMiddleware:
    """Wraps the whole app. ``get_chaos`` returns the current configuration for each request."""

    def __init__(
        self,
        app: ASGIApp,
        get_chaos: Callable[[], ChaosConfig],
        rng: random.Random | None = None,
    ) -> None:
        self.app = app
        self._get_chaos = get_chaos
        self._rng = rng or random.Random()

    def _roll(self, rate: float) -> bool:
        return rate > 0 and self._rng.random() < rate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chaos = self._get_chaos()
        path: str = scope["path"]
        if not affects(chaos, path):
            await self.app(scope, receive, send)
            return

        if chaos.latency_ms:
            await asyncio.sleep(chaos.latency_ms / 1000)
        if self._roll(chaos.drop_rate):
            await self._drop(send)
            return
        if self._roll(chaos.rate_limit_rate):
            retry = chaos.retry_after_seconds
            problem = make_problem(
                429, "rate_limited", f"Too many requests; retry in {retry:g} s.", retry_after=retry
            )
            headers = {"Retry-After": str(max(1, round(retry)))}
            await problem_response(problem, headers)(scope, receive, send)
            return
        if self._roll(chaos.error_rate_before_commit):
            problem = make_problem(503, "chaos_error", "Injected failure before any change was made.")
            await problem_response(problem, {"Retry-After": "1"})(scope, receive, send)
            return
        if not _relative(path).startswith(_STREAMING) and self._roll(chaos.error_rate_after_commit):
            await self._fail_after_handler(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _drop(self, send: Send) -> None:
        # ASGI has no "close the socket" message. Announcing a body and then returning without
        # sending it makes the server abort the connection: the client sees the peer hang up
        # mid-response, exactly like a network drop.
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"1")]})

    async def _fail_after_handler(self, scope: Scope, receive: Receive, send: Send) -> None:
        status: int | None = None

        async def swallow(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])

        # The handler runs to completion (its transaction commits); its answer is thrown away.
        await self.app(scope, receive, swallow)
        _log.info("chaos: replaced a %s answer to %s with a 500", status, scope["path"])
        problem = make_problem(
            500, "chaos_error", "Injected failure after the change was committed; retry to see it."
        )
        await problem_response(problem)(scope, receive, send)

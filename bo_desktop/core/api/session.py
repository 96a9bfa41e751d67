"""The signed-in session's tokens and the single-flight access-token refresh.

When the access token expires, every in-flight request gets a 401 at about the same time. Each of
them calls :meth:`TokenSession.refresh_after` with the token it used; the first one starts the
refresh, the others await the same task, and a request that arrives after the refresh finished
sees that its token is already stale and just retries. The server rotates refresh tokens and
revokes the whole family when an old one is reused, so two parallel refreshes would sign the user
out: exactly one refresh per expiry is a correctness requirement, not an optimisation.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bo_desktop.contract import Problem
from bo_desktop.contract.auth import TokenPair

from .errors import AuthError, SessionExpired

log = logging.getLogger(__name__)

Refresher = Callable[[str], Awaitable[TokenPair]]


class TokenSession:
    """Holds the access and refresh tokens (in memory only) and refreshes them once at a time."""

    def __init__(self, refresher: Refresher, on_rotated: Callable[[str | None], None]) -> None:
        self._refresher = refresher
        self._on_rotated = on_rotated
        self._access_token: str | None = None
        self._refresh_token: str | None = None
        self._inflight: asyncio.Task[None] | None = None
        self.refresh_count = 0  # successful refreshes; tests assert "exactly one"

    def __repr__(self) -> str:
        # Never the tokens themselves: reprs end up in logs and error reports.
        return (
            f"TokenSession(access={'set' if self._access_token else 'none'}, "
            f"refresh={'set' if self._refresh_token else 'none'})"
        )

    @property
    def access_token(self) -> str | None:
        return self._access_token

    @property
    def refresh_token(self) -> str | None:
        return self._refresh_token

    def set_tokens(self, pair: TokenPair) -> None:
        """Adopt a new token pair (login or refresh) and report the rotated refresh token."""
        self._access_token = pair.access_token
        self._set_refresh_token(pair.refresh_token)

    def set_refresh_token(self, refresh_token: str) -> None:
        """Start from a stored refresh token only (remember-me); the next call refreshes first."""
        self._access_token = None
        self._refresh_token = refresh_token

    def clear(self) -> None:
        """Forget both tokens (logout, or the server rejected the refresh token)."""
        self._access_token = None
        self._set_refresh_token(None)

    def _set_refresh_token(self, token: str | None) -> None:
        changed = token != self._refresh_token
        self._refresh_token = token
        if changed:
            self._on_rotated(token)

    async def refresh_after(self, stale_access_token: str | None) -> None:
        """Make sure the access token is newer than ``stale_access_token``.

        Raises :class:`SessionExpired` when the server rejects the refresh token (the tokens are
        then cleared) and the transport error when the server cannot be reached (the tokens are
        kept: the refresh can succeed later).
        """
        if self._access_token is not None and self._access_token != stale_access_token:
            return  # another request already refreshed while this one was in flight
        if self._inflight is None:
            task = asyncio.get_running_loop().create_task(self._refresh(), name="token-refresh")
            task.add_done_callback(_consume_exception)
            self._inflight = task
        # shield: a caller being cancelled (panel closed) must not cancel the refresh the other
        # callers are waiting for.
        await asyncio.shield(self._inflight)

    async def _refresh(self) -> None:
        try:
            token = self._refresh_token
            if token is None:
                raise SessionExpired(
                    Problem(title="Not signed in", status=401, code="no_session", detail="Please sign in.")
                )
            try:
                pair = await self._refresher(token)
            except AuthError as exc:
                log.info("refresh token rejected (%s); signing out", exc.code)
                self.clear()
                raise SessionExpired(exc.problem) from exc
            self.set_tokens(pair)
            self.refresh_count += 1
            log.debug("access token refreshed")
        finally:
            self._inflight = None


def _consume_exception(task: asyncio.Task[None]) -> None:
    # When every waiter was cancelled nobody awaits the failure; retrieving it here avoids
    # "Task exception was never retrieved" noise at shutdown.
    if not task.cancelled():
        task.exception()

"""The request loop under :class:`~.client.ApiClient`: auth, refresh, retries, connection state.

Kept apart from the typed calls so the policy lives in one readable place:

- the bearer token goes on every authenticated request; a 401 triggers one refresh (shared by all
  concurrent requests, see :mod:`.session`) and one retry;
- only requests that are safe to repeat are retried (see :mod:`.retry`): on connect errors,
  timeouts, dropped connections and 502/503/504, with jittered exponential backoff, bounded in
  attempts and total time;
- a 429 is waited out (``Retry-After``, bounded, announced to the rate-limit observers) when the
  request is safe to repeat, otherwise it raises :class:`~.errors.RateLimited`;
- every outcome updates the connection state (online / reconnecting / offline).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

import httpx

from bo_desktop.contract import API_PREFIX
from bo_desktop.contract.auth import RefreshRequest, TokenPair

from .errors import ApiError, RateLimited, error_from_response, error_from_transport, parse_retry_after
from .observers import ConnectionState, Observers
from .params import QueryParams, encode_params
from .parsing import parse_model, to_json, unexpected
from .retry import RetryPolicy
from .session import TokenSession

log = logging.getLogger(__name__)


class Transport:
    """One httpx.AsyncClient plus the session tokens and the retry/refresh policy."""

    def __init__(
        self,
        base_url: str,
        *,
        user_agent: str,
        timeout: httpx.Timeout | float,
        verify: ssl.SSLContext | bool,
        transport: httpx.AsyncBaseTransport | None,
        policy: RetryPolicy,
        on_refresh_token: Callable[[str | None], None],
    ) -> None:
        self.policy = policy
        self.connection_observers: Observers[ConnectionState] = Observers()
        # Seconds the client is about to wait because of a 429; 0.0 once the wait is over.
        self.rate_limit_observers: Observers[float] = Observers()
        self.state = ConnectionState.ONLINE
        self.session = TokenSession(self._refresh_tokens, on_refresh_token)
        self._http = httpx.AsyncClient(
            base_url=base_url + API_PREFIX + "/",
            headers={"User-Agent": user_agent, "Accept": "application/json"},
            timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
            verify=verify,
            transport=transport,
            # Redirects are not part of the API; following one could send the token elsewhere.
            follow_redirects=False,
        )

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def _refresh_tokens(self, refresh_token: str) -> TokenPair:
        # Not retried: the server rotates on every use, and a retry after a lost answer would
        # present a revoked token and sign the user out.
        response = await self.request(
            "POST",
            "auth/refresh",
            content=to_json(RefreshRequest(refresh_token=refresh_token)),
            authenticated=False,
            retryable=False,
        )
        return parse_model(TokenPair, response)

    @asynccontextmanager
    async def open_stream(
        self, path: str, *, headers: Mapping[str, str], timeout: httpx.Timeout
    ) -> AsyncIterator[httpx.Response]:
        """Open a streaming GET with the bearer token (refreshing once on 401).

        Yields the 2xx response with its body unread; raises the mapped ApiError otherwise. Not
        retried here: the event stream has its own reconnect loop.
        """
        refreshed = False
        error: ApiError | None = None
        try:
            while True:
                token = self.session.access_token
                request = self._http.build_request(
                    "GET", path, headers={**headers, **self._auth_header(token)}, timeout=timeout
                )
                try:
                    response = await self._http.send(request, stream=True)
                except httpx.TransportError as exc:
                    self.note_connection_failure(reconnecting=False)
                    raise error_from_transport(exc) from exc
                self.note_online()
                if response.status_code < 400:
                    break
                await response.aread()
                await response.aclose()
                error = error_from_response(response)
                if response.status_code == 401 and self._may_refresh(error, refreshed):
                    await self.session.refresh_after(token)
                    refreshed = True
                    continue
                raise error
        finally:
            # A raised error's traceback holds this frame, and this frame would hold the error: a
            # reference cycle that keeps every frame on the way (the dialog or panel whose task
            # failed) alive until Python's cyclic gc frees it, Qt widgets included, at an
            # arbitrary moment. Dropping the local frees them as soon as the error is handled.
            del error
        try:
            yield response
        finally:
            await response.aclose()

    def note_online(self) -> None:
        """Record that the server answered (any HTTP status counts)."""
        self._set_state(ConnectionState.ONLINE)

    def note_connection_failure(self, *, reconnecting: bool) -> None:
        """Record a transport failure: RECONNECTING while retrying, OFFLINE when giving up."""
        self._set_state(ConnectionState.RECONNECTING if reconnecting else ConnectionState.OFFLINE)

    def _set_state(self, state: ConnectionState) -> None:
        if state is not self.state:
            log.info("connection %s -> %s", self.state.value, state.value)
            self.state = state
            self.connection_observers.notify(state)

    def _auth_header(self, token: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"} if token else {}

    def _may_refresh(self, error: ApiError, already_refreshed: bool) -> bool:
        if already_refreshed or self.session.refresh_token is None:
            return False
        # Any 401 but a wrong password: an unknown signature (restarted server) is cured by a
        # refresh as well as an expired token is.
        return error.code != "invalid_credentials"

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: QueryParams | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        authenticated: bool = True,
        idempotency_key: str | None = None,
        retryable: bool = True,
        timeout: float | None = None,
    ) -> httpx.Response:
        """Send one logical request (with its refresh and retries); the final 2xx/304 response.

        ``retryable=False`` forbids retries even for a safe method (token endpoints).
        """
        keyed = idempotency_key is not None
        retry = _RetryBudget(
            self.policy,
            enabled=retryable and self.policy.is_retryable_request(method, has_idempotency_key=keyed),
        )
        refreshed = False
        query = encode_params(params)
        base_headers = dict(headers or {})
        if content is not None:
            base_headers["Content-Type"] = "application/json"
        extra: dict[str, Any] = {} if timeout is None else {"timeout": timeout}

        error: ApiError | None = None
        failure: ApiError | None = None
        try:
            while True:
                token = self.session.access_token if authenticated else None
                started = time.monotonic()
                try:
                    response = await self._http.request(
                        method,
                        path,
                        params=query,
                        content=content,
                        headers={**base_headers, **self._auth_header(token)},
                        **extra,
                    )
                except httpx.TransportError as exc:
                    error = error_from_transport(exc)
                    delay = retry.next_delay() if error.retryable else None
                    if delay is None:
                        self.note_connection_failure(reconnecting=False)
                        raise error from exc
                    log.info("%s %s: %s, retry %d in %.2fs", method, path, error.code, retry.attempt, delay)
                    self.note_connection_failure(reconnecting=True)
                    await asyncio.sleep(delay)
                    continue

                self.note_online()
                status = response.status_code
                log.debug("%s %s -> %d (%.0f ms)", method, path, status, (time.monotonic() - started) * 1000)
                if status < 300 or status == httpx.codes.NOT_MODIFIED:
                    return response
                if status < 400:
                    # Redirects are not part of the API (and are not followed, see __init__).
                    raise unexpected(response, f"unexpected redirect ({status})")
                failure = error_from_response(response)

                if status == 401 and authenticated and self._may_refresh(failure, refreshed):
                    await self.session.refresh_after(token)
                    refreshed = True
                    continue

                if isinstance(failure, RateLimited):
                    wait = retry.rate_limit_wait(failure.retry_after)
                    if wait is None:
                        raise failure
                    await self._wait_rate_limited(wait)
                    continue

                if self._is_transient(failure, keyed=keyed):
                    # A 503 may say how long to back off; otherwise jittered exponential.
                    delay = retry.next_delay(hint=parse_retry_after(response.headers.get("retry-after")))
                    if delay is not None:
                        log.info("%s %s -> %d, retry %d in %.2fs", method, path, status, retry.attempt, delay)
                        await asyncio.sleep(delay)
                        continue
                raise failure
        finally:
            del error, failure  # no frame <-> traceback cycle: see open_stream

    def _is_transient(self, error: ApiError, *, keyed: bool) -> bool:
        if self.policy.is_retryable_status(error.status, has_idempotency_key=keyed):
            return True
        # The first attempt of this key is still running on the server (e.g. it outlived our
        # read timeout): wait for it, then the retry gets its stored answer.
        return keyed and error.code == "idempotency_in_flight"

    async def _wait_rate_limited(self, seconds: float) -> None:
        log.info("rate limited: waiting %.1fs", seconds)
        self.rate_limit_observers.notify(seconds)
        try:
            await asyncio.sleep(seconds)
        finally:
            self.rate_limit_observers.notify(0.0)


class _RetryBudget:
    """The retries left to one logical request: attempts, total time, rate-limit waiting."""

    def __init__(self, policy: RetryPolicy, *, enabled: bool) -> None:
        self._policy = policy
        self._enabled = enabled
        self._deadline = time.monotonic() + policy.total_budget
        self._rate_limit_waited = 0.0
        self.attempt = 0  # retries granted so far

    def next_delay(self, hint: float | None = None) -> float | None:
        """The delay before the next retry, or None when no retry is left."""
        if not self._enabled or self.attempt + 1 >= self._policy.max_attempts:
            return None
        delay = min(hint, self._policy.max_delay) if hint is not None else self._policy.backoff(self.attempt)
        # No retry starts after the budget: a dead server costs seconds, not minutes.
        if time.monotonic() + delay >= self._deadline:
            return None
        self.attempt += 1
        return delay

    def rate_limit_wait(self, retry_after: float | None) -> float | None:
        """How long to wait out a 429, or None when the wait is not allowed or too long."""
        if not self._enabled or self.attempt + 1 >= self._policy.max_attempts:
            return None
        wait = retry_after if retry_after is not None else self._policy.backoff(self.attempt)
        if self._rate_limit_waited + wait > self._policy.max_retry_after:
            return None
        self._rate_limit_waited += wait
        self.attempt += 1
        return wait

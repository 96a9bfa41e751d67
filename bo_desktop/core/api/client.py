"""The async platform API client: typed calls returning contract models.

Every call returns contract models or raises an :class:`~.errors.ApiError` subclass. Auth,
refresh, retries, rate limits and the connection state are handled underneath by
:class:`~.transport.Transport`; paths are relative to ``{base_url}/api/v1``.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from typing import Any, TypeVar, overload

import httpx
from pydantic import BaseModel

from bo_desktop.contract import Page, Problem, etag_for, version_from_etag
from bo_desktop.contract.auth import LoginRequest, Me, RefreshRequest, TokenPair
from bo_desktop.contract.common import Health, Versioned
from bo_desktop.contract.reference import ReferenceDataset, ReferenceList

from .errors import ApiError, UnexpectedResponse
from .observers import ConnectionState, Observers
from .params import QueryParams
from .parsing import parse_json, parse_model, to_json, unexpected, validate_item
from .retry import RetryPolicy
from .transport import Transport

M = TypeVar("M", bound=BaseModel)

log = logging.getLogger(__name__)

_LOGOUT_TIMEOUT = 5.0  # signing out must not hang the window close on a dead server


class ApiClient:
    """Client of one platform server (``{base_url}/api/v1``). Create once per sign-in target."""

    def __init__(
        self,
        base_url: str,
        *,
        user_agent: str,
        timeout: httpx.Timeout | float = 15,
        verify: ssl.SSLContext | bool = True,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        """``base_url`` is the server root (``https://bo.example``); ``timeout`` applies to every
        phase of every request; ``verify`` may be an ``ssl.SSLContext`` trusting a corporate CA;
        ``transport`` is for wire-level tests only; ``retry`` tunes the retry bounds."""
        self.base_url = base_url.rstrip("/")
        # Called with every new refresh token (login, rotation) and None on sign-out; the shell
        # stores it in the keyring for "remember me".
        self.on_refresh_token_changed: Callable[[str | None], None] | None = None
        self._me: Me | None = None
        self._transport = Transport(
            self.base_url,
            user_agent=user_agent,
            timeout=timeout,
            verify=verify,
            transport=transport,
            policy=retry or RetryPolicy(),
            on_refresh_token=self._report_refresh_token,
        )
        self._session = self._transport.session
        self._request = self._transport.request

    def __repr__(self) -> str:
        user = self._me.username if self._me else None
        return f"ApiClient({self.base_url!r}, user={user!r}, state={self.connection_state.value})"

    # -- session -------------------------------------------------------------------------------

    @property
    def me(self) -> Me | None:
        """The signed-in staff member, None before login and after logout."""
        return self._me

    @property
    def refresh_token(self) -> str | None:
        """The current refresh token (rotates on every refresh); store it only in the keyring."""
        return self._session.refresh_token

    @property
    def refresh_count(self) -> int:
        """How many access-token refreshes succeeded in this client's life."""
        return self._session.refresh_count

    @property
    def connection_state(self) -> ConnectionState:
        """The last observed connection state."""
        return self._transport.state

    @property
    def connection_observers(self) -> Observers[ConnectionState]:
        """Callbacks told about every connection-state change."""
        return self._transport.connection_observers

    @property
    def rate_limit_observers(self) -> Observers[float]:
        """Callbacks told "waiting N s because rate limited" (N), then 0.0 when the wait ends."""
        return self._transport.rate_limit_observers

    @property
    def retry_policy(self) -> RetryPolicy:
        """The retry bounds in use."""
        return self._transport.policy

    async def login(self, username: str, password: str) -> Me:
        """Sign in; raises InvalidCredentials, Offline, TlsError, ServerError... on failure."""
        # model_construct: the server validates. Client-side validation errors would quote the
        # input, i.e. the password, in their message.
        body = LoginRequest.model_construct(username=username, password=password)
        response = await self._request(
            "POST", "auth/login", content=to_json(body), authenticated=False, retryable=False
        )
        self._session.set_tokens(parse_model(TokenPair, response))
        return await self._load_me()

    async def resume(self, refresh_token: str) -> Me:
        """Sign in again with a remembered refresh token; SessionExpired when it is no longer valid."""
        self._session.set_refresh_token(refresh_token)
        await self._session.refresh_after(None)
        return await self._load_me()

    async def logout(self) -> None:
        """Revoke the refresh token on the server (best effort) and forget the session locally.

        Local sign-out always happens, even when the server is unreachable: the user asked to
        leave, and the refresh token expires on the server by itself.
        """
        token = self._session.refresh_token
        try:
            if token is not None:
                await self._request(
                    "POST",
                    "auth/logout",
                    content=to_json(RefreshRequest(refresh_token=token)),
                    retryable=False,
                    timeout=_LOGOUT_TIMEOUT,
                )
        except ApiError as exc:
            log.info("logout on the server failed (%s); signed out locally", type(exc).__name__)
        finally:
            self._session.clear()
            self._me = None

    async def _load_me(self) -> Me:
        self._me = await self.get("me", Me)
        return self._me

    def _report_refresh_token(self, token: str | None) -> None:
        callback = self.on_refresh_token_changed
        if callback is None:
            return
        try:
            callback(token)
        except Exception:
            # A keyring failure loses "remember me", not the running session.
            log.exception("on_refresh_token_changed failed")

    # -- typed calls ---------------------------------------------------------------------------

    async def get(self, path: str, model: type[M], *, params: QueryParams | None = None) -> M:
        """GET ``path`` and parse the body as ``model``."""
        response = await self._request("GET", path, params=params)
        return parse_model(model, response)

    async def get_list(self, path: str, model: type[M], *, params: QueryParams | None = None) -> list[M]:
        """GET an endpoint that answers a plain JSON array (e.g. ``/players/{id}/kyc``)."""
        response = await self._request("GET", path, params=params)
        items = parse_json(response)
        if not isinstance(items, list):
            raise unexpected(response, "expected a JSON array")
        return [validate_item(model, item, response) for item in items]

    async def get_page(self, path: str, model: type[M], *, params: QueryParams | None = None) -> Page[M]:
        """GET one page of a cursor-paginated list."""
        response = await self._request("GET", path, params=params)
        raw = parse_model(Page[Any], response)
        items = [validate_item(model, item, response) for item in raw.data]
        # model_construct: the envelope is validated above and the items just now.
        return Page.model_construct(
            data=items, next_cursor=raw.next_cursor, has_more=raw.has_more, total=raw.total
        )

    async def paginate(
        self,
        path: str,
        model: type[M],
        *,
        params: QueryParams | None = None,
        page_size: int = 200,
    ) -> AsyncIterator[list[M]]:
        """Yield every page's items, following ``next_cursor`` until ``has_more`` is false."""
        cursor: str | None = None
        while True:
            page_params: dict[str, Any] = {**(params or {}), "limit": page_size, "cursor": cursor}
            page = await self.get_page(path, model, params=page_params)
            if page.data:
                yield page.data
            if not page.has_more or not page.next_cursor:
                return
            if page.next_cursor == cursor:
                raise UnexpectedResponse(
                    Problem(title="Pagination loop", status=200, code="cursor_loop", detail=path)
                )
            cursor = page.next_cursor

    @overload
    async def send(
        self,
        method: str,
        path: str,
        *,
        body: BaseModel | None = None,
        model: None = None,
        if_match: int | None = None,
        idempotency_key: str | None = None,
        params: QueryParams | None = None,
    ) -> None: ...

    @overload
    async def send(
        self,
        method: str,
        path: str,
        *,
        body: BaseModel | None = None,
        model: type[M],
        if_match: int | None = None,
        idempotency_key: str | None = None,
        params: QueryParams | None = None,
    ) -> M: ...

    async def send(
        self,
        method: str,
        path: str,
        *,
        body: BaseModel | None = None,
        model: type[M] | None = None,
        if_match: int | None = None,
        idempotency_key: str | None = None,
        params: QueryParams | None = None,
    ) -> M | None:
        """Send a mutation. ``if_match`` is the resource version the user saw (→ ``If-Match``);
        ``idempotency_key`` is one UUID per user intent, reused when the user retries it, and is
        what makes the call retryable here."""
        headers: dict[str, str] = {}
        if if_match is not None:
            headers["If-Match"] = etag_for(if_match)
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        response = await self._request(
            method.upper(),
            path,
            params=params,
            content=to_json(body) if body is not None else None,
            headers=headers,
            idempotency_key=idempotency_key,
        )
        if model is None:
            return None
        return parse_model(model, response)

    async def get_versioned(self, path: str, model: type[M]) -> M:
        """GET a mutable resource; its ``version`` is taken from the ETag, which is authoritative
        for the ``If-Match`` of the next mutation."""
        response = await self._request("GET", path)
        item = parse_model(model, response)
        version = version_from_etag(response.headers.get("etag", ""))
        if isinstance(item, Versioned) and version is not None and item.version != version:
            item = item.model_copy(update={"version": version})
        return item

    async def reference(
        self, dataset: ReferenceDataset | str, etag: str | None
    ) -> tuple[ReferenceList | None, str | None]:
        """GET a reference dataset with ``If-None-Match``: ``(None, etag)`` when unchanged (304)."""
        headers = {"If-None-Match": etag} if etag else {}
        response = await self._request("GET", f"reference/{dataset}", headers=headers)
        if response.status_code == httpx.codes.NOT_MODIFIED:
            return None, etag
        return parse_model(ReferenceList, response), response.headers.get("etag")

    async def health(self) -> Health:
        """GET /health (no sign-in needed); the shell polls it to detect the server coming back."""
        response = await self._request("GET", "health", authenticated=False)
        return parse_model(Health, response)

    async def aclose(self) -> None:
        """Close the connection pool. The session is not revoked (see :meth:`logout`)."""
        await self._transport.aclose()

    async def __aenter__(self) -> ApiClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # -- event stream support (used by .sse) ----------------------------------------------------

    def open_stream(
        self, path: str, *, headers: Mapping[str, str], timeout: httpx.Timeout
    ) -> AbstractAsyncContextManager[httpx.Response]:
        """Open a streaming GET (bearer token, one refresh on 401); see :meth:`Transport.open_stream`."""
        return self._transport.open_stream(path, headers=headers, timeout=timeout)

    def note_online(self) -> None:
        """Record that the server answered; the event stream reports its reconnects this way."""
        self._transport.note_online()

    def note_connection_failure(self, *, reconnecting: bool) -> None:
        """Record a transport failure: RECONNECTING while retrying, OFFLINE when giving up."""
        self._transport.note_connection_failure(reconnecting=reconnecting)

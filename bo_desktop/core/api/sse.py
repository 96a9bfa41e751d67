"""The ``GET /events`` consumer: Server-Sent Events with reconnect and Last-Event-ID.

:class:`EventStream` keeps one long-lived request open, parses events with :class:`SseParser` and
hands each :class:`~bo_desktop.contract.events.ServerEvent` to ``on_event`` (in the app: the
EventHub). When the stream drops it reconnects with jittered exponential backoff and sends
``Last-Event-ID``, so no event is lost; if the server can no longer replay from that id it sends a
``reset`` event, which is passed on like any other so consumers reload. A 401 on (re)connect is
cured by the client's shared token refresh.

``run()`` only ever waits on the network or on ``asyncio.sleep``, so cancelling its task stops it
at once (clean shutdown).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Callable

import httpx
from pydantic import ValidationError

from bo_desktop.contract.events import ServerEvent

from .client import ApiClient
from .errors import (
    ApiError,
    AuthError,
    Forbidden,
    NetworkError,
    RateLimited,
    ServerError,
    UnexpectedResponse,
)
from .observers import ConnectionState
from .parsing import unexpected
from .sse_parser import SseMessage, SseParser

log = logging.getLogger(__name__)

# Errors after which reconnecting is pointless until the user signs in again or gets the
# permission: they end run() instead of looping.
_FATAL = (AuthError, Forbidden)


class EventStream:
    """Consumes the server's event stream until cancelled."""

    def __init__(
        self,
        client: ApiClient,
        on_event: Callable[[ServerEvent], None],
        *,
        on_state: Callable[[ConnectionState], None] | None = None,
        last_event_id: int | None = None,
        read_timeout: float = 45.0,
        base_delay: float = 1.0,
        max_delay: float = 30.0,
    ) -> None:
        """``read_timeout`` must exceed the server's heartbeat interval: a stream silent for longer
        is treated as dead (a half-open TCP connection after sleep or a Wi-Fi switch)."""
        self._client = client
        self._on_event = on_event
        self._on_state = on_state
        self._last_event_id = last_event_id
        self._timeout = httpx.Timeout(10.0, read=read_timeout)
        self._base_delay = base_delay
        self._max_delay = max_delay
        self._state: ConnectionState | None = None
        self._retry_ms: int | None = None  # the server's "retry:" hint, kept across connections
        self.connects = 0  # successful connections; >1 means it resumed at least once
        self._lines = 0  # lines read over all connections (comments included)

    @property
    def last_event_id(self) -> int | None:
        """The id of the last event received; sent as Last-Event-ID on reconnect."""
        return self._last_event_id

    async def run(self) -> None:
        """Connect, dispatch events, reconnect on failure; returns only by cancellation.

        Raises AuthError (SessionExpired) or Forbidden when the server refuses the stream for
        good: the shell then asks the user to sign in again.
        """
        failures = 0
        while True:
            parser = SseParser()
            lines_before = self._lines
            try:
                await self._consume(parser)
                log.info("event stream ended by the server; reconnecting")
                self._set_state(ConnectionState.RECONNECTING)
            except _FATAL:
                self._set_state(ConnectionState.OFFLINE)
                raise
            except RateLimited as exc:
                self._set_state(ConnectionState.RECONNECTING)
                await asyncio.sleep(exc.retry_after or self._backoff(failures))
                failures += 1
                continue
            except (NetworkError, ServerError, UnexpectedResponse, httpx.TransportError) as exc:
                # NetworkError: could not connect; httpx.TransportError: dropped mid-stream.
                connected = self._state is ConnectionState.ONLINE
                log.info("event stream failed (%s); reconnecting", type(exc).__name__)
                self._set_state(ConnectionState.RECONNECTING if connected else ConnectionState.OFFLINE)
                if not isinstance(exc, ApiError):
                    self._client.note_connection_failure(reconnecting=True)
            finally:
                self._retry_ms = parser.retry_ms if parser.retry_ms is not None else self._retry_ms
            # A stream that delivered something was healthy: start the backoff over.
            failures = 0 if self._lines > lines_before else failures + 1
            await asyncio.sleep(self._backoff(failures))

    def _backoff(self, failures: int) -> float:
        """Full jitter over an exponential cap whose base is the server's ``retry:`` hint."""
        base = self._retry_ms / 1000 if self._retry_ms is not None else self._base_delay
        return random.random() * min(self._max_delay, base * (2**failures))

    async def _consume(self, parser: SseParser) -> None:
        """One connection, until the server closes it or it fails."""
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
        if self._last_event_id is not None:
            headers["Last-Event-ID"] = str(self._last_event_id)
        async with self._client.open_stream("events", headers=headers, timeout=self._timeout) as response:
            content_type = response.headers.get("content-type", "")
            if not content_type.startswith("text/event-stream"):
                # A captive portal or misconfigured proxy: worth retrying later, not parsing.
                raise unexpected(response, f"not an event stream ({content_type or 'no type'})")
            self.connects += 1
            self._set_state(ConnectionState.ONLINE)
            async for line in response.aiter_lines():
                self._lines += 1
                message = parser.feed_line(line)
                if message is not None:
                    self._dispatch(message)

    def _dispatch(self, message: SseMessage) -> None:
        try:
            event_id = int(message.id) if message.id is not None else None
        except ValueError:
            event_id = None
        if event_id is not None:
            # Advance even if the payload is unusable: asking for it again would not fix it.
            self._last_event_id = event_id
        try:
            event = ServerEvent(id=event_id or 0, type=message.event, data=json.loads(message.data))
        except (ValueError, ValidationError):
            log.warning("skipping malformed event %s (%s)", event_id, message.event)
            return
        try:
            self._on_event(event)
        except Exception:
            # A consumer bug must not take the live feed down for every other panel.
            log.exception("event consumer failed on %s %s", event.type, event.id)

    def _set_state(self, state: ConnectionState) -> None:
        if state is self._state:
            return
        self._state = state
        if state is ConnectionState.ONLINE:
            self._client.note_online()
        if self._on_state is not None:
            self._on_state(state)

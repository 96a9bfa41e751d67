"""Async client of the platform API v1 (httpx on the qasync loop).

Public interface (Qt-free):

- :class:`ApiClient` — session (login / resume / logout, rotating refresh token reported through
  ``on_refresh_token_changed``), typed calls (``get``, ``get_list``, ``get_page``, ``paginate``,
  ``send``, ``get_versioned``, ``reference``, ``health``), connection-state and rate-limit
  observers.
- :class:`EventStream` — the ``GET /events`` consumer (SSE) with reconnect and Last-Event-ID.
- the :mod:`.errors` hierarchy, all rooted at :class:`ApiError` with a ``user_message``.
- :class:`ConnectionState`, :class:`RetryPolicy`.

Additions to the interface agreed in the brief (nothing renamed):

- ``ApiClient.get_list(path, model)`` for endpoints answering a bare JSON array
  (``/players/{id}/kyc``, ``/players/{id}/limits``).
- ``ApiClient(..., retry=RetryPolicy(...))`` to tune retry bounds (tests use short delays).
- ``ApiClient.connection_state``, ``.connection_observers`` and ``.rate_limit_observers``
  (:class:`Observers`: ``.add(cb)`` / ``.remove(cb)``); the rate-limit observers get the number of
  seconds about to be waited, then ``0.0`` when the wait is over.
- ``ApiClient.refresh_count`` (successful refreshes).
- Errors: :class:`ConnectionLost` (connection dropped mid-answer), :class:`BadServerAddress`
  (the URL is not http(s)) and
  :class:`UnexpectedResponse` (a 2xx body that does not match the contract); the transport
  errors share the base :class:`NetworkError` (``status == 0``, ``.retryable``).
- Retries: besides 502/503/504, a call carrying an Idempotency-Key is also retried on 500 (the
  server replays the committed result) and on 409 ``idempotency_in_flight``.
- ``EventStream(..., last_event_id=None, read_timeout=45.0)``, ``.last_event_id``, ``.connects``.

Elsewhere in core (same rule: added, nothing renamed):

- ``EventHub.publish(event)`` (what the stream calls) and ``EventHub.subscribe(prefix, slot,
  owner=None) -> Subscription`` (dies with ``owner``, or ``.cancel()``).
- ``ReferenceCache.sync(api, datasets=ALL_DATASETS)``, ``.close()``, ``.items_as(dataset,
  Model)``, ``.revision(dataset)``; reason codes are keyed ``applies_to/code``
  (``cache.reason_code_key``); ``label(dataset, key, default=None)`` falls back to the key.
"""

from .client import ApiClient
from .errors import (
    ApiError,
    AuthError,
    BadServerAddress,
    Conflict,
    ConnectionLost,
    Forbidden,
    InvalidCredentials,
    NetworkError,
    NotFound,
    Offline,
    PreconditionFailed,
    PreconditionRequired,
    RateLimited,
    RequestTimeout,
    ServerError,
    SessionExpired,
    TlsError,
    UnexpectedResponse,
    ValidationFailed,
)
from .observers import ConnectionState, Observers
from .retry import RetryPolicy
from .sse import EventStream

__all__ = [
    "ApiClient",
    "ApiError",
    "AuthError",
    "BadServerAddress",
    "Conflict",
    "ConnectionLost",
    "ConnectionState",
    "EventStream",
    "Forbidden",
    "InvalidCredentials",
    "NetworkError",
    "NotFound",
    "Observers",
    "Offline",
    "PreconditionFailed",
    "PreconditionRequired",
    "RateLimited",
    "RequestTimeout",
    "RetryPolicy",
    "ServerError",
    "SessionExpired",
    "TlsError",
    "UnexpectedResponse",
    "ValidationFailed",
]

"""Typed exceptions for everything the platform API (or the network in between) can answer.

Every exception carries a contract :class:`~bo_desktop.contract.Problem`: the server's RFC 9457
body when there is one, a synthesized one otherwise (non-JSON error pages from a proxy, transport
failures with ``status == 0``). The exception text is the problem's ``detail`` (or ``title``);
request headers and bodies never reach it, so tokens and passwords cannot leak through a
traceback, a log line or the error dialog.
"""

from __future__ import annotations

import ssl
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from pydantic import ValidationError

from bo_desktop.contract import Problem
from bo_desktop.contract.common import FieldError

PROBLEM_CONTENT_TYPES = ("application/problem+json", "application/json")


class ApiError(Exception):
    """Base of every API failure. ``str(error)`` is safe to show and to log."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem.detail or problem.title)

    @property
    def status(self) -> int:
        """HTTP status, 0 when no response arrived."""
        return self.problem.status

    @property
    def code(self) -> str:
        """The server's machine-readable error code, e.g. ``claimed_by_other``."""
        return self.problem.code

    @property
    def user_message(self) -> str:
        """One readable sentence for the UI; subclasses phrase their own."""
        return self.problem.detail or self.problem.title

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status}, code={self.code!r}, message={str(self)!r})"


class AuthError(ApiError):
    """401: the request was not authenticated."""

    @property
    def user_message(self) -> str:
        return self.problem.detail or "You are not signed in."


class InvalidCredentials(AuthError):
    """401 ``invalid_credentials`` from ``POST /auth/login``."""

    @property
    def user_message(self) -> str:
        return "Wrong username or password."


class SessionExpired(AuthError):
    """The access token expired and the refresh token was rejected: sign in again."""

    @property
    def user_message(self) -> str:
        return "Your session has expired. Please sign in again."


class Forbidden(ApiError):
    """403: signed in, but the role lacks the permission."""

    @property
    def user_message(self) -> str:
        return self.problem.detail or "You do not have permission to do this."


class NotFound(ApiError):
    """404."""

    @property
    def user_message(self) -> str:
        return self.problem.detail or "The item no longer exists."


class ValidationFailed(ApiError):
    """422: the request body was rejected; ``errors`` lists the offending fields."""

    @property
    def errors(self) -> list[FieldError]:
        return self.problem.errors

    @property
    def user_message(self) -> str:
        if not self.errors:
            return self.problem.detail or "The server rejected the input."
        fields = "; ".join(f"{e.field}: {e.message}" for e in self.errors)
        return f"{self.problem.detail or 'Invalid input'} ({fields})"


class PreconditionRequired(ApiError):
    """428: a mutation was sent without ``If-Match`` (a client bug, not a user error)."""

    @property
    def user_message(self) -> str:
        return "The request was incomplete (missing version). Reload and try again."


class PreconditionFailed(ApiError):
    """412: somebody changed the resource since it was loaded; ``current`` is the new state."""

    @property
    def current(self) -> dict[str, Any]:
        return self.problem.current or {}

    @property
    def user_message(self) -> str:
        return "Someone else changed this item in the meantime. Review the current state and retry."


class Conflict(ApiError):
    """409: the action does not fit the resource's state (``code`` says why)."""


class RateLimited(ApiError):
    """429 that could not be waited out; ``retry_after`` is in seconds (None if unknown)."""

    def __init__(self, problem: Problem, retry_after: float | None = None) -> None:
        super().__init__(problem)
        self.retry_after = retry_after if retry_after is not None else problem.retry_after

    @property
    def user_message(self) -> str:
        if self.retry_after:
            return f"The server is busy. Try again in {self.retry_after:.0f} s."
        return "The server is busy. Try again shortly."


class ServerError(ApiError):
    """5xx."""

    @property
    def user_message(self) -> str:
        return f"The server had a problem ({self.status}). {self.problem.detail}".strip()


class UnexpectedResponse(ApiError):
    """A 2xx whose body does not match the contract (server newer or broken)."""

    @property
    def user_message(self) -> str:
        return "The server sent a response this version of bo-desktop does not understand."


class NetworkError(ApiError):
    """No usable HTTP response: base of the transport failures (``status`` is 0)."""

    retryable = True  # whether trying again in a moment can help


class BadServerAddress(NetworkError):
    """The configured server URL is not an http(s) URL: a settings problem, not the network."""

    retryable = False

    @property
    def user_message(self) -> str:
        return "The server address is not a valid http(s) URL."


class Offline(NetworkError):
    """The server could not be reached (connection refused, DNS, connect timeout)."""

    @property
    def user_message(self) -> str:
        return "Cannot reach the server. Check the address and your network connection."


class ConnectionLost(NetworkError):
    """The connection dropped before the answer was complete."""

    @property
    def user_message(self) -> str:
        return "The connection to the server was lost."


class TlsError(NetworkError):
    """The TLS handshake failed: an untrusted or mismatched certificate, or not an https server."""

    retryable = False  # a certificate does not fix itself within seconds

    @property
    def user_message(self) -> str:
        return (
            f"{self.problem.detail} Check the server address, or ask IT whether its certificate is trusted."
        )


class RequestTimeout(NetworkError):
    """The server accepted the connection but did not answer in time."""

    @property
    def user_message(self) -> str:
        return "The server did not answer in time."


_BY_STATUS: dict[int, type[ApiError]] = {
    401: AuthError,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    412: PreconditionFailed,
    422: ValidationFailed,
    428: PreconditionRequired,
    429: RateLimited,
}


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP date); None if absent/garbled."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def problem_from_response(response: httpx.Response) -> Problem:
    """The response's problem+json body, or a synthesized Problem for anything else."""
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in PROBLEM_CONTENT_TYPES and response.content:
        try:
            problem = Problem.model_validate_json(response.content)
        except ValidationError:
            pass  # JSON but not a problem (e.g. a gateway's own error format): synthesize below
        else:
            # The status line is authoritative; a body copied from elsewhere may disagree.
            return problem.model_copy(update={"status": response.status_code})
    # Non-JSON bodies (an HTML page from a reverse proxy) are not shown: they are unreadable in a
    # dialog and may echo request details back.
    reason = response.reason_phrase or "Error"
    return Problem(
        title=reason,
        status=response.status_code,
        detail=f"The server answered {response.status_code} {reason}.",
        code=f"http_{response.status_code}",
    )


def error_from_response(response: httpx.Response) -> ApiError:
    """Map an error response (status >= 400) to the matching typed exception."""
    problem = problem_from_response(response)
    status = response.status_code
    if status == 401 and problem.code == "invalid_credentials":
        return InvalidCredentials(problem)
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        return RateLimited(problem, retry_after)
    if status >= 500:
        return ServerError(problem)
    return _BY_STATUS.get(status, ApiError)(problem)


def _tls_failure(exc: BaseException) -> str | None:
    """Which TLS failure ``exc`` is, or wraps: ``"certificate"``, ``"handshake"``, or None."""
    seen: set[int] = set()
    current: BaseException | None = exc
    found = False
    while current is not None and id(current) not in seen:
        found = found or isinstance(current, ssl.SSLError | ssl.CertificateError)
        if isinstance(current, ssl.SSLCertVerificationError | ssl.CertificateError):
            return "certificate"
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    # httpcore re-raises ssl errors as ConnectError, sometimes with the original message only.
    text = str(exc).upper()
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return "certificate"
    return "handshake" if found or text.startswith("[SSL") else None


def _transport_problem(title: str, code: str, detail: str) -> Problem:
    return Problem(title=title, status=0, code=code, detail=detail)


def error_from_transport(exc: httpx.TransportError) -> NetworkError:
    """Map an httpx transport failure to Offline / TlsError / RequestTimeout / ConnectionLost.

    The httpx message is not copied into the problem: it can be long and low-level; the type and
    a fixed sentence say what the user needs. The original stays as ``__cause__`` for the log.
    """
    tls = _tls_failure(exc)
    if tls == "certificate":
        return TlsError(
            _transport_problem(
                "TLS error", "tls_certificate", "The server's certificate could not be verified (TLS error)."
            )
        )
    if tls == "handshake":
        return TlsError(
            _transport_problem(
                "TLS error",
                "tls_error",
                "A secure connection could not be established (TLS error); is this an https server?",
            )
        )
    if isinstance(exc, httpx.UnsupportedProtocol):
        return BadServerAddress(
            _transport_problem("Bad address", "bad_url", "The server address is not an http(s) URL.")
        )
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
        return Offline(_transport_problem("Offline", "offline", "The server could not be reached."))
    if isinstance(exc, httpx.TimeoutException):
        return RequestTimeout(_transport_problem("Timeout", "timeout", "The server did not answer in time."))
    return ConnectionLost(
        _transport_problem("Connection lost", "connection_lost", "The connection to the server dropped.")
    )

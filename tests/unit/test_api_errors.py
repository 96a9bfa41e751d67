"""Error mapping: problem+json and non-JSON responses, transport failures, Retry-After."""

from __future__ import annotations

import ssl
from datetime import UTC, datetime

import httpx
import pytest

from bo_desktop.core.api import errors
from bo_desktop.core.api.errors import (
    ApiError,
    AuthError,
    Conflict,
    ConnectionLost,
    Forbidden,
    InvalidCredentials,
    NotFound,
    Offline,
    PreconditionFailed,
    PreconditionRequired,
    RateLimited,
    RequestTimeout,
    ServerError,
    TlsError,
    ValidationFailed,
    error_from_response,
    error_from_transport,
    parse_retry_after,
)

REQUEST = httpx.Request("POST", "https://bo.example/api/v1/withdrawals/W-1/approve")


def problem_response(status: int, code: str, **extra: object) -> httpx.Response:
    body = {"type": "about:blank", "title": "T", "status": status, "detail": f"detail {code}", "code": code}
    body.update(extra)
    return httpx.Response(
        status, json=body, headers={"content-type": "application/problem+json"}, request=REQUEST
    )


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (401, "invalid_credentials", InvalidCredentials),
        (401, "token_expired", AuthError),
        (403, "forbidden", Forbidden),
        (404, "not_found", NotFound),
        (409, "claimed_by_other", Conflict),
        (412, "precondition_failed", PreconditionFailed),
        (422, "validation_error", ValidationFailed),
        (428, "precondition_required", PreconditionRequired),
        (429, "rate_limited", RateLimited),
        (500, "chaos_error", ServerError),
        (503, "chaos_error", ServerError),
        (418, "teapot", ApiError),
    ],
)
def test_problem_maps_to_typed_exception(status: int, code: str, expected: type[ApiError]) -> None:
    error = error_from_response(problem_response(status, code))
    assert type(error) is expected
    assert error.status == status
    assert error.code == code
    assert str(error) == f"detail {code}"
    assert error.user_message


def test_validation_errors_and_412_current_are_exposed() -> None:
    invalid = error_from_response(
        problem_response(422, "validation_error", errors=[{"field": "reason_code", "message": "unknown"}])
    )
    assert isinstance(invalid, ValidationFailed)
    assert invalid.errors[0].field == "reason_code"
    assert "reason_code: unknown" in invalid.user_message

    stale = error_from_response(problem_response(412, "precondition_failed", current={"version": 7}))
    assert isinstance(stale, PreconditionFailed)
    assert stale.current == {"version": 7}


def test_rate_limited_takes_retry_after_header() -> None:
    response = problem_response(429, "rate_limited")
    response.headers["Retry-After"] = "3"
    error = error_from_response(response)
    assert isinstance(error, RateLimited)
    assert error.retry_after == 3.0
    assert "3 s" in error.user_message


def test_non_json_error_body_is_not_shown() -> None:
    html = "<html><body>502 Bad Gateway <script>x</script></body></html>"
    response = httpx.Response(502, text=html, headers={"content-type": "text/html"}, request=REQUEST)
    error = error_from_response(response)
    assert isinstance(error, ServerError)
    assert "<html>" not in str(error)
    assert "502" in error.user_message


def test_json_that_is_not_a_problem_is_synthesized() -> None:
    response = httpx.Response(404, json={"message": "nope"}, request=REQUEST)
    error = error_from_response(response)
    assert isinstance(error, NotFound)
    assert error.code == "http_404"


def test_body_status_does_not_override_status_line() -> None:
    response = problem_response(409, "conflict")
    response = httpx.Response(
        403, content=response.content, headers={"content-type": "application/problem+json"}, request=REQUEST
    )
    assert isinstance(error_from_response(response), Forbidden)


def test_parse_retry_after_forms() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("2.5") == 2.5
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:10 GMT", now=now) == 10.0
    assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_transport_errors_map_to_network_errors() -> None:
    assert isinstance(error_from_transport(httpx.ConnectError("refused", request=REQUEST)), Offline)
    assert isinstance(error_from_transport(httpx.ConnectTimeout("slow", request=REQUEST)), Offline)
    assert isinstance(error_from_transport(httpx.ReadTimeout("slow", request=REQUEST)), RequestTimeout)
    dropped = httpx.RemoteProtocolError("peer closed connection", request=REQUEST)
    assert isinstance(error_from_transport(dropped), ConnectionLost)
    assert error_from_transport(dropped).status == 0


def test_certificate_failure_is_a_tls_error_that_says_so() -> None:
    cause = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] self-signed certificate")
    try:
        try:
            raise cause
        except ssl.SSLError as exc:
            raise httpx.ConnectError(str(exc), request=REQUEST) from exc
    except httpx.ConnectError as wrapped:
        error = error_from_transport(wrapped)
    assert isinstance(error, TlsError)
    assert "certificate" in error.user_message.lower()
    assert "TLS" in error.user_message


def test_messages_never_carry_request_secrets() -> None:
    request = httpx.Request(
        "POST",
        "https://bo.example/api/v1/auth/login",
        headers={"Authorization": "Bearer SECRET-ACCESS"},
        content=b'{"username":"u","password":"SECRET-PW"}',
    )
    failures: list[ApiError] = [
        error_from_transport(httpx.ConnectError("refused", request=request)),
        error_from_response(httpx.Response(500, text="SECRET-PW echoed", request=request)),
    ]
    for error in failures:
        for text in (str(error), repr(error), error.user_message):
            assert "SECRET" not in text


def test_every_error_class_has_a_user_message() -> None:
    from bo_desktop.contract import Problem

    problem = Problem(title="t", status=0)
    for cls in vars(errors).values():
        if isinstance(cls, type) and issubclass(cls, ApiError):
            assert cls(problem).user_message

"""RFC 9457 problem+json errors: the only error shape the API ever sends.

How to use it in a route::

    raise ApiProblem(409, "claimed_by_other", "W-000042 is claimed by Anna until 14:05.")
    raise not_found("withdrawal", withdrawal_id)
    raise validation_problem([("reason_code", "unknown reason code")])

``install_problem_handlers(app)`` also turns FastAPI's own errors (request validation, unknown
route 404, 405, stray exceptions) into the same shape, so the client has one error path. A stray
exception becomes a 500 ``internal_error`` whose detail never contains the traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from bo_desktop.contract.common import FieldError, Problem

PROBLEM_MEDIA_TYPE = "application/problem+json"
_log = logging.getLogger(__name__)

# Machine codes for errors raised by Starlette itself (no route, wrong method, ...).
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class ApiProblem(Exception):
    """Raise anywhere below a route to answer with a problem+json body."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str = "",
        *,
        errors: Iterable[FieldError] = (),
        current: dict[str, Any] | None = None,
        retry_after: float | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.problem = Problem(
            title=_title(status),
            status=status,
            detail=detail,
            code=code,
            errors=list(errors),
            current=current,
            retry_after=retry_after,
        )
        self.headers = dict(headers or {})
        if retry_after is not None:
            self.headers.setdefault("Retry-After", str(max(0, round(retry_after))))


def problem_response(problem: Problem, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        problem.model_dump(mode="json", exclude_none=True),
        status_code=problem.status,
        headers=dict(headers or {}),
        media_type=PROBLEM_MEDIA_TYPE,
    )


def make_problem(status: int, code: str, detail: str = "", **extra: Any) -> Problem:
    return Problem(title=_title(status), status=status, code=code, detail=detail, **extra)


def not_found(entity: str, entity_id: str) -> ApiProblem:
    return ApiProblem(404, "not_found", f"There is no {entity} {entity_id}.")


def conflict(code: str, detail: str) -> ApiProblem:
    return ApiProblem(409, code, detail)


def validation_problem(errors: Iterable[tuple[str, str]], detail: str = "") -> ApiProblem:
    """422 ``validation_error`` for checks pydantic cannot do (e.g. a reason code's dataset)."""
    field_errors = [FieldError(field=f, message=m) for f, m in errors]
    if not detail:
        detail = "; ".join(f"{e.field}: {e.message}" for e in field_errors) or "Invalid request."
    return ApiProblem(422, "validation_error", detail, errors=field_errors)


def _field_name(loc: Iterable[Any]) -> str:
    # ("body", "reason_code") -> "reason_code"; ("query", "limit") -> "limit"; nested -> "a.0.b"
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"} and len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts)


def _validation_message(error: Mapping[str, Any]) -> str:
    message = str(error.get("msg", "invalid value"))
    # pydantic prefixes custom ValueErrors with "Value error, "; the client shows the message.
    return message.removeprefix("Value error, ")


async def _on_api_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiProblem)
    problem = exc.problem.model_copy(update={"instance": request.url.path})
    return problem_response(problem, exc.headers)


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        FieldError(field=_field_name(e.get("loc", ())), message=_validation_message(e)) for e in exc.errors()
    ]
    detail = "; ".join(f"{e.field}: {e.message}" for e in errors[:5]) or "Invalid request."
    problem = make_problem(422, "validation_error", detail, errors=errors, instance=request.url.path)
    return problem_response(problem)


async def _on_http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    detail = exc.detail if isinstance(exc.detail, str) else _title(status)
    if status == 404 and detail == "Not Found":
        detail = f"There is no resource at {request.url.path}."
    code = _HTTP_CODES.get(status, "error")
    problem = make_problem(status, code, detail, instance=request.url.path)
    return problem_response(problem, exc.headers)


async def _on_unhandled(request: Request, exc: Exception) -> JSONResponse:
    _log.exception("unhandled error on %s %s", request.method, request.url.path)
    problem = make_problem(
        500, "internal_error", "The server failed to handle this request.", instance=request.url.path
    )
    return problem_response(problem)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiProblem, _on_api_problem)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
    app.add_exception_handler(Exception, _on_unhandled)


# For include_router(responses=...): documents the error shape of every route in the OpenAPI.
# The Problem schema itself is added to the components by create_app (FastAPI only emits models
# that some route returns).
_PROBLEM_CONTENT = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"description": "Client error (problem+json)", "content": _PROBLEM_CONTENT},
    "5XX": {"description": "Server error (problem+json)", "content": _PROBLEM_CONTENT},
}

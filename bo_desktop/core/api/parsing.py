"""Turning response bodies into contract models, and models into request bodies.

A body that does not match the contract becomes :class:`~.errors.UnexpectedResponse`. The log
line names the failing fields but never their values: they could be tokens or player data.
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from bo_desktop.contract import Problem

from .errors import UnexpectedResponse

M = TypeVar("M", bound=BaseModel)

log = logging.getLogger(__name__)


def to_json(body: BaseModel) -> bytes:
    """Serialize a request body.

    ``exclude_unset``: a PATCH sends only what the user changed; for creates the server applies
    the same contract defaults.
    """
    return body.model_dump_json(by_alias=True, exclude_unset=True).encode()


def unexpected(response: httpx.Response, why: str) -> UnexpectedResponse:
    """The error for a 2xx body the contract does not describe."""
    return UnexpectedResponse(
        Problem(
            title="Unexpected response",
            status=response.status_code,
            code="bad_response",
            detail=f"{response.request.url.path}: {why}",
        )
    )


def parse_json(response: httpx.Response) -> Any:
    """The decoded JSON body."""
    try:
        return response.json()
    except ValueError as exc:
        raise unexpected(response, "body is not JSON") from exc


def parse_model(model: type[M], response: httpx.Response) -> M:
    """The body validated as ``model``."""
    try:
        return model.model_validate_json(response.content)
    except ValidationError as exc:
        _log_mismatch(response, model, exc)
        raise unexpected(response, f"does not match {model.__name__}") from None


def validate_item(model: type[M], item: Any, response: httpx.Response) -> M:
    """One already-decoded item of ``response`` validated as ``model``."""
    try:
        return model.model_validate(item)
    except ValidationError as exc:
        _log_mismatch(response, model, exc)
        raise unexpected(response, f"item does not match {model.__name__}") from None


def _log_mismatch(response: httpx.Response, model: type[BaseModel], exc: ValidationError) -> None:
    problems = [(e["loc"], e["type"]) for e in exc.errors(include_url=False, include_input=False)]
    log.warning("%s: body does not match %s: %s", response.request.url.path, model.__name__, problems[:5])

"""Shared building blocks of API v1: errors, pages, money conventions.

Money is always integer minor units plus an ISO 4217 currency code (``amount_minor`` + ``currency``),
never floats. Timestamps are timezone-aware UTC datetimes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

API_PREFIX = "/api/v1"

T = TypeVar("T")


class ContractModel(BaseModel):
    """Base of every contract model: unknown fields from a newer server are ignored, not fatal."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class FieldError(ContractModel):
    field: str
    message: str


class Problem(ContractModel):
    """RFC 9457 problem details, with our machine-readable ``code``.

    ``current`` carries the current representation on 412 (stale If-Match) so the client can show
    what changed and by whom. ``retry_after`` mirrors the Retry-After header on 429/503.
    """

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    code: str = "error"
    instance: str | None = None
    errors: list[FieldError] = Field(default_factory=list)
    current: dict[str, Any] | None = None
    retry_after: float | None = None


class Page(ContractModel, Generic[T]):
    """One page of a cursor-paginated list. Order is stable; ``next_cursor`` is opaque."""

    data: list[T]
    next_cursor: str | None = None
    has_more: bool = False
    total: int | None = None  # only when the endpoint can count cheaply (``?count=true``)


class Versioned(ContractModel):
    """A mutable resource: ``version`` is echoed in the ETag header as ``W/"<version>"``."""

    version: int


class Health(ContractModel):
    status: str  # "ok"
    version: str
    time: datetime
    database: str  # "sqlite" | "postgresql" | ...
    simulator: bool = False


def etag_for(version: int) -> str:
    """The ETag header value for a resource version (weak: the JSON encoding may vary)."""
    return f'W/"{version}"'


def version_from_etag(etag: str) -> int | None:
    """Parse ``W/"12"`` or ``"12"`` back to 12; None when it is not one of ours."""
    value = etag.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    return int(value) if value.isdigit() else None

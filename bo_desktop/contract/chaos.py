"""Fault injection settings of the sandbox (``GET/PUT /admin/chaos``, admin only)."""

from __future__ import annotations

from pydantic import Field

from .common import ContractModel


class ChaosConfig(ContractModel):
    latency_ms: int = Field(default=0, ge=0, le=60_000)
    error_rate_before_commit: float = Field(default=0.0, ge=0, le=1)  # 503 before any change
    error_rate_after_commit: float = Field(default=0.0, ge=0, le=1)  # 500 after the change committed
    drop_rate: float = Field(default=0.0, ge=0, le=1)  # close the connection without an answer
    rate_limit_rate: float = Field(default=0.0, ge=0, le=1)  # 429 with Retry-After
    retry_after_seconds: float = Field(default=1.0, ge=0, le=600)
    sse_disconnect_every: int = Field(default=0, ge=0)  # 0 = never
    psp_outage: list[str] = Field(default_factory=list)  # PSP codes down: their deposits and payouts fail
    paths: list[str] = Field(default_factory=list)  # only these path prefixes; empty = all but /admin

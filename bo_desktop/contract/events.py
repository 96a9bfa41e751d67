"""Server-Sent Events of ``GET /events``.

Each event has a monotonic integer ``id``, a ``type`` (the SSE ``event:`` field) and a JSON ``data``
payload. Entity events carry the full current representation under ``data`` so a client can update a
row in place without another request.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from .common import ContractModel


class EventType(StrEnum):
    RESET = "reset"  # Last-Event-ID too old: reload everything
    HEARTBEAT = "heartbeat"
    METRICS = "metrics.snapshot"  # data: MetricsSnapshot
    METRICS_POINT = "metrics.point"  # data: TimeseriesPoint of the 1-second series
    WITHDRAWAL_CREATED = "withdrawal.created"
    WITHDRAWAL_UPDATED = "withdrawal.updated"
    TRANSACTION_CREATED = "transaction.created"
    PLAYER_UPDATED = "player.updated"
    DISPUTE_CREATED = "dispute.created"
    DISPUTE_UPDATED = "dispute.updated"
    DISPUTE_COMMENTED = "dispute.commented"
    ALERT_CREATED = "alert.created"
    ALERT_UPDATED = "alert.updated"
    KYC_UPDATED = "kyc.updated"
    REFERENCE_UPDATED = "reference.updated"  # data: {"dataset": ..., "revision": ...}


class ServerEvent(ContractModel):
    id: int
    type: str
    data: dict[str, Any]

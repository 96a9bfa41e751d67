"""The append-only, hash-chained audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .common import ContractModel


class AuditRecord(ContractModel):
    seq: int
    at: datetime
    actor_id: str
    actor_name: str
    action: str  # withdrawal.approve, player.note.add, dispute.assign, ...
    entity_type: str
    entity_id: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    reason: str | None = None
    prev_hash: str
    hash: str


class AuditVerification(ContractModel):
    ok: bool
    checked: int
    broken_at: int | None = None  # seq of the first record whose hash does not match
    detail: str = ""

"""Audit trail: filtered pages, chain verification, and what the viewer shows of a record."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bo_desktop.contract.audit import AuditRecord, AuditVerification
from bo_desktop.contract.common import Page
from bo_desktop.core.api.client import ApiClient

PAGE_SIZE = 500
ENTITY_TYPES = ["alert", "player", "kyc_document", "withdrawal", "dispute", "segment", "staff", "chaos"]


@dataclass(frozen=True)
class AuditFilter:
    actor_id: str = ""
    entity_type: str = ""
    entity_id: str = ""
    action: str = ""
    since: datetime | None = None
    until: datetime | None = None  # exclusive

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"sort": "-seq"}
        for key in ("actor_id", "entity_type", "entity_id", "action"):
            value = getattr(self, key).strip()
            if value:
                params[key] = value
        if self.since is not None:
            params["from"] = self.since.isoformat()
        if self.until is not None:
            params["to"] = self.until.isoformat()
        return params


@dataclass(frozen=True)
class DiffLine:
    field: str
    before: str
    after: str
    changed: bool


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix or "value": value}


def _text(value: Any, present: bool) -> str:
    if not present:
        return "—"
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def diff(record: AuditRecord) -> list[DiffLine]:
    """Field by field before/after (nested values as dotted names), changed fields first."""
    before, after = _flatten(record.before or {}), _flatten(record.after or {})
    lines = []
    for name in sorted(set(before) | set(after)):
        changed = before.get(name, object()) != after.get(name, object())
        lines.append(
            DiffLine(
                name, _text(before.get(name), name in before), _text(after.get(name), name in after), changed
            )
        )
    return sorted(lines, key=lambda line: not line.changed)


def verification_text(result: AuditVerification) -> str:
    if result.ok:
        return f"Verified — {result.checked:,} records, chain intact"
    return (
        f"Broken at record {result.broken_at}: {result.detail}"
        if result.detail
        else f"Broken at record {result.broken_at}"
    )


class AuditService:
    def __init__(self, api: ApiClient) -> None:
        self._api = api

    async def page(self, audit_filter: AuditFilter, cursor: str | None = None) -> Page[AuditRecord]:
        params = {**audit_filter.params(), "limit": PAGE_SIZE}
        if cursor:
            params["cursor"] = cursor
        return await self._api.get_page("/audit", AuditRecord, params=params)

    async def all_pages(self, audit_filter: AuditFilter) -> AsyncIterator[list[AuditRecord]]:
        async for page in self._api.paginate(
            "/audit", AuditRecord, params=audit_filter.params(), page_size=PAGE_SIZE
        ):
            yield page

    async def verify(self) -> AuditVerification:
        return await self._api.get("/audit/verify", AuditVerification)

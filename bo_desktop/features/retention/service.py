"""Retention cohorts over the platform API (no widgets), and their Excel export (worker thread)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bo_desktop.contract.retention import CohortPeriod, CohortReport
from bo_desktop.contract.segments import SegmentDefinition
from bo_desktop.core.api.client import ApiClient
from bo_desktop.core.workers import run_in_worker

from .export import write_cohorts


@dataclass(frozen=True)
class CohortQuery:
    period: CohortPeriod = CohortPeriod.MONTH
    count: int = 12
    source: str | None = None
    country: str | None = None
    segment: str | None = None

    def params(self) -> dict[str, str | int]:
        params: dict[str, str | int] = {"period": self.period.value, "count": self.count}
        for key in ("source", "country", "segment"):
            value = getattr(self, key)
            if value:
                params[key] = value
        return params


class RetentionService:
    def __init__(self, api: ApiClient) -> None:
        self.api = api

    async def cohorts(self, query: CohortQuery) -> CohortReport:
        return await self.api.get("/retention/cohorts", CohortReport, params=query.params())

    async def segments(self) -> list[SegmentDefinition]:
        return await self.api.get_list("/segments", SegmentDefinition)

    async def export(self, report: CohortReport, query: CohortQuery, path: Path) -> None:
        await run_in_worker(write_cohorts, path, report, query.params())

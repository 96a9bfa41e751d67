"""Report calls on the platform API and the request a user builds (Qt-free, no widgets).

A :class:`ReportRequest` is what the dock (or the CLI) asks for: a report, a period of whole UTC
days and filter values. ``to`` is the day *after* the last day the user picked (the API's period
is half-open), and an export that reaches into today stops at the moment the export started, so
rows the simulator or the live platform adds while pages are fetched cannot make the file
disagree with itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bo_desktop.contract.reports import (
    ReportCatalogue,
    ReportDefinition,
    ReportKind,
    ReportPage,
    ReportTotals,
)
from bo_desktop.core.api.client import ApiClient

PAGE_SIZE = 500  # the API's maximum: fewer round trips for big exports


@dataclass(frozen=True)
class ReportRequest:
    kind: ReportKind
    first_day: date | None = None  # inclusive, UTC
    last_day: date | None = None  # inclusive, UTC
    filters: Mapping[str, str] = field(default_factory=dict)
    as_of: datetime | None = None  # cap for a period reaching into today (set at export start)

    def params(self, definition: ReportDefinition) -> dict[str, Any]:
        params: dict[str, Any] = {k: v for k, v in self.filters.items() if v}
        if definition.period:
            start, end = self.bounds()
            params["from"], params["to"] = start, end
        return params

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        start = datetime.combine(self.first_day, time(), UTC) if self.first_day else None
        end = datetime.combine(self.last_day + timedelta(days=1), time(), UTC) if self.last_day else None
        if end is not None and self.as_of is not None and self.as_of < end:
            end = self.as_of
        return start, end

    def frozen_at(self, moment: datetime) -> ReportRequest:
        return ReportRequest(self.kind, self.first_day, self.last_day, self.filters, moment)

    def period_text(self, definition: ReportDefinition) -> str:
        if not definition.period:
            return "Snapshot at the time of the export (no period)."
        start, end = self.bounds()
        first = start.strftime("%Y-%m-%d %H:%M") if start else "the beginning"
        last = end.strftime("%Y-%m-%d %H:%M") if end else "now"
        what = f" by {definition.period_field}" if definition.period_field else ""
        return f"From {first} to {last} UTC (end exclusive){what}."

    def file_stem(self) -> str:
        days = [d.isoformat() for d in (self.first_day, self.last_day) if d]
        return "_".join([self.kind.value, *days])


class ReportsService:
    """The report endpoints of one signed-in session."""

    def __init__(self, api: ApiClient) -> None:
        self._api = api
        self._catalogue: ReportCatalogue | None = None

    async def catalogue(self) -> list[ReportDefinition]:
        if self._catalogue is None:
            self._catalogue = await self._api.get("reports", ReportCatalogue)
        return list(self._catalogue.reports)

    async def definition(self, kind: ReportKind) -> ReportDefinition:
        for definition in await self.catalogue():
            if definition.kind == kind:
                return definition
        raise KeyError(kind)

    async def count(self, request: ReportRequest) -> int:
        """How many rows the export would have (the preview)."""
        definition = await self.definition(request.kind)
        params = {**request.params(definition), "limit": 1, "count": True}
        page = await self._api.get(f"reports/{request.kind.value}", ReportPage, params=params)
        return page.total or 0

    async def pages(self, request: ReportRequest) -> AsyncIterator[list[dict[str, Any]]]:
        definition = await self.definition(request.kind)
        params = request.params(definition)
        cursor: str | None = None
        while True:
            page = await self._api.get(
                f"reports/{request.kind.value}",
                ReportPage,
                params={**params, "limit": PAGE_SIZE, "cursor": cursor},
            )
            if page.data:
                yield page.data
            if not page.has_more or not page.next_cursor or page.next_cursor == cursor:
                return
            cursor = page.next_cursor

    async def totals(self, request: ReportRequest) -> ReportTotals:
        definition = await self.definition(request.kind)
        path = f"reports/{request.kind.value}/totals"
        return await self._api.get(path, ReportTotals, params=request.params(definition))

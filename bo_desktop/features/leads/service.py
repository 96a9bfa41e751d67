"""The acquisition funnel over the platform API (no widgets)."""

from __future__ import annotations

from datetime import datetime

from bo_desktop.contract.common import Page
from bo_desktop.contract.leads import FunnelGroup, FunnelReport, FunnelStage
from bo_desktop.contract.players import PlayerSummary
from bo_desktop.core.api.client import ApiClient

DRILL_PAGE = 200


def _period(start: datetime | None) -> dict[str, str]:
    return {"from": start.isoformat()} if start is not None else {}


class LeadsService:
    def __init__(self, api: ApiClient) -> None:
        self.api = api

    async def funnel(self, group: FunnelGroup, start: datetime | None) -> FunnelReport:
        params = {"group_by": group.value, **_period(start)}
        return await self.api.get("/leads/funnel", FunnelReport, params=params)

    async def players(
        self,
        group: FunnelGroup,
        key: str,
        stage: FunnelStage,
        start: datetime | None,
        cursor: str | None = None,
    ) -> Page[PlayerSummary]:
        params: dict[str, str | int] = {
            "group_by": group.value,
            "key": key,
            "stage": stage.value,
            "limit": DRILL_PAGE,
            **_period(start),
        }
        if cursor:
            params["cursor"] = cursor
        return await self.api.get_page("/leads/players", PlayerSummary, params=params)

"""Rewards over the platform API (no widgets): template results, bonuses, loyalty, grant, cancel.

Grants and cancellations carry one Idempotency-Key per user intent (made by the dialog, reused on
every retry of that intent), so a lost reply never pays a bonus twice.
"""

from __future__ import annotations

from bo_desktop.contract.common import Page
from bo_desktop.contract.enums import BonusStatus
from bo_desktop.contract.players import Bonus
from bo_desktop.contract.rewards import BonusCancel, GrantResult, LoyaltyTierStats, RewardGrant, TemplateStats
from bo_desktop.contract.segments import SegmentDefinition
from bo_desktop.core.api.client import ApiClient

BONUS_PAGE = 200


class RewardsService:
    def __init__(self, api: ApiClient) -> None:
        self.api = api

    async def templates(self) -> list[TemplateStats]:
        return await self.api.get_list("/rewards/templates", TemplateStats)

    async def loyalty(self) -> list[LoyaltyTierStats]:
        return await self.api.get_list("/rewards/loyalty", LoyaltyTierStats)

    async def bonuses(
        self, status: BonusStatus | None = None, cursor: str | None = None, player_id: str | None = None
    ) -> Page[Bonus]:
        params: dict[str, str | int] = {"limit": BONUS_PAGE}
        if status is not None:
            params["status"] = status.value
        if cursor:
            params["cursor"] = cursor
        if player_id:
            params["player_id"] = player_id
        return await self.api.get_page("/rewards/bonuses", Bonus, params=params)

    async def segments(self) -> list[SegmentDefinition]:
        """Segments a grant may target (the ones this user can see)."""
        return await self.api.get_list("/segments", SegmentDefinition)

    async def grant(self, grant: RewardGrant, idempotency_key: str) -> GrantResult:
        return await self.api.send(
            "POST", "/rewards/grants", body=grant, model=GrantResult, idempotency_key=idempotency_key
        )

    async def cancel(self, bonus_id: str, reason: str, idempotency_key: str) -> Bonus:
        return await self.api.send(
            "POST",
            f"/rewards/bonuses/{bonus_id}/cancel",
            body=BonusCancel(reason=reason),
            model=Bonus,
            idempotency_key=idempotency_key,
        )

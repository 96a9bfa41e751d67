"""Segments over the platform API (no widgets): evaluate rules, list/save/share, page members.

The server evaluates every rule and applies the responsible-gambling guard; the client never
re-derives membership. Saving is one intent per click: the dialog makes an Idempotency-Key once
and a retry of that click reuses it, so a timeout never creates two segments.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from bo_desktop.contract.players import PlayerSummary
from bo_desktop.contract.segments import (
    SegmentCreate,
    SegmentDefinition,
    SegmentEvaluateRequest,
    SegmentEvaluation,
    SegmentRules,
    SegmentUpdate,
)
from bo_desktop.core.api.client import ApiClient
from bo_desktop.core.workers import run_in_worker

from .export import MemberSheet, write_members

MEMBER_PAGE = 500


class SegmentsService:
    def __init__(self, api: ApiClient) -> None:
        self.api = api

    async def evaluate(self, rules: SegmentRules, *, marketing: bool = True) -> SegmentEvaluation:
        body = SegmentEvaluateRequest(rules=rules, marketing=marketing)
        return await self.api.send("POST", "/segments/evaluate", body=body, model=SegmentEvaluation)

    async def segments(self) -> list[SegmentDefinition]:
        return await self.api.get_list("/segments", SegmentDefinition)

    async def evaluation(self, segment_id: str) -> SegmentEvaluation:
        return await self.api.get(f"/segments/{segment_id}/evaluation", SegmentEvaluation)

    async def segments_with_counts(self) -> list[tuple[SegmentDefinition, SegmentEvaluation]]:
        """Every visible segment with its current count (evaluated concurrently)."""
        segments = await self.segments()
        counts = await asyncio.gather(*(self.evaluation(s.id) for s in segments))
        return list(zip(segments, counts, strict=True))

    async def create(self, body: SegmentCreate, idempotency_key: str) -> SegmentDefinition:
        return await self.api.send(
            "POST", "/segments", body=body, model=SegmentDefinition, idempotency_key=idempotency_key
        )

    async def update(
        self, segment: SegmentDefinition, body: SegmentUpdate, idempotency_key: str
    ) -> SegmentDefinition:
        return await self.api.send(
            "PATCH",
            f"/segments/{segment.id}",
            body=body,
            model=SegmentDefinition,
            if_match=segment.version,
            idempotency_key=idempotency_key,
        )

    async def export_members(
        self,
        segment: SegmentDefinition,
        path: Path,
        *,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Write every member to ``path`` (.xlsx); returns the row count.

        Pages arrive on the Qt thread (small objects); the workbook is written in a worker thread
        once all of them are in, because openpyxl's save is the slow part.
        """
        members: list[PlayerSummary] = []
        async for page in self.api.paginate(
            f"/segments/{segment.id}/members", PlayerSummary, page_size=MEMBER_PAGE
        ):
            members.extend(page)
            if progress is not None:
                progress(len(members))
        sheet = MemberSheet(
            segment_name=segment.name, segment_id=segment.id, members=members, marketing=segment.marketing
        )
        await run_in_worker(write_members, path, sheet)
        return len(members)

"""Dispute tickets over the platform API: typed async calls, no widgets.

Every change carries the version the user was shown (``If-Match``); the ones that must never
happen twice carry an :class:`Intent`'s Idempotency-Key, created once per user intent and reused
when the user retries the same intent (the server then replays its first answer).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from bo_desktop.contract.disputes import (
    AttachmentCreate,
    CommentCreate,
    Dispute,
    DisputeAssign,
    DisputeAttachment,
    DisputeComment,
    DisputeCreate,
    DisputeLink,
    DisputeResolve,
    DisputeUpdate,
    DisputeViewCounts,
)
from bo_desktop.contract.enums import DisputePriority, DisputeStatus, DisputeView
from bo_desktop.core.api.client import ApiClient

INBOX_PAGE = 500  # the API's largest page: fewer round trips for a big inbox


@dataclass
class Intent:
    """One thing the user means to do. Its key is reused for every retry of that same thing."""

    key: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass(frozen=True)
class Thread:
    """Everything the ticket view shows besides the ticket itself."""

    comments: list[DisputeComment]
    links: list[DisputeLink]
    attachments: list[DisputeAttachment]


class DisputeService:
    def __init__(self, api: ApiClient) -> None:
        self._api = api

    # -- reads ---------------------------------------------------------------------------------

    async def inbox(self, view: DisputeView) -> AsyncIterator[list[Dispute]]:
        """The tickets of a saved view, page by page (newest first).

        Paged by creation time because it never changes: keyset paging by last activity would
        skip a ticket whose activity moves it above the cursor mid-load. Such changes arrive as
        live events instead, and the inbox sorts on the client anyway.
        """
        params = {"view": view.value, "sort": "-created_at"}
        async for batch in self._api.paginate("disputes", Dispute, params=params, page_size=INBOX_PAGE):
            yield batch

    async def counts(self) -> dict[str, int]:
        return (await self._api.get("disputes/counts", DisputeViewCounts)).counts

    async def ticket(self, dispute_id: str) -> Dispute:
        return await self._api.get_versioned(f"disputes/{dispute_id}", Dispute)

    async def thread(self, dispute_id: str) -> Thread:
        base = f"disputes/{dispute_id}"
        comments, links, attachments = await asyncio.gather(
            self._api.get_list(f"{base}/comments", DisputeComment),
            self._api.get_list(f"{base}/links", DisputeLink),
            self._api.get_list(f"{base}/attachments", DisputeAttachment),
        )
        return Thread(comments, links, attachments)

    # -- changes -------------------------------------------------------------------------------

    async def create(self, body: DisputeCreate, intent: Intent) -> Dispute:
        return await self._api.send("POST", "disputes", body=body, model=Dispute, idempotency_key=intent.key)

    async def set_status(self, ticket: Dispute, status: DisputeStatus) -> Dispute:
        return await self._patch(ticket, DisputeUpdate(status=status))

    async def set_priority(self, ticket: Dispute, priority: DisputePriority) -> Dispute:
        return await self._patch(ticket, DisputeUpdate(priority=priority))

    async def _patch(self, ticket: Dispute, body: DisputeUpdate) -> Dispute:
        return await self._api.send(
            "PATCH", f"disputes/{ticket.id}", body=body, model=Dispute, if_match=ticket.version
        )

    async def assign(self, ticket: Dispute, body: DisputeAssign, intent: Intent) -> Dispute:
        return await self._api.send(
            "POST",
            f"disputes/{ticket.id}/assign",
            body=body,
            model=Dispute,
            if_match=ticket.version,
            idempotency_key=intent.key,
        )

    async def resolve(self, ticket: Dispute, body: DisputeResolve, intent: Intent) -> Dispute:
        return await self._api.send(
            "POST",
            f"disputes/{ticket.id}/resolve",
            body=body,
            model=Dispute,
            if_match=ticket.version,
            idempotency_key=intent.key,
        )

    async def approve_compensation(self, ticket: Dispute, intent: Intent) -> Dispute:
        return await self._api.send(
            "POST",
            f"disputes/{ticket.id}/approve-compensation",
            model=Dispute,
            if_match=ticket.version,
            idempotency_key=intent.key,
        )

    async def comment(self, dispute_id: str, body: str, internal: bool, key: str) -> DisputeComment:
        return await self._api.send(
            "POST",
            f"disputes/{dispute_id}/comments",
            body=CommentCreate(body=body, internal=internal),
            model=DisputeComment,
            idempotency_key=key,
        )

    async def attach(self, dispute_id: str, body: AttachmentCreate, intent: Intent) -> DisputeAttachment:
        return await self._api.send(
            "POST",
            f"disputes/{dispute_id}/attachments",
            body=body,
            model=DisputeAttachment,
            idempotency_key=intent.key,
        )

    async def link(self, ticket: Dispute, kind: str, target_id: str, intent: Intent) -> Dispute:
        body = DisputeLink(kind=kind, target_id=target_id)
        return await self._api.send(
            "POST",
            f"disputes/{ticket.id}/links",
            body=body,
            model=Dispute,
            if_match=ticket.version,
            idempotency_key=intent.key,
        )

    async def unlink(self, ticket: Dispute, link: DisputeLink) -> Dispute:
        return await self._api.send(
            "DELETE",
            f"disputes/{ticket.id}/links/{link.kind}/{link.target_id}",
            model=Dispute,
            if_match=ticket.version,
        )

"""KYC review: the queue and decisions (no widgets)."""

from __future__ import annotations

import uuid
from typing import Any

from bo_desktop.contract.compliance import KycQueueItem
from bo_desktop.contract.enums import KycDocumentKind, KycDocumentStatus
from bo_desktop.contract.players import KycDecision
from bo_desktop.core.api.client import ApiClient

QUEUE_LIMIT = 2000

KIND_LABELS = {
    KycDocumentKind.ID: "Identity document",
    KycDocumentKind.PROOF_OF_ADDRESS: "Proof of address",
    KycDocumentKind.SOURCE_OF_FUNDS: "Source of funds",
    KycDocumentKind.SOURCE_OF_WEALTH: "Source of wealth",
    KycDocumentKind.BANK_ID: "Bank ID",
}


def bank_identity(item: KycQueueItem) -> str:
    """What the bank confirmed for a Pay-n-Play player, or "" for everyone else."""
    if not item.pay_n_play:
        return ""
    provider = (item.pay_n_play_provider or "bank").capitalize()
    return f"{item.bank_verified_name or 'name not supplied'} (bank ID via {provider})"


class DecisionIntents:
    """One Idempotency-Key per decision the user means: pressing the same button again for the
    same document, reason and comment (after a timeout, say) reuses it, so the server applies it
    once; a different decision gets a new key."""

    def __init__(self) -> None:
        self._keys: dict[tuple[Any, ...], str] = {}

    def key_for(self, *intent: Any) -> str:
        return self._keys.setdefault(intent, str(uuid.uuid4()))

    def forget(self, document_id: str) -> None:
        self._keys = {k: v for k, v in self._keys.items() if k[0] != document_id}


class KycService:
    def __init__(self, api: ApiClient) -> None:
        self._api = api

    async def queue(self, params: dict[str, Any]) -> list[KycQueueItem]:
        items: list[KycQueueItem] = []
        async for page in self._api.paginate("/kyc/queue", KycQueueItem, params=params, page_size=500):
            items.extend(page)
            if len(items) >= QUEUE_LIMIT:
                break
        return items[:QUEUE_LIMIT]

    async def decide(
        self, item: KycQueueItem, decision: KycDocumentStatus, reason_code: str | None, comment: str, key: str
    ) -> KycQueueItem:
        body = KycDecision(decision=decision, reason_code=reason_code, comment=comment)
        return await self._api.send(
            "POST",
            f"/kyc/documents/{item.id}/decision",
            body=body,
            model=KycQueueItem,
            if_match=item.version,
            idempotency_key=key,
        )

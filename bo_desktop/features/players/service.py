"""Player profiles: the API calls and the domain logic behind the panels (no widgets here).

Every mutation takes the player ``version`` the user was shown (→ If-Match) and the
Idempotency-Key of the user's intent (one per dialog, reused when the user retries it), so a
retry after a lost answer never doubles an action and a stale view never overwrites a colleague.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel

from bo_desktop.contract.alerts import Alert
from bo_desktop.contract.audit import AuditRecord
from bo_desktop.contract.common import Page
from bo_desktop.contract.disputes import Dispute
from bo_desktop.contract.enums import KycDocumentKind, LimitKind
from bo_desktop.contract.payments import Transaction
from bo_desktop.contract.player_limits import RgLimitChange
from bo_desktop.contract.players import (
    Bonus,
    GameSession,
    KycDocument,
    KycRequest,
    LoyaltyEntry,
    Note,
    NoteCreate,
    NotePin,
    PlayerDetail,
    PlayerFlag,
    PlayerStatusChange,
    PlayerSummary,
    RgLimit,
    RgLimitSet,
)
from bo_desktop.core.api.client import ApiClient

M = TypeVar("M", bound=BaseModel)

SEARCH_PAGE = 100
TRANSACTIONS_PAGE = 200

#: The paged sections of a profile: path segment → item model.
SECTION_MODELS: dict[str, type[BaseModel]] = {
    "sessions": GameSession,
    "bonuses": Bonus,
    "loyalty": LoyaltyEntry,
    "alerts": Alert,
    "disputes": Dispute,
    "notes": Note,
    "audit": AuditRecord,
}


def new_intent_key() -> str:
    """One Idempotency-Key per user intent (a dialog), reused on every retry of it."""
    return str(uuid.uuid4())


@dataclass(frozen=True)
class PlayerQuery:
    """What the search dock asks for; unset filters are None (omitted from the request)."""

    text: str = ""
    status: str | None = None
    country: str | None = None
    jurisdiction: str | None = None
    segment: str | None = None
    kyc_status: str | None = None
    risk_level: str | None = None
    vip_tier: str | None = None
    pay_n_play: bool | None = None

    def params(self) -> dict[str, object]:
        values: dict[str, object] = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "text"}
        values["q"] = self.text.strip() or None
        return values

    @property
    def is_empty(self) -> bool:
        return all(value in (None, "") for value in (getattr(self, f.name) for f in fields(self)))


@dataclass(frozen=True)
class TransactionFilter:
    type: str | None = None
    psp: str | None = None
    status: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None  # exclusive

    def params(self) -> dict[str, object]:
        return {
            "type": self.type,
            "psp": self.psp,
            "status": self.status,
            "from": self.date_from,
            "to": self.date_to,
        }


class PlayersService:
    """Typed calls of the players API for one signed-in client."""

    def __init__(self, api: ApiClient) -> None:
        self._api = api

    # -- reads ---------------------------------------------------------------------------------

    async def search(self, query: PlayerQuery, cursor: str | None = None) -> Page[PlayerSummary]:
        params = {**query.params(), "limit": SEARCH_PAGE, "cursor": cursor}
        return await self._api.get_page("players", PlayerSummary, params=params)

    async def player(self, player_id: str) -> PlayerDetail:
        return await self._api.get_versioned(f"players/{player_id}", PlayerDetail)

    async def transactions(
        self, player_id: str, filters: TransactionFilter, cursor: str | None = None, *, count: bool = False
    ) -> Page[Transaction]:
        params = {**filters.params(), "limit": TRANSACTIONS_PAGE, "cursor": cursor, "count": count or None}
        return await self._api.get_page(f"players/{player_id}/transactions", Transaction, params=params)

    async def section(self, player_id: str, section: str, cursor: str | None = None) -> Page[Any]:
        model = SECTION_MODELS[section]
        params = {"limit": TRANSACTIONS_PAGE, "cursor": cursor}
        return await self._api.get_page(f"players/{player_id}/{section}", model, params=params)

    async def kyc(self, player_id: str) -> list[KycDocument]:
        return await self._api.get_list(f"players/{player_id}/kyc", KycDocument)

    async def limits(self, player_id: str) -> list[RgLimit]:
        return await self._api.get_list(f"players/{player_id}/limits", RgLimit)

    async def last_change(self, player_id: str) -> AuditRecord | None:
        """The newest audit record about the player: who changed it, for the 412 explanation."""
        page = await self._api.get_page(f"players/{player_id}/audit", AuditRecord, params={"limit": 1})
        return page.data[0] if page.data else None

    # -- actions -------------------------------------------------------------------------------

    async def add_note(self, player_id: str, version: int, body: str, pinned: bool, key: str) -> Note:
        return await self._api.send(
            "POST",
            f"players/{player_id}/notes",
            body=NoteCreate(body=body, pinned=pinned),
            model=Note,
            if_match=version,
            idempotency_key=key,
        )

    async def pin_note(self, player_id: str, version: int, note_id: str, pinned: bool, key: str) -> Note:
        return await self._api.send(
            "POST",
            f"players/{player_id}/notes/{note_id}/pin",
            body=NotePin(pinned=pinned),
            model=Note,
            if_match=version,
            idempotency_key=key,
        )

    async def request_kyc(
        self, player_id: str, version: int, kind: KycDocumentKind, comment: str, key: str
    ) -> KycDocument:
        return await self._api.send(
            "POST",
            f"players/{player_id}/kyc/requests",
            body=KycRequest(kind=kind, comment=comment),
            model=KycDocument,
            if_match=version,
            idempotency_key=key,
        )

    async def change_status(
        self, player_id: str, version: int, status: str, reason_code: str, comment: str, key: str
    ) -> PlayerDetail:
        return await self._api.send(
            "POST",
            f"players/{player_id}/status",
            body=PlayerStatusChange(status=status, reason_code=reason_code, comment=comment),
            model=PlayerDetail,
            if_match=version,
            idempotency_key=key,
        )

    async def flag(self, player_id: str, version: int, flagged: bool, reason: str, key: str) -> PlayerDetail:
        return await self._api.send(
            "POST",
            f"players/{player_id}/flag",
            body=PlayerFlag(flagged=flagged, reason=reason),
            model=PlayerDetail,
            if_match=version,
            idempotency_key=key,
        )

    async def set_limit(
        self, player_id: str, version: int, kind: LimitKind, value: int, reason: str, key: str
    ) -> RgLimitChange:
        return await self._api.send(
            "POST",
            f"players/{player_id}/limits",
            body=RgLimitSet(kind=kind, value=value, reason=reason),
            model=RgLimitChange,
            if_match=version,
            idempotency_key=key,
        )


# -- domain helpers (pure) ---------------------------------------------------------------------

#: Fields of a player a staff member acts on, with the words the 412 explanation uses.
WATCHED_FIELDS: dict[str, str] = {
    "status": "Status",
    "flagged_for_review": "Flagged for review",
    "kyc_status": "KYC",
    "risk_level": "Risk",
    "self_exclusion_until": "Self-excluded until",
    "cooling_off_until": "Cooling-off until",
    "vip_tier": "VIP tier",
    "segment": "Segment",
}


def describe_changes(shown: PlayerDetail, current: PlayerDetail) -> list[str]:
    """ "Status: active → suspended" lines for what differs between what the user saw and now."""
    lines = []
    for name, label in WATCHED_FIELDS.items():
        before, after = getattr(shown, name), getattr(current, name)
        if before != after:
            lines.append(f"{label}: {_plain(before)} → {_plain(after)}")
    if not lines and shown.version != current.version:
        lines.append(f"Version {shown.version} → {current.version} (limits or other details changed)")
    return lines


def _plain(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return str(getattr(value, "value", value)).replace("_", " ")


def status_targets(current: str) -> list[str]:
    """Statuses staff may move a player to from ``current`` (the server enforces the same)."""
    return {
        "active": ["suspended", "closed"],
        "suspended": ["active", "closed"],
        "self_excluded": ["closed"],
        "cooling_off": ["suspended", "closed"],
    }.get(current, [])


def limit_is_increase(kind: str, value: int, limits: list[RgLimit]) -> bool:
    """Whether setting ``kind`` to ``value`` loosens the active limit (and so waits)."""
    active = next((lim for lim in limits if lim.kind == kind and lim.status == "active"), None)
    return active is not None and value > active.value

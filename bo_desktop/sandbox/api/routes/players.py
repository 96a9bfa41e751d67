"""Player search and profile reads: ``GET /players`` and ``GET /players/{id}``.

``player_detail`` is the one representation of a player: the GET, the mutations in
``players_actions``/``players_limits``, their 412 ``current`` and the ``player.updated`` event all
use it, so the client sees the same shape everywhere.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.orm import Session

from bo_desktop.contract.common import Page
from bo_desktop.contract.enums import (
    Jurisdiction,
    KycStatus,
    Permission,
    PlayerStatus,
    RiskLevel,
    VipTier,
)
from bo_desktop.contract.players import Acquisition, PlayerDetail, PlayerKpis, PlayerSummary

from ...db import Player, Transaction, parse_id, utcnow
from ...segments import player_filter as segment_filter
from ..concurrency import set_etag
from ..deps import read_session
from ..pagination import PageParams, paginate, sort_options
from ..permissions import Principal, require
from ..problems import not_found

router = APIRouter(prefix="/players", tags=["players"])

Reader = Annotated[Principal, Depends(require(Permission.PLAYERS_READ))]
ReadSession = Annotated[Session, Depends(read_session)]

SORTS = sort_options(
    Player.id,
    {
        "last_name": [(Player.last_name, False), (Player.first_name, False)],
        "-last_name": [(Player.last_name, True), (Player.first_name, True)],
        "registered_at": [(Player.registered_at, False)],
        "-registered_at": [(Player.registered_at, True)],
        "id": [(Player.id, False)],
    },
)
# A PSP reference fragment shorter than this matches far too many payments to be a lookup, and
# the substring scan over every transaction is the expensive part of a search.
MIN_PSP_FRAGMENT = 4


def like_pattern(text: str) -> str:
    """``%text%`` for a case-insensitive LIKE with ``escape='\\'`` (user text is not a pattern)."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _player_id_from(text: str) -> str | None:
    """``P-000123``, ``p-123`` or ``123`` → ``P-000123``; None when the text is not an id."""
    candidate = text.strip().upper()
    if candidate.isdigit():
        candidate = f"P-{candidate}"
    number = parse_id("player", candidate)
    return f"P-{number:06d}" if number is not None and number < 10**9 else None


def search_condition(q: str) -> sa.ColumnElement[bool]:
    """Where ``q`` may appear: id, username, names, e-mail, phone, or a payment's PSP reference.

    Text that can only be one thing is looked up as that thing, so the common exact lookups use
    an index instead of scanning every player and every payment (at 100k players / 1.6M payments
    the catch-all OR took seconds): ``P-123`` is an id, text with ``@`` an e-mail, and the
    substring scan over PSP references only runs for text with a digit in it (every provider's
    reference format has digits; names and usernames typed as words never trigger it).
    """
    text = q.strip()
    pattern = like_pattern(text)
    player_id = _player_id_from(text)
    if player_id is not None and not text.isdigit():
        return Player.id == player_id
    if "@" in text:
        return sa.func.lower(Player.email).like(pattern, escape="\\")
    lowered = [
        sa.func.lower(col) for col in (Player.username, Player.email, Player.first_name, Player.last_name)
    ]
    clauses: list[sa.ColumnElement[bool]] = [col.like(pattern, escape="\\") for col in lowered]
    full_name = sa.func.lower(Player.first_name + " " + Player.last_name)
    clauses.append(full_name.like(pattern, escape="\\"))
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 4:  # phone numbers are stored with + and spaces; match on the digits typed
        clauses.append(sa.func.replace(Player.phone, " ", "").like(f"%{digits}%"))
    if player_id is not None:
        clauses.append(Player.id == player_id)
    if len(text) >= MIN_PSP_FRAGMENT and digits:
        clauses.append(
            sa.exists().where(
                Transaction.player_id == Player.id,
                Transaction.psp_reference.is_not(None),
                sa.func.lower(Transaction.psp_reference).like(pattern, escape="\\"),
            )
        )
    return sa.or_(*clauses)


def player_summary(row: Player) -> PlayerSummary:
    return PlayerSummary.model_validate(row, from_attributes=True)


def player_detail(session: Session, row: Player) -> PlayerDetail:
    """The full profile representation, KPIs included (one small COUNT for the 30-day deposits)."""
    since = utcnow() - timedelta(days=30)
    recent_deposits = session.scalar(
        sa.select(sa.func.count())
        .select_from(Transaction)
        .where(
            Transaction.player_id == row.id,
            Transaction.created_at >= since,
            Transaction.type == "deposit",
            Transaction.status == "succeeded",
        )
    )
    kpis = PlayerKpis(
        lifetime_deposits_minor=row.lifetime_deposits_minor,
        lifetime_withdrawals_minor=row.lifetime_withdrawals_minor,
        net_deposits_minor=row.lifetime_deposits_minor - row.lifetime_withdrawals_minor,
        ggr_minor=row.ggr_minor,
        bonus_cost_minor=row.bonus_cost_minor,
        deposit_count=row.deposit_count,
        deposits_last_30d=recent_deposits or 0,
        last_deposit_at=row.last_deposit_at,
    )
    acquisition = (
        Acquisition(source=row.acquisition_source, affiliate_id=row.affiliate_id, campaign=row.campaign)
        if row.acquisition_source
        else None
    )
    base = PlayerDetail.model_validate(row, from_attributes=True)
    return base.model_copy(update={"kpis": kpis, "acquisition": acquisition})


def load_player(session: Session, player_id: str, *, lock: bool = False) -> Player:
    """The player row (locked for update inside a mutation), or 404."""
    stmt = sa.select(Player).where(Player.id == player_id)
    if lock:
        stmt = stmt.with_for_update()
    row = session.scalar(stmt)
    if row is None:
        raise not_found("player", player_id)
    return row


def ensure_player(session: Session, player_id: str) -> None:
    """404 unless the player exists (sub-resources of an unknown player are not empty lists)."""
    if session.scalar(sa.select(Player.id).where(Player.id == player_id)) is None:
        raise not_found("player", player_id)


@router.get("", response_model=Page[PlayerSummary])
def search_players(
    _principal: Reader,
    session: ReadSession,
    page: Annotated[PageParams, Depends()],
    q: Annotated[
        str | None,
        Query(max_length=200, description="Id, username, name, e-mail, phone or PSP reference fragment"),
    ] = None,
    status: PlayerStatus | None = None,
    country: Annotated[str | None, Query(min_length=2, max_length=2)] = None,
    jurisdiction: Jurisdiction | None = None,
    segment: Annotated[str | None, Query(max_length=32)] = None,
    kyc_status: KycStatus | None = None,
    risk_level: RiskLevel | None = None,
    vip_tier: VipTier | None = None,
    pay_n_play: bool | None = None,
    sort: Annotated[str, Query(description=f"One of: {', '.join(SORTS.names)}")] = "last_name",
) -> Page[PlayerSummary]:
    sort_option = SORTS.get(sort)
    stmt = sa.select(Player)
    if q and q.strip():
        stmt = stmt.where(search_condition(q))
    for column, value in (
        (Player.status, status),
        (Player.jurisdiction, jurisdiction),
        (Player.kyc_status, kyc_status),
        (Player.risk_level, risk_level),
        (Player.vip_tier, vip_tier),
    ):
        if value is not None:
            stmt = stmt.where(column == value.value)
    if country is not None:
        stmt = stmt.where(Player.country == country.upper())
    if segment is not None:
        stmt = stmt.where(segment_filter(session, segment))  # saved segments by their rules
    if pay_n_play is not None:
        stmt = stmt.where(Player.pay_n_play == pay_n_play)
    return paginate(session, stmt, sort_option, page, player_summary)


@router.get("/{player_id}", response_model=PlayerDetail)
def get_player(player_id: str, response: Response, _principal: Reader, session: ReadSession) -> PlayerDetail:
    row = load_player(session, player_id)
    set_etag(response, row.version)
    return player_detail(session, row)

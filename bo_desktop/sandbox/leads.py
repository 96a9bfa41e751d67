"""The acquisition funnel: one row per player from portable SQL, grouped in Python.

"Active at day 30" compares a player's last bet with their registration + 30 days. Adding an
interval to a column is dialect-specific SQL (SQLite has no interval type), so the database
returns each player's last bet time (a grouped MAX over the (player_id, created_at) index) and
Python does the date arithmetic. One row per player: 100k players is a short list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bo_desktop.contract.leads import FunnelGroup, FunnelReport, FunnelRow, FunnelStage

from .db import Player, Transaction

NO_VALUE = "(none)"
DAY30 = timedelta(days=30)


@dataclass(frozen=True)
class PlayerFunnel:
    player_id: str
    key: str
    kyc_verified: bool
    deposited: bool
    active_day30: bool
    ngr: int

    def reached(self, stage: FunnelStage) -> bool:
        return {
            FunnelStage.REGISTERED: True,
            FunnelStage.KYC_VERIFIED: self.kyc_verified,
            FunnelStage.FIRST_DEPOSIT: self.deposited,
            FunnelStage.ACTIVE_DAY30: self.active_day30,
        }[stage]


def group_column(group: FunnelGroup) -> Any:
    return {
        FunnelGroup.SOURCE: Player.acquisition_source,
        FunnelGroup.AFFILIATE: Player.affiliate_id,
        FunnelGroup.CAMPAIGN: Player.campaign,
    }[group]


def player_funnel(
    session: Session,
    group: FunnelGroup,
    registered_from: datetime | None,
    registered_to: datetime | None,
    clauses: Iterable[sa.ColumnElement[bool]] = (),
) -> list[PlayerFunnel]:
    T = Transaction
    eur = T.amount_eur_minor

    def total(kind: str) -> Any:
        return sa.func.sum(sa.case((T.type == kind, eur), else_=0))

    per_player = (
        sa.select(
            T.player_id.label("player_id"),
            sa.func.sum(sa.case((T.type == "deposit", 1), else_=0)).label("deposits"),
            sa.func.max(sa.case((T.type == "bet", T.created_at), else_=None)).label("last_bet"),
            (total("bet") - total("win") - total("bonus_credit")).label("ngr"),
        )
        .where(T.status == "succeeded")
        .group_by(T.player_id)
        .subquery("activity")
    )
    stmt = (
        sa.select(
            Player.id,
            group_column(group),
            Player.kyc_status,
            Player.registered_at,
            per_player.c.deposits,
            per_player.c.last_bet,
            per_player.c.ngr,
        )
        .outerjoin(per_player, per_player.c.player_id == Player.id)
        .where(*clauses)
    )
    if registered_from is not None:
        stmt = stmt.where(Player.registered_at >= registered_from)
    if registered_to is not None:
        stmt = stmt.where(Player.registered_at < registered_to)
    result = []
    for player_id, key, kyc, registered_at, deposits, last_bet, ngr in session.execute(stmt):
        # MAX over a CASE loses the column type on SQLite (text comes back); parse it there.
        if isinstance(last_bet, str):
            last_bet = datetime.fromisoformat(last_bet).replace(tzinfo=registered_at.tzinfo)
        result.append(
            PlayerFunnel(
                player_id=player_id,
                key=key or NO_VALUE,
                kyc_verified=kyc == "verified",
                deposited=bool(deposits),
                active_day30=last_bet is not None and last_bet >= registered_at + DAY30,
                ngr=int(ngr or 0),
            )
        )
    return result


def _row(key: str, players: list[PlayerFunnel]) -> FunnelRow:
    registrations = len(players)
    kyc = sum(p.kyc_verified for p in players)
    deposited = sum(p.deposited for p in players)
    day30 = sum(p.active_day30 for p in players)
    return FunnelRow(
        key=key,
        registrations=registrations,
        kyc_verified=kyc,
        first_deposit=deposited,
        active_day30=day30,
        kyc_rate=kyc / registrations if registrations else None,
        deposit_rate=deposited / registrations if registrations else None,
        day30_rate=day30 / deposited if deposited else None,
        ngr_eur_minor=sum(p.ngr for p in players),
    )


def funnel_report(
    session: Session, group: FunnelGroup, registered_from: datetime | None, registered_to: datetime | None
) -> FunnelReport:
    players = player_funnel(session, group, registered_from, registered_to)
    groups: dict[str, list[PlayerFunnel]] = defaultdict(list)
    for p in players:
        groups[p.key].append(p)
    rows = sorted(
        (_row(key, members) for key, members in groups.items()), key=lambda r: (-r.registrations, r.key)
    )
    return FunnelReport(
        group_by=group,
        registered_from=registered_from,
        registered_to=registered_to,
        rows=rows,
        total=_row("All", players),
    )

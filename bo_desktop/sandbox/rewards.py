"""Rewards bookkeeping: template results, loyalty per tier, and granting (all portable SQL).

A grant touches, per recipient, the bonus or loyalty ledger, the player's denormalised balances
(so the profile and the risk scorer stay right without re-aggregating) and the audit trail; all in
the caller's transaction, so an idempotent replay or a failure never leaves half a grant.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bo_desktop.contract.enums import PlayerStatus, VipTier
from bo_desktop.contract.rewards import GrantKind, LoyaltyTierStats, RewardGrant, TemplateStats
from bo_desktop.contract.segments import SegmentRules

from . import audit
from .audit import Actor
from .db import Bonus, LoyaltyEntry, Player, Segment, Transaction, next_id
from .reference_data import BONUS_TEMPLATES, from_eur_minor, to_eur_minor
from .segments import rg_guard, segment_select, stored_rules

BONUS_DAYS = 30
MAX_LISTED_BONUSES = 100
_LAPSED = ("expired", "forfeited", "cancelled")
_INACTIVE = (PlayerStatus.CLOSED.value, PlayerStatus.SUSPENDED.value)
TEMPLATES = {t.id: t for t in BONUS_TEMPLATES}


def template_stats(session: Session) -> list[TemplateStats]:
    B = Bonus
    counts = {
        row.template_id: row
        for row in session.execute(
            sa.select(
                B.template_id,
                sa.func.count().label("granted"),
                sa.func.sum(sa.case((B.status == "active", 1), else_=0)).label("active"),
                sa.func.sum(sa.case((B.status == "wagered", 1), else_=0)).label("converted"),
                sa.func.sum(sa.case((B.status.in_(_LAPSED), 1), else_=0)).label("lapsed"),
                sa.func.avg(
                    sa.case(
                        (
                            sa.and_(B.status == "active", B.wagering_required_minor > 0),
                            sa.cast(B.wagered_minor, sa.Float) / B.wagering_required_minor,
                        ),
                        else_=None,
                    )
                ).label("progress"),
            ).group_by(B.template_id)
        )
    }
    cost = dict(
        session.execute(
            sa.select(B.template_id, sa.func.sum(Transaction.amount_eur_minor))
            .join(Transaction, Transaction.bonus_id == B.id)
            .where(Transaction.type == "bonus_credit", Transaction.status == "succeeded")
            .group_by(B.template_id)
        ).all()
    )
    result = []
    for template in BONUS_TEMPLATES:
        row = counts.get(template.id)
        converted, lapsed = (int(row.converted or 0), int(row.lapsed or 0)) if row else (0, 0)
        finished = converted + lapsed
        result.append(
            TemplateStats(
                template_id=template.id,
                name=template.name,
                kind=template.kind,
                amount_eur_minor=template.amount_minor,
                wagering_multiplier=template.wagering_multiplier,
                granted=int(row.granted) if row else 0,
                active=int(row.active or 0) if row else 0,
                converted=converted,
                lapsed=lapsed,
                conversion_rate=converted / finished if finished else None,
                cost_eur_minor=int(cost.get(template.id) or 0),
                avg_wagering_progress=min(1.0, float(row.progress))
                if row and row.progress is not None
                else None,
            )
        )
    return result


def loyalty_by_tier(session: Session, since: datetime | None) -> list[LoyaltyTierStats]:
    L = LoyaltyEntry
    ledger = sa.select(
        Player.vip_tier,
        sa.func.sum(sa.case((L.points > 0, L.points), else_=0)).label("earned"),
        sa.func.sum(sa.case((L.points < 0, -L.points), else_=0)).label("redeemed"),
    ).join(Player, Player.id == L.player_id)
    if since is not None:
        ledger = ledger.where(L.created_at >= since)
    moved = {row.vip_tier: row for row in session.execute(ledger.group_by(Player.vip_tier))}
    holders = {
        row.vip_tier: row
        for row in session.execute(
            sa.select(
                Player.vip_tier,
                sa.func.count().label("players"),
                sa.func.sum(Player.loyalty_points).label("balance"),
            ).group_by(Player.vip_tier)
        )
    }
    return [
        LoyaltyTierStats(
            tier=tier,
            players=int(holders[tier.value].players) if tier.value in holders else 0,
            points_earned=int(moved[tier.value].earned or 0) if tier.value in moved else 0,
            points_redeemed=int(moved[tier.value].redeemed or 0) if tier.value in moved else 0,
            points_balance=int(holders[tier.value].balance or 0) if tier.value in holders else 0,
        )
        for tier in VipTier
    ]


def recipients(
    session: Session, grant: RewardGrant, segment: Segment | None, now: datetime
) -> sa.Select[Any]:
    """``SELECT Player.id, guarded, inactive`` for the grant's target (segment rules applied)."""
    if segment is None:
        stmt: sa.Select[Any] = sa.select(Player)
        clauses = [Player.id == grant.player_id]
    else:
        rules: SegmentRules | None = stored_rules(segment)
        stmt, clauses = segment_select(rules, segment.id, now)
    return stmt.with_only_columns(
        Player.id,
        sa.case((rg_guard(now), True), else_=False).label("guarded"),
        Player.status.in_(_INACTIVE).label("inactive"),
    ).where(*clauses)


def grant_bonus(
    session: Session, actor: Actor, player: Player, template_id: str, reason: str, now: datetime
) -> str:
    template = TEMPLATES[template_id]
    amount = max(1, from_eur_minor(template.amount_minor, player.currency))
    bonus_id = next_id(session, "bonus")
    session.add(
        Bonus(
            id=bonus_id,
            player_id=player.id,
            template_id=template.id,
            name=template.name,
            amount_minor=amount,
            currency=player.currency,
            wagering_required_minor=amount * template.wagering_multiplier,
            wagered_minor=0,
            status="active",
            granted_at=now,
            expires_at=now + timedelta(days=BONUS_DAYS),
            granted_by=actor.staff_id,
        )
    )
    session.add(
        Transaction(
            id=next_id(session, "transaction"),
            player_id=player.id,
            type="bonus_credit",
            status="succeeded",
            amount_minor=amount,
            currency=player.currency,
            amount_eur_minor=to_eur_minor(amount, player.currency),
            created_at=now,
            bonus_id=bonus_id,
        )
    )
    before = {"bonus_balance_minor": player.bonus_balance_minor}
    player.bonus_balance_minor += amount
    player.bonus_cost_minor += amount
    player.updated_at = now
    audit.append(
        session,
        actor=actor,
        action="bonus.grant",
        entity_type="player",
        entity_id=player.id,
        before=before,
        after={
            "bonus_id": bonus_id,
            "template_id": template.id,
            "amount_minor": amount,
            "currency": player.currency,
            "bonus_balance_minor": player.bonus_balance_minor,
        },
        reason=reason,
    )
    return bonus_id


def grant_points(
    session: Session, actor: Actor, player: Player, points: int, reason: str, now: datetime
) -> None:
    before = {"loyalty_points": player.loyalty_points}
    player.loyalty_points += points
    player.updated_at = now
    session.add(
        LoyaltyEntry(
            id=next_id(session, "loyalty"),
            player_id=player.id,
            points=points,
            kind="adjusted",
            reason=reason[:200],
            balance_after=player.loyalty_points,
            created_at=now,
            created_by=actor.staff_id,
        )
    )
    audit.append(
        session,
        actor=actor,
        action="loyalty.grant",
        entity_type="player",
        entity_id=player.id,
        before=before,
        after={"loyalty_points": player.loyalty_points, "points": points},
        reason=reason,
    )


def cancel_bonus(session: Session, actor: Actor, bonus: Bonus, reason: str, now: datetime) -> None:
    """Cancel an active bonus: what is left of it leaves the player's bonus balance."""
    player = session.scalar(sa.select(Player).where(Player.id == bonus.player_id).with_for_update())
    assert player is not None  # the foreign key guarantees it
    forfeited = min(player.bonus_balance_minor, bonus.amount_minor)
    before = {"status": bonus.status, "bonus_balance_minor": player.bonus_balance_minor}
    bonus.status = "cancelled"
    if forfeited:
        player.bonus_balance_minor -= forfeited
        session.add(
            Transaction(
                id=next_id(session, "transaction"),
                player_id=player.id,
                type="bonus_forfeit",
                status="succeeded",
                amount_minor=forfeited,
                currency=player.currency,
                amount_eur_minor=to_eur_minor(forfeited, player.currency),
                created_at=now,
                bonus_id=bonus.id,
            )
        )
    player.updated_at = now
    audit.append(
        session,
        actor=actor,
        action="bonus.cancel",
        entity_type="player",
        entity_id=player.id,
        before=before,
        after={
            "bonus_id": bonus.id,
            "status": "cancelled",
            "forfeited_minor": forfeited,
            "bonus_balance_minor": player.bonus_balance_minor,
        },
        reason=reason,
    )


def apply_grant(
    session: Session, actor: Actor, grant: RewardGrant, segment: Segment | None, now: datetime
) -> tuple[int, int, int, list[str]]:
    """Grant to every eligible recipient: (granted, skipped_rg_guard, skipped_inactive, bonus ids)."""
    granted = guarded = inactive = 0
    bonus_ids: list[str] = []
    eligible: list[str] = []
    for player_id, is_guarded, is_inactive in session.execute(recipients(session, grant, segment, now)):
        if is_guarded:
            guarded += 1
        elif is_inactive:
            inactive += 1
        else:
            eligible.append(player_id)
    # Lock in id order: two concurrent grants to overlapping segments cannot deadlock.
    for player in session.scalars(
        sa.select(Player).where(Player.id.in_(eligible)).order_by(Player.id).with_for_update()
    ):
        if grant.kind is GrantKind.BONUS:
            assert grant.template_id is not None
            bonus_id = grant_bonus(session, actor, player, grant.template_id, grant.reason, now)
            if len(bonus_ids) < MAX_LISTED_BONUSES:
                bonus_ids.append(bonus_id)
        else:
            assert grant.points is not None
            grant_points(session, actor, player, grant.points, grant.reason, now)
        granted += 1
    return granted, guarded, inactive, bonus_ids

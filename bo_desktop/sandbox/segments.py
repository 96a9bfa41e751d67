"""Segment membership as portable SQLAlchemy expressions (SQLite and PostgreSQL alike).

``membership(...)`` turns a segment (built-in id or :class:`SegmentRules`) into a WHERE clause
over ``players`` plus the RG-guard clause, so the same expressions serve the count
(``evaluate``), the member list, ``GET /players?segment=`` and the reports. Windowed rules
(deposits, GGR, bonus share, game category) read one grouped subquery over the window's
transactions instead of a correlated subquery per rule: with 1M transactions the aggregation runs
once, and players without activity in the window join as zeros (``coalesce``).

Only standard SQL is used: CASE, SUM, COUNT, COALESCE, EXISTS, IN, comparisons. Games live in
reference data, not in a table, so "category" becomes ``game_id IN (...)``.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bo_desktop.contract.enums import AlertKind, AlertStatus, PlayerStatus
from bo_desktop.contract.segments import RgFlag, SegmentEvaluation, SegmentRules

from .db import Alert, Player, RgLimit, Segment, Transaction, utcnow
from .reference_data import GAMES, SEGMENTS

BUILTIN_IDS = frozenset(s.id for s in SEGMENTS)
# Alerts that still need a decision; closed or reported ones no longer hold a player back.
OPEN_ALERT_STATUSES = (
    AlertStatus.OPEN.value,
    AlertStatus.INVESTIGATING.value,
    AlertStatus.AWAITING_SECOND_REVIEW.value,
)
_DEPOSIT_LIMITS = ("deposit_daily", "deposit_weekly", "deposit_monthly")
_SUCCEEDED = "succeeded"


def _open_rg_alert() -> sa.ColumnElement[bool]:
    return sa.exists().where(
        Alert.player_id == Player.id,
        Alert.kind == AlertKind.RG.value,
        Alert.status.in_(OPEN_ALERT_STATUSES),
    )


def _self_excluded(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(
        Player.status == PlayerStatus.SELF_EXCLUDED.value,
        sa.and_(Player.self_exclusion_until.is_not(None), Player.self_exclusion_until > now),
    )


def _cooling_off(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(
        Player.status == PlayerStatus.COOLING_OFF.value,
        sa.and_(Player.cooling_off_until.is_not(None), Player.cooling_off_until > now),
    )


def rg_guard(now: datetime) -> sa.ColumnElement[bool]:
    """True for players no marketing segment may contain."""
    return sa.or_(_self_excluded(now), _cooling_off(now), _open_rg_alert())


def _flag(flag: RgFlag, now: datetime) -> sa.ColumnElement[bool]:
    if flag is RgFlag.DEPOSIT_LIMIT:
        return sa.exists().where(
            RgLimit.player_id == Player.id,
            RgLimit.kind.in_(_DEPOSIT_LIMITS),
            RgLimit.status.in_(("active", "pending_increase")),
        )
    if flag is RgFlag.OPEN_RG_ALERT:
        return _open_rg_alert()
    if flag is RgFlag.SELF_EXCLUDED:
        return _self_excluded(now)
    if flag is RgFlag.COOLING_OFF:
        return _cooling_off(now)
    return Player.flagged_for_review.is_(True)


def game_ids_of(category: str) -> list[str]:
    return [g.id for g in GAMES if g.category == category]


def _uses_window(rules: SegmentRules) -> bool:
    return any(
        value is not None
        for value in (
            rules.min_deposits_eur_minor,
            rules.max_deposits_eur_minor,
            rules.min_deposit_count,
            rules.max_deposit_count,
            rules.min_ggr_eur_minor,
            rules.max_ggr_eur_minor,
            rules.game_category,
            rules.min_bonus_share_pct,
            rules.max_bonus_share_pct,
        )
    )


def window_activity(since: datetime, category_ids: list[str]) -> Any:
    """Per player over ``[since, now)``: deposits (EUR), their count, GGR, bonus credits, stakes."""
    T = Transaction
    eur = T.amount_eur_minor

    def total(condition: sa.ColumnElement[bool]) -> Any:
        return sa.func.sum(sa.case((condition, eur), else_=0))

    in_category = sa.and_(T.type == "bet", T.game_id.in_(category_ids)) if category_ids else sa.false()
    return (
        sa.select(
            T.player_id.label("player_id"),
            total(T.type == "deposit").label("deposits"),
            sa.func.sum(sa.case((T.type == "deposit", 1), else_=0)).label("deposit_count"),
            (total(T.type == "bet") - total(T.type == "win")).label("ggr"),
            total(T.type == "bonus_credit").label("bonus"),
            total(T.type == "bet").label("stake"),
            total(in_category).label("category_stake"),
        )
        .where(T.created_at >= since, T.status == _SUCCEEDED)
        .group_by(T.player_id)
        .subquery("activity")
    )


def rules_query(rules: SegmentRules, now: datetime) -> tuple[sa.Select[Any], list[sa.ColumnElement[bool]]]:
    """``SELECT ... FROM players [LEFT JOIN activity]`` and the rule clauses (AND-ed)."""
    stmt: sa.Select[Any] = sa.select(Player)
    clauses: list[sa.ColumnElement[bool]] = []
    if rules.countries:
        clauses.append(Player.country.in_([c.upper() for c in rules.countries]))
    if rules.jurisdictions:
        clauses.append(Player.jurisdiction.in_([j.value for j in rules.jurisdictions]))
    if rules.vip_tiers:
        clauses.append(Player.vip_tier.in_([t.value for t in rules.vip_tiers]))
    if rules.risk_levels:
        clauses.append(Player.risk_level.in_([r.value for r in rules.risk_levels]))
    clauses.extend(_flag(flag, now) for flag in rules.rg_flags)
    if rules.active_within_days is not None:
        clauses.append(Player.last_login_at >= now - timedelta(days=rules.active_within_days))
    if rules.inactive_for_days is not None:
        cutoff = now - timedelta(days=rules.inactive_for_days)
        clauses.append(sa.or_(Player.last_login_at.is_(None), Player.last_login_at < cutoff))
    if not _uses_window(rules):
        return stmt, clauses

    category_ids = game_ids_of(rules.game_category) if rules.game_category else []
    activity = window_activity(now - timedelta(days=rules.window_days), category_ids)
    stmt = stmt.outerjoin(activity, activity.c.player_id == Player.id)

    def col(name: str) -> sa.ColumnElement[Any]:
        return sa.func.coalesce(activity.c[name], 0)

    bounds = (
        ("deposits", rules.min_deposits_eur_minor, rules.max_deposits_eur_minor),
        ("deposit_count", rules.min_deposit_count, rules.max_deposit_count),
        ("ggr", rules.min_ggr_eur_minor, rules.max_ggr_eur_minor),
    )
    for name, low, high in bounds:
        if low is not None:
            clauses.append(col(name) >= low)
        if high is not None:
            clauses.append(col(name) <= high)
    if rules.game_category is not None:
        # Preferred = at least half of the stake; integer arithmetic, so no float rounding.
        clauses.append(col("stake") > 0)
        clauses.append(col("category_stake") * 2 >= col("stake"))
    funded = col("deposits") + col("bonus")
    # share% >= p  <=>  100*bonus >= p*funded (no division: portable and exact). Players who were
    # never funded in the window have no share, so a share rule never selects them.
    if rules.min_bonus_share_pct is not None:
        clauses += [funded > 0, col("bonus") * 100 >= funded * rules.min_bonus_share_pct]
    if rules.max_bonus_share_pct is not None:
        clauses += [funded > 0, col("bonus") * 100 <= funded * rules.max_bonus_share_pct]
    return stmt, clauses


def stored_rules(row: Segment) -> SegmentRules | None:
    """The rules of a saved segment (the JSON column holds ``{"rules": ..., "shared": ...}``)."""
    if row.builtin or not row.rules:
        return None
    return SegmentRules.model_validate(row.rules.get("rules", {}))


def segment_select(
    rules: SegmentRules | None, builtin_id: str | None, now: datetime
) -> tuple[sa.Select[Any], list[sa.ColumnElement[bool]]]:
    if rules is None:
        return sa.select(Player), [Player.segment == builtin_id]
    return rules_query(rules, now)


def members_query(session: Session, segment: Segment, now: datetime | None = None) -> sa.Select[Any]:
    """``SELECT Player`` of the segment's members, RG guard applied for marketing segments."""
    now = now or utcnow()
    stmt, clauses = segment_select(stored_rules(segment), segment.id, now)
    if segment.marketing:
        clauses.append(sa.not_(rg_guard(now)))
    return stmt.where(*clauses)


def evaluate(
    session: Session,
    rules: SegmentRules | None,
    *,
    marketing: bool,
    builtin_id: str | None = None,
    now: datetime | None = None,
) -> SegmentEvaluation:
    """Members and guard exclusions in one pass: COUNT(*) and SUM(CASE guard)."""
    started = time.perf_counter()
    now = now or utcnow()
    stmt, clauses = segment_select(rules, builtin_id, now)
    guarded = sa.case((rg_guard(now), 1), else_=0)
    matched = stmt.with_only_columns(
        sa.func.count().label("matched"), sa.func.coalesce(sa.func.sum(guarded), 0).label("guarded")
    ).where(*clauses)
    row = session.execute(matched).one()
    total, excluded = int(row.matched), int(row.guarded) if marketing else 0
    return SegmentEvaluation(
        members=total - excluded,
        excluded_by_rg_guard=excluded,
        marketing=marketing,
        evaluated_at=now,
        server_ms=round((time.perf_counter() - started) * 1000, 2),
    )


def player_filter(session: Session, segment_id: str) -> sa.ColumnElement[bool]:
    """``GET /players?segment=``: a saved segment selects its members, a built-in its players."""
    row = session.get(Segment, segment_id)
    if row is None or row.builtin:
        return Player.segment == segment_id
    return Player.id.in_(members_query(session, row).with_only_columns(Player.id))

"""Operational reports: withdrawal decisions and the players of a segment.

Row reports: one row per withdrawal / player, paged by (time, id) or id. Who decided is looked
up per page in one batch (approvals table, audit trail for rejections), never per row.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bo_desktop.contract.reports import (
    ColumnType,
    FilterChoice,
    ReportDefinition,
    ReportFilter,
    ReportKind,
    TotalRule,
)

from .. import db
from ..reference_data import PAYMENT_PROVIDERS, SEGMENTS
from .engine import (
    AnySelect,
    ReportQuery,
    ReportSpec,
    brand_filter,
    brand_label,
    in_period,
    jurisdiction_clauses,
    seconds_between,
)
from .finance import col, currency_filter, jurisdiction_filter, money, psp_filter

W, P = db.Withdrawal, db.Player
PSP_NAMES = {p.code.value: p.name for p in PAYMENT_PROVIDERS}
APPROVED = ("approved", "paid", "failed")  # failed: approved, then the PSP could not pay it


def choices(values: list[str]) -> list[FilterChoice]:
    return [FilterChoice(value=v, label=v.replace("_", " ").capitalize()) for v in values]


def staff_names(session: Session) -> dict[str, str]:
    return {
        staff_id: name for staff_id, name in session.execute(sa.select(db.Staff.id, db.Staff.display_name))
    }


class WithdrawalDecisions(ReportSpec):
    definition = ReportDefinition(
        kind=ReportKind.WITHDRAWAL_DECISIONS,
        title="Withdrawal decisions",
        description="Every decided withdrawal: who approved or rejected it, four-eyes pairs, decision time.",
        period_field="decision time",
        columns=[
            col("decided_at", "Decided (UTC)", ColumnType.DATETIME),
            col("withdrawal_id", "Withdrawal"),
            col("requested_at", "Requested (UTC)", ColumnType.DATETIME),
            col("player_id", "Player"),
            col("jurisdiction", "Jurisdiction"),
            col("psp", "Provider"),
            col("currency", "Currency"),
            money("amount", "Amount"),
            col("risk_level", "Risk"),
            col("outcome", "Outcome"),
            col("status", "Status now"),
            col("four_eyes", "Four-eyes", ColumnType.BOOLEAN, total=TotalRule.COUNT_TRUE),
            col("first_approver", "First approver"),
            col("second_approver", "Second approver"),
            col("rejected_by", "Rejected by"),
            col("reason_code", "Reject reason"),
            col("time_to_decision", "Time to decision", ColumnType.DURATION),
        ],
        filters=[
            ReportFilter(key="outcome", title="Outcome", choices=choices(["approved", "rejected"])),
            jurisdiction_filter(),
            brand_filter(),
            currency_filter(),
            psp_filter(),
        ],
        notes=["'Rejected by' comes from the audit trail; decisions imported with the seed data have none."],
    )
    sort_keys = ("decided_at", "withdrawal_id")

    def select(self, query: ReportQuery) -> AnySelect:
        statuses = {"approved": APPROVED, "rejected": ("rejected",)}.get(query.get("outcome") or "")
        stmt: AnySelect = (
            sa.select(
                W.decided_at.label("decided_at"),
                W.id.label("withdrawal_id"),
                W.requested_at,
                W.player_id,
                P.jurisdiction,
                W.psp,
                W.currency,
                W.amount_minor,
                W.risk_level,
                W.status,
                W.requires_four_eyes,
                W.reject_reason_code,
            )
            .join(P, P.id == W.player_id)
            .where(
                W.decided_at.is_not(None),
                W.status.in_(statuses or (*APPROVED, "rejected")),
                *in_period(W.decided_at, query),
                *jurisdiction_clauses(P.jurisdiction, query),
            )
        )
        for key, column in (("currency", W.currency), ("psp", W.psp)):
            if (value := query.get(key)) is not None:
                stmt = stmt.where(column == value)
        return stmt

    def finish(self, session: Session, rows: list[sa.RowMapping], query: ReportQuery) -> list[dict[str, Any]]:
        ids = [r["withdrawal_id"] for r in rows]
        names = staff_names(session)
        approvers: dict[str, list[str]] = defaultdict(list)
        for withdrawal_id, staff_id in session.execute(
            sa.select(db.WithdrawalApproval.withdrawal_id, db.WithdrawalApproval.staff_id)
            .where(db.WithdrawalApproval.withdrawal_id.in_(ids))
            .order_by(db.WithdrawalApproval.at, db.WithdrawalApproval.id)
        ):
            approvers[withdrawal_id].append(names.get(staff_id, staff_id))
        rejecters = {
            entity_id: actor
            for entity_id, actor in session.execute(
                sa.select(db.AuditLog.entity_id, db.AuditLog.actor_name)
                .where(
                    db.AuditLog.entity_type == "withdrawal",
                    db.AuditLog.action == "withdrawal.reject",
                    db.AuditLog.entity_id.in_(ids),
                )
                .order_by(db.AuditLog.seq)
            )
        }
        out: list[dict[str, Any]] = []
        for r in rows:
            approved = r["status"] in APPROVED
            pair = approvers.get(r["withdrawal_id"], [])
            out.append(
                {
                    "decided_at": r["decided_at"],
                    "withdrawal_id": r["withdrawal_id"],
                    "requested_at": r["requested_at"],
                    "player_id": r["player_id"],
                    "jurisdiction": r["jurisdiction"],
                    "psp": PSP_NAMES.get(r["psp"], r["psp"]),
                    "currency": r["currency"],
                    "amount": r["amount_minor"],
                    "risk_level": r["risk_level"],
                    "outcome": "approved" if approved else "rejected",
                    "status": r["status"],
                    # The flag is set when the request is scored; two approvals prove it too.
                    "four_eyes": bool(r["requires_four_eyes"]) or len(pair) > 1,
                    "first_approver": pair[0] if pair else None,
                    "second_approver": pair[1] if len(pair) > 1 else None,
                    "rejected_by": None if approved else rejecters.get(r["withdrawal_id"]),
                    "reason_code": r["reject_reason_code"],
                    "time_to_decision": seconds_between(r["requested_at"], r["decided_at"]),
                }
            )
        return out


class SegmentPlayers(ReportSpec):
    definition = ReportDefinition(
        kind=ReportKind.SEGMENT_PLAYERS,
        title="Players of a segment",
        description="Every player in a segment with balances and lifetime value.",
        period=False,
        columns=[
            col("player_id", "Player"),
            col("username", "Username"),
            col("name", "Name"),
            col("country", "Country"),
            col("jurisdiction", "Jurisdiction"),
            col("brand", "Brand"),
            col("status", "Status"),
            col("vip_tier", "VIP tier"),
            col("registered_at", "Registered (UTC)", ColumnType.DATETIME),
            col("last_login_at", "Last login (UTC)", ColumnType.DATETIME),
            col("currency", "Currency"),
            money("balance", "Balance"),
            money("lifetime_deposits", "Lifetime deposits"),
            money("lifetime_withdrawals", "Lifetime withdrawals"),
            money("ggr", "Lifetime GGR"),
        ],
        filters=[
            ReportFilter(
                key="segment",
                title="Segment",
                choices=[FilterChoice(value=s.id, label=s.name) for s in SEGMENTS],
                required=True,
                default=SEGMENTS[0].id,
            ),
            jurisdiction_filter(),
            brand_filter(),
            currency_filter(),
        ],
    )
    sort_keys = ("player_id",)

    def select(self, query: ReportQuery) -> AnySelect:
        stmt: AnySelect = sa.select(
            P.id.label("player_id"),
            P.username,
            P.first_name,
            P.last_name,
            P.country,
            P.jurisdiction,
            P.status,
            P.vip_tier,
            P.registered_at,
            P.last_login_at,
            P.currency,
            P.balance_minor,
            P.lifetime_deposits_minor,
            P.lifetime_withdrawals_minor,
            P.ggr_minor,
        ).where(P.segment == query.get("segment"), *jurisdiction_clauses(P.jurisdiction, query))
        if (currency := query.get("currency")) is not None:
            stmt = stmt.where(P.currency == currency)
        return stmt

    def finish(self, session: Session, rows: list[sa.RowMapping], query: ReportQuery) -> list[dict[str, Any]]:
        return [
            {
                "player_id": r["player_id"],
                "username": r["username"],
                "name": f"{r['first_name']} {r['last_name']}",
                "country": r["country"],
                "jurisdiction": r["jurisdiction"],
                "brand": brand_label(r["jurisdiction"]),
                "status": r["status"],
                "vip_tier": r["vip_tier"],
                "registered_at": r["registered_at"],
                "last_login_at": r["last_login_at"],
                "currency": r["currency"],
                "balance": r["balance_minor"],
                "lifetime_deposits": r["lifetime_deposits_minor"],
                "lifetime_withdrawals": r["lifetime_withdrawals_minor"],
                "ggr": r["ggr_minor"],
            }
            for r in rows
        ]

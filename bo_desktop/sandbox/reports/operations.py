"""Operational reports: withdrawal decisions, disputes against SLA, segment players, alert outcomes.

Row reports: one row per withdrawal / dispute / player / alert, paged by (time, id). Who decided
is looked up per page in one batch (approvals table, audit trail for rejections, alert
transitions), never per row.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bo_desktop.contract.enums import AlertKind, DisputePriority, Permission, Severity
from bo_desktop.contract.reports import (
    ColumnType,
    FilterChoice,
    ReportDefinition,
    ReportFilter,
    ReportKind,
    TotalRule,
)

from .. import db
from ..reference_data import SEGMENTS
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

W, P, D, A = db.Withdrawal, db.Player, db.Dispute, db.Alert
APPROVED = ("approved", "paid", "failed")  # failed: approved, then the PSP could not pay it
CLOSED_ALERT = ("closed_no_action", "closed_action_taken", "reported")


def _choices(values: list[str]) -> list[FilterChoice]:
    return [FilterChoice(value=v, label=v.replace("_", " ").capitalize()) for v in values]


def _staff_names(session: Session) -> dict[str, str]:
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
            ReportFilter(key="outcome", title="Outcome", choices=_choices(["approved", "rejected"])),
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
        names = _staff_names(session)
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
                    "psp": r["psp"],
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


class DisputesSla(ReportSpec):
    definition = ReportDefinition(
        kind=ReportKind.DISPUTES_SLA,
        title="Disputes and SLA",
        description="Disputes opened in the period: handler, SLA due time, whether the SLA was met, outcome.",
        period_field="dispute creation time",
        columns=[
            col("created_at", "Opened (UTC)", ColumnType.DATETIME),
            col("dispute_id", "Dispute"),
            col("player_id", "Player"),
            col("jurisdiction", "Jurisdiction"),
            col("kind", "Kind"),
            col("priority", "Priority"),
            col("status", "Status"),
            col("assignee", "Handler"),
            col("sla_due_at", "SLA due (UTC)", ColumnType.DATETIME),
            col("resolved_at", "Resolved (UTC)", ColumnType.DATETIME),
            col("sla_met", "SLA met", ColumnType.BOOLEAN, total=TotalRule.COUNT_TRUE),
            col("time_to_resolution", "Time to resolution", ColumnType.DURATION),
            col("outcome", "Outcome"),
            col("currency", "Currency"),
            money("compensation", "Compensation"),
        ],
        filters=[
            ReportFilter(
                key="priority", title="Priority", choices=_choices([p.value for p in DisputePriority])
            ),
            jurisdiction_filter(),
            brand_filter(),
        ],
        notes=["SLA met: not breached so far (open disputes count as met until they breach)."],
    )
    sort_keys = ("created_at", "dispute_id")

    def select(self, query: ReportQuery) -> AnySelect:
        stmt: AnySelect = (
            sa.select(
                D.created_at.label("created_at"),
                D.id.label("dispute_id"),
                D.player_id,
                D.jurisdiction,
                D.kind,
                D.priority,
                D.status,
                D.assignee_id,
                D.sla_due_at,
                D.resolved_at,
                D.sla_breached,
                D.resolution_outcome,
                sa.func.coalesce(D.compensation_currency, P.currency).label("currency"),
                D.compensation_minor,
            )
            .join(P, P.id == D.player_id)
            .where(*in_period(D.created_at, query), *jurisdiction_clauses(D.jurisdiction, query))
        )
        if (priority := query.get("priority")) is not None:
            stmt = stmt.where(D.priority == priority)
        return stmt

    def finish(self, session: Session, rows: list[sa.RowMapping], query: ReportQuery) -> list[dict[str, Any]]:
        names = _staff_names(session)
        return [
            {
                "created_at": r["created_at"],
                "dispute_id": r["dispute_id"],
                "player_id": r["player_id"],
                "jurisdiction": r["jurisdiction"],
                "kind": r["kind"],
                "priority": r["priority"],
                "status": r["status"],
                "assignee": names.get(r["assignee_id"], r["assignee_id"]) if r["assignee_id"] else None,
                "sla_due_at": r["sla_due_at"],
                "resolved_at": r["resolved_at"],
                "sla_met": not r["sla_breached"],
                "time_to_resolution": seconds_between(r["created_at"], r["resolved_at"]),
                "outcome": r["resolution_outcome"],
                "currency": r["currency"],
                "compensation": r["compensation_minor"],
            }
            for r in rows
        ]


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


class AlertOutcomes(ReportSpec):
    definition = ReportDefinition(
        kind=ReportKind.ALERT_OUTCOMES,
        title="AML / RG alert outcomes",
        description="Alerts raised in the period: rule, severity, how and when they were closed, by whom.",
        period_field="alert creation time",
        columns=[
            col("created_at", "Raised (UTC)", ColumnType.DATETIME),
            col("alert_id", "Alert"),
            col("kind", "Kind"),
            col("rule", "Rule"),
            col("severity", "Severity"),
            col("player_id", "Player"),
            col("jurisdiction", "Jurisdiction"),
            col("status", "Outcome"),
            col("closed", "Closed", ColumnType.BOOLEAN, total=TotalRule.COUNT_TRUE),
            col("closed_at", "Closed at (UTC)", ColumnType.DATETIME),
            col("closed_by", "Closed by"),
            col("time_to_close", "Time to close", ColumnType.DURATION),
        ],
        filters=[
            ReportFilter(key="kind", title="Alert kind", choices=_choices([k.value for k in AlertKind])),
            ReportFilter(key="severity", title="Severity", choices=_choices([s.value for s in Severity])),
            jurisdiction_filter(),
            brand_filter(),
        ],
        notes=["AML alerts are included only for staff holding alerts.aml."],
    )
    sort_keys = ("created_at", "alert_id")

    def select(self, query: ReportQuery) -> AnySelect:
        stmt: AnySelect = (
            sa.select(
                A.created_at.label("created_at"),
                A.id.label("alert_id"),
                A.kind,
                A.rule_label,
                A.severity,
                A.player_id,
                P.jurisdiction,
                A.status,
            )
            .join(P, P.id == A.player_id)
            .where(*in_period(A.created_at, query), *jurisdiction_clauses(P.jurisdiction, query))
        )
        if Permission.ALERTS_AML not in query.permissions:
            stmt = stmt.where(A.kind != AlertKind.AML.value)
        for key, column in (("kind", A.kind), ("severity", A.severity)):
            if (value := query.get(key)) is not None:
                stmt = stmt.where(column == value)
        return stmt

    def finish(self, session: Session, rows: list[sa.RowMapping], query: ReportQuery) -> list[dict[str, Any]]:
        closing: dict[str, tuple[Any, Any]] = {}
        transitions = db.AlertTransitionRow
        for alert_id, at, name in session.execute(
            sa.select(transitions.alert_id, transitions.at, transitions.staff_name)
            .where(
                transitions.alert_id.in_([r["alert_id"] for r in rows]),
                transitions.to_status.in_(CLOSED_ALERT),
            )
            .order_by(transitions.at, transitions.id)
        ):
            closing[alert_id] = (at, name)  # the last closing transition wins
        out: list[dict[str, Any]] = []
        for r in rows:
            closed = r["status"] in CLOSED_ALERT
            closed_at, closed_by = closing.get(r["alert_id"], (None, None)) if closed else (None, None)
            out.append(
                {
                    "created_at": r["created_at"],
                    "alert_id": r["alert_id"],
                    "kind": r["kind"],
                    "rule": r["rule_label"],
                    "severity": r["severity"],
                    "player_id": r["player_id"],
                    "jurisdiction": r["jurisdiction"],
                    "status": r["status"],
                    "closed": closed,
                    "closed_at": closed_at,
                    "closed_by": closed_by,
                    "time_to_close": seconds_between(r["created_at"], closed_at),
                }
            )
        return out

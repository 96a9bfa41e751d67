"""Case reports: disputes against their SLA and AML/RG alert outcomes (who closed what, how fast).

One row per dispute / alert raised in the period, paged by (creation time, id); handler and
closer names are looked up per page in one batch.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bo_desktop.contract.enums import AlertKind, DisputePriority, Permission, Severity
from bo_desktop.contract.reports import ColumnType, ReportDefinition, ReportFilter, ReportKind, TotalRule

from .. import db
from .engine import (
    AnySelect,
    ReportQuery,
    ReportSpec,
    brand_filter,
    in_period,
    jurisdiction_clauses,
    seconds_between,
)
from .finance import col, jurisdiction_filter, money
from .operations import choices, staff_names

P, D, A = db.Player, db.Dispute, db.Alert
CLOSED_ALERT = ("closed_no_action", "closed_action_taken", "reported")


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
                key="priority", title="Priority", choices=choices([p.value for p in DisputePriority])
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
        names = staff_names(session)
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
            ReportFilter(key="kind", title="Alert kind", choices=choices([k.value for k in AlertKind])),
            ReportFilter(key="severity", title="Severity", choices=choices([s.value for s in Severity])),
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

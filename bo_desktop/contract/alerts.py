"""Compliance alerts: AML, responsible gambling, fraud, KYC."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from .common import ContractModel, Versioned
from .enums import AlertKind, AlertStatus, Severity


class AlertTransitionRecord(ContractModel):
    at: datetime
    staff_id: str
    staff_name: str
    from_status: AlertStatus
    to_status: AlertStatus
    rationale: str


class Alert(Versioned):
    id: str  # "A-000123"
    kind: AlertKind
    rule: str  # aml.threshold_2000, aml.structuring, rg.loss_chasing, fraud.shared_device, ...
    rule_label: str
    severity: Severity
    player_id: str
    player_name: str
    amount_minor: int | None = None
    currency: str | None = None
    detail: str = ""
    status: AlertStatus
    assignee_id: str | None = None
    assignee_name: str | None = None
    created_at: datetime
    updated_at: datetime
    report_reference: str | None = None
    history: list[AlertTransitionRecord] = Field(default_factory=list)


class AlertTransition(ContractModel):
    status: AlertStatus
    rationale: str = Field(min_length=1, max_length=5000)
    report_reference: str | None = Field(default=None, max_length=100)


class AlertAssign(ContractModel):
    assignee_id: str | None

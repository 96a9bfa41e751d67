"""Alerts: API calls and the workflow rules the panel shows (no widgets).

The server enforces every rule; ``next_steps`` only decides which buttons make sense for an
alert and this user, so nobody is offered a step the server would refuse (a proposer is not
offered "confirm closure" on their own proposal).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bo_desktop.contract.alerts import Alert, AlertAssign, AlertTransition
from bo_desktop.contract.compliance import (
    AlertRestrict,
    AlertRestriction,
    RgInteraction,
    RgInteractionChannel,
    RgInteractionCreate,
)
from bo_desktop.contract.enums import AlertStatus, KycDocumentKind, Permission, Severity
from bo_desktop.contract.players import KycDocument, KycRequest, PlayerDetail
from bo_desktop.core.api.client import ApiClient

S = AlertStatus
CLOSED = frozenset({S.CLOSED_NO_ACTION, S.CLOSED_ACTION_TAKEN, S.REPORTED})
ACTIVE = frozenset({S.OPEN, S.INVESTIGATING, S.AWAITING_SECOND_REVIEW})
SECOND_REVIEW_SEVERITIES = frozenset({Severity.HIGH, Severity.CRITICAL})
ALERT_LIMIT = 2000  # a desk works hundreds of active alerts; closed ones are searched by filter

STATUS_LABELS = {
    S.OPEN: "Open",
    S.INVESTIGATING: "Investigating",
    S.AWAITING_SECOND_REVIEW: "Awaiting second review",
    S.CLOSED_NO_ACTION: "Closed — no action",
    S.CLOSED_ACTION_TAKEN: "Closed — action taken",
    S.REPORTED: "Reported (SAR filed)",
}


@dataclass(frozen=True)
class Step:
    """One workflow button: the target status and how the button and dialog describe it."""

    target: AlertStatus
    label: str
    object_name: str
    needs_reference: bool = False
    note: str = ""


def next_steps(alert: Alert, staff_id: str, permissions: set[Permission] | set[str]) -> list[Step]:
    if Permission.ALERTS_WRITE not in permissions:
        return []
    status = alert.status
    if status == S.OPEN:
        return [Step(S.INVESTIGATING, "Start investigating", "alertInvestigate")]
    if status == S.INVESTIGATING:
        second = alert.severity in SECOND_REVIEW_SEVERITIES
        note = "A second compliance officer must confirm this closure." if second else ""
        return [
            Step(S.CLOSED_NO_ACTION, "Close — no action…", "alertCloseNoAction", note=note),
            Step(S.CLOSED_ACTION_TAKEN, "Close — action taken…", "alertCloseAction"),
            Step(S.REPORTED, "Report (SAR filed)…", "alertReport", needs_reference=True),
        ]
    if status == S.AWAITING_SECOND_REVIEW:
        back = Step(S.INVESTIGATING, "Send back…", "alertSendBack")
        if alert_proposer(alert) == staff_id:
            return [back]
        return [Step(S.CLOSED_NO_ACTION, "Confirm closure…", "alertConfirmClose"), back]
    return []


def alert_proposer(alert: Alert) -> str | None:
    """Who proposed the pending "no action" closure (the last step into second review)."""
    for step in reversed(alert.history):
        if step.to_status == S.AWAITING_SECOND_REVIEW:
            return step.staff_id
    return None


def filter_params(kind: str, status: str, severity: str, mine: bool, player_id: str = "") -> dict[str, Any]:
    params: dict[str, Any] = {"sort": "-created_at"}
    if player_id:
        params["player_id"] = player_id
    if kind:
        params["kind"] = kind
    if status:
        params["status"] = status
    if severity:
        params["severity"] = severity
    if mine:
        params["assignee_id"] = "me"
    return params


class AlertsService:
    def __init__(self, api: ApiClient) -> None:
        self._api = api

    async def list_alerts(self, params: dict[str, Any]) -> tuple[list[Alert], bool]:
        """Alerts matching ``params``, newest first; the flag says the list was cut at the limit."""
        alerts: list[Alert] = []
        async for page in self._api.paginate("/alerts", Alert, params=params, page_size=500):
            alerts.extend(page)
            if len(alerts) >= ALERT_LIMIT:
                return alerts[:ALERT_LIMIT], True
        return alerts, False

    async def get_alert(self, alert_id: str) -> Alert:
        return await self._api.get_versioned(f"/alerts/{alert_id}", Alert)

    async def transition(self, alert: Alert, body: AlertTransition, key: str) -> Alert:
        return await self._api.send(
            "POST",
            f"/alerts/{alert.id}/transition",
            body=body,
            model=Alert,
            if_match=alert.version,
            idempotency_key=key,
        )

    async def assign(self, alert: Alert, assignee_id: str | None) -> Alert:
        return await self._api.send(
            "POST",
            f"/alerts/{alert.id}/assign",
            body=AlertAssign(assignee_id=assignee_id),
            model=Alert,
            if_match=alert.version,
        )

    async def player(self, player_id: str) -> PlayerDetail:
        return await self._api.get_versioned(f"/players/{player_id}", PlayerDetail)

    async def restrict(
        self,
        alert: Alert,
        player_version: int,
        restriction: AlertRestriction,
        rationale: str,
        reason_code: str | None,
        key: str,
    ) -> PlayerDetail:
        body = AlertRestrict(restriction=restriction, rationale=rationale, reason_code=reason_code)
        return await self._api.send(
            "POST",
            f"/alerts/{alert.id}/restrict",
            body=body,
            model=PlayerDetail,
            if_match=player_version,
            idempotency_key=key,
        )

    async def request_document(
        self, player_id: str, player_version: int, kind: KycDocumentKind, comment: str, key: str
    ) -> KycDocument:
        return await self._api.send(
            "POST",
            f"/players/{player_id}/kyc/requests",
            body=KycRequest(kind=kind, comment=comment),
            model=KycDocument,
            if_match=player_version,
            idempotency_key=key,
        )

    async def record_interaction(
        self,
        alert: Alert,
        player_version: int,
        channel: RgInteractionChannel,
        summary: str,
        outcome: str,
        key: str,
    ) -> RgInteraction:
        body = RgInteractionCreate(channel=channel, summary=summary, outcome=outcome, alert_id=alert.id)
        return await self._api.send(
            "POST",
            f"/players/{alert.player_id}/rg-interactions",
            body=body,
            model=RgInteraction,
            if_match=player_version,
            idempotency_key=key,
        )

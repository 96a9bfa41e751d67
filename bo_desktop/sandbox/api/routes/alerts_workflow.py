"""Alert workflow: ``POST /alerts/{id}/transition`` and ``POST /alerts/{id}/assign``.

States (issue 10): open → investigating → closed_no_action | closed_action_taken | reported.
Every transition carries a rationale (it is what a regulator reads later); ``reported`` carries
the reference of the suspicious-activity report. Closing a high or critical alert as "no action"
is the decision most likely to be wrong and least likely to be noticed, so it does not take effect:
the alert waits in ``awaiting_second_review`` until a *different* officer holding alerts.write
confirms it (409 ``same_approver`` for the proposer) or sends it back to investigating.

Both writes: If-Match on the alert (428/412), an Idempotency-Key for transitions (one per
decision), one audit record and an ``alert.updated`` event, in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from bo_desktop.contract.alerts import Alert, AlertAssign, AlertTransition
from bo_desktop.contract.enums import AlertKind, AlertStatus, Permission, Severity
from bo_desktop.contract.events import EventType

from ... import audit
from ...db import Alert as AlertRow
from ...db import AlertTransitionRow, Staff, utcnow
from ...state import SandboxState
from ..concurrency import IfMatch, check_version, require_if_match
from ..deps import get_state
from ..idempotency import IdempotencyKeyHeader, Outcome, run_mutation
from ..permissions import Principal, permissions_for, require
from ..problems import conflict, validation_problem
from .alerts import alert_model, visible_alert

router = APIRouter(prefix="/alerts/{alert_id}", tags=["alerts"])

Writer = Annotated[Principal, Depends(require(Permission.ALERTS_READ, Permission.ALERTS_WRITE))]
State = Annotated[SandboxState, Depends(get_state)]

A = AlertStatus
CLOSED = {A.CLOSED_NO_ACTION, A.CLOSED_ACTION_TAKEN, A.REPORTED}
ALLOWED: dict[AlertStatus, set[AlertStatus]] = {
    A.OPEN: {A.INVESTIGATING},
    A.INVESTIGATING: {A.CLOSED_NO_ACTION, A.CLOSED_ACTION_TAKEN, A.REPORTED},
    # The second reviewer confirms the proposal, or sends the alert back for more work.
    A.AWAITING_SECOND_REVIEW: {A.CLOSED_NO_ACTION, A.INVESTIGATING},
}
NEEDS_SECOND_REVIEW = {Severity.HIGH.value, Severity.CRITICAL.value}


def alert_trail(row: AlertRow) -> dict[str, Any]:
    return {
        "version": row.version,
        "status": row.status,
        "assignee_id": row.assignee_id,
        "report_reference": row.report_reference,
        "proposed_by": row.proposed_by,
    }


def mutate_alert(
    state: SandboxState,
    principal: Principal,
    request: Request,
    alert_id: str,
    if_match: str | None,
    action: str,
    change: Callable[[Session, AlertRow], str],
    *,
    payload: BaseModel,
    key: str | None,
    key_required: bool,
) -> Response:
    """Lock the alert, check If-Match, apply ``change`` (returns the audit reason), audit, publish."""
    require_if_match(if_match)

    def work(session: Session) -> Outcome:
        row = visible_alert(session, principal, alert_id, lock=True)
        check_version(if_match, row.version, lambda: alert_model(session, row).model_dump(mode="json"))
        before = alert_trail(row)
        reason = change(session, row)
        row.version += 1
        row.updated_at = utcnow()
        session.flush()
        audit.append(
            session,
            actor=principal,
            action=action,
            entity_type="alert",
            entity_id=row.id,
            before=before,
            after=alert_trail(row),
            reason=reason,
        )
        model = alert_model(session, row)
        return Outcome(
            body=model,
            etag_version=row.version,
            events=[(EventType.ALERT_UPDATED.value, model.model_dump(mode="json"))],
        )

    return run_mutation(state, principal, request, payload, key, work, key_required=key_required)


def _validate(body: AlertTransition) -> None:
    errors = []
    if not body.rationale.strip():
        errors.append(("rationale", "every transition needs a rationale"))
    reference = (body.report_reference or "").strip()
    if body.status == A.REPORTED and not reference:
        errors.append(("report_reference", "a reported alert needs the reference of the filed report"))
    if body.status != A.REPORTED and reference:
        errors.append(("report_reference", "only a transition to reported records a report reference"))
    if errors:
        raise validation_problem(errors)


@router.post("/transition", response_model=Alert)
def transition_alert(
    alert_id: str,
    body: AlertTransition,
    request: Request,
    principal: Writer,
    state: State,
    if_match: IfMatch = None,
    key: IdempotencyKeyHeader = None,
) -> Response:
    _validate(body)

    def change(session: Session, row: AlertRow) -> str:
        current = A(row.status)
        target = body.status
        if target not in ALLOWED.get(current, set()):
            raise conflict(
                "invalid_transition",
                f"{row.id} is {current.value.replace('_', ' ')}; it cannot move to "
                f"{target.value.replace('_', ' ')}.",
            )
        to_status = target
        if current == A.AWAITING_SECOND_REVIEW and target == A.CLOSED_NO_ACTION:
            if row.proposed_by == principal.staff_id:
                raise conflict(
                    "same_approver",
                    "A second compliance officer must confirm this closure; you proposed it.",
                )
        elif target == A.CLOSED_NO_ACTION and row.severity in NEEDS_SECOND_REVIEW:
            to_status = A.AWAITING_SECOND_REVIEW
        if to_status == A.AWAITING_SECOND_REVIEW:
            row.proposed_status, row.proposed_by = target.value, principal.staff_id
        else:
            row.proposed_status = row.proposed_by = None
        if target == A.REPORTED:
            row.report_reference = (body.report_reference or "").strip()
        session.add(
            AlertTransitionRow(
                alert_id=row.id,
                at=utcnow(),
                staff_id=principal.staff_id,
                staff_name=principal.display_name,
                from_status=current.value,
                to_status=to_status.value,
                rationale=body.rationale,
            )
        )
        row.status = to_status.value
        return body.rationale

    return mutate_alert(
        state,
        principal,
        request,
        alert_id,
        if_match,
        "alert.transition",
        change,
        payload=body,
        key=key,
        key_required=True,
    )


@router.post("/assign", response_model=Alert)
def assign_alert(
    alert_id: str,
    body: AlertAssign,
    request: Request,
    principal: Writer,
    state: State,
    if_match: IfMatch = None,
    key: IdempotencyKeyHeader = None,
) -> Response:
    def change(session: Session, row: AlertRow) -> str:
        if A(row.status) in CLOSED:
            raise conflict("invalid_transition", f"{row.id} is closed; it cannot be reassigned.")
        if body.assignee_id == row.assignee_id:
            raise conflict("conflict", f"{row.id} is already assigned to {row.assignee_id or 'nobody'}.")
        name = "nobody"
        if body.assignee_id is not None:
            staff = session.scalar(sa.select(Staff).where(Staff.id == body.assignee_id, Staff.active))
            if staff is None:
                raise validation_problem(
                    [("assignee_id", f"there is no active staff member {body.assignee_id}")]
                )
            granted = permissions_for(staff.roles)
            needed = {Permission.ALERTS_WRITE} | (
                {Permission.ALERTS_AML} if row.kind == AlertKind.AML.value else set()
            )
            if not needed <= granted:
                raise validation_problem([("assignee_id", f"{staff.display_name} cannot work this alert")])
            name = staff.display_name
        row.assignee_id = body.assignee_id
        return f"assigned to {name}"

    return mutate_alert(
        state,
        principal,
        request,
        alert_id,
        if_match,
        "alert.assign",
        change,
        payload=body,
        key=key,
        key_required=False,
    )

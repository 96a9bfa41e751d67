"""What to tell the reviewer when an action did not simply succeed (Qt-free).

The server's ``detail`` is written for people and names the colleague involved ("claimed by Pia
Payments until 14:05"), so 409s show it as is; the rest get sentences that say what happened to
the money and what to do next.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from bo_desktop.contract.enums import WithdrawalStatus
from bo_desktop.contract.payments import Withdrawal
from bo_desktop.core.api.errors import (
    ApiError,
    Conflict,
    Forbidden,
    NetworkError,
    NotFound,
    PreconditionFailed,
    RateLimited,
    ServerError,
    ValidationFailed,
)

from .formatting import format_datetime, format_money, status_label
from .service import Action, Outcome, OutcomeKind

VERBS = {Action.APPROVE: "approval", Action.REJECT: "rejection"}


def current_of(error: PreconditionFailed) -> Withdrawal | None:
    """The withdrawal as it is now, from a 412's ``current`` (None if absent or unreadable)."""
    try:
        return Withdrawal.model_validate(error.current) if error.current else None
    except ValidationError:
        return None


def describe_changes(seen: Withdrawal | None, now: Withdrawal) -> list[str]:
    """What changed between the version the user saw and the current one, with who did it."""
    lines: list[str] = []
    if seen is None:
        lines.append(f"It is now {status_label(now.status).lower()} (version {now.version}).")
    else:
        if seen.status != now.status:
            lines.append(f"Status: {status_label(seen.status)} → {status_label(now.status)}")
        new_approvals = [a for a in now.approvals if a not in seen.approvals]
        for approval in new_approvals:
            lines.append(f"Approved by {approval.staff_name} at {approval.at.astimezone():%H:%M:%S}")
        if seen.claimed_by != now.claimed_by:
            before = seen.claimed_by_name or "nobody"
            after = now.claimed_by_name or "nobody"
            lines.append(f"Claimed by: {before} → {after}")
        elif seen.claim_expires_at != now.claim_expires_at and now.claimed_by_name:
            lines.append(f"{now.claimed_by_name} renewed their claim")
        if (seen.amount_minor, seen.currency) != (now.amount_minor, now.currency):
            lines.append(
                f"Amount: {format_money(seen.amount_minor, seen.currency)} → "
                f"{format_money(now.amount_minor, now.currency)}"
            )
        if seen.risk_score != now.risk_score:
            lines.append(f"Risk score: {seen.risk_score} → {now.risk_score}")
    if now.reject_reason_code and (seen is None or seen.reject_reason_code != now.reject_reason_code):
        by = f" by {now.decided_by_name}" if now.decided_by_name else ""
        lines.append(f"Rejected{by} (reason {now.reject_reason_code}): {now.reject_comment or 'no comment'}")
    lines.extend(_payout_changes(seen, now))
    if now.claimed_by_name and not any("Claimed by" in line for line in lines):
        lines.append(f"Currently claimed by {now.claimed_by_name}")
    if not lines:
        lines.append(f"Its version moved from {seen.version if seen else '?'} to {now.version}.")
    return lines


def _payout_changes(seen: Withdrawal | None, now: Withdrawal) -> list[str]:
    """The payout's news: who completed the approval, and what the PSP answered."""
    lines: list[str] = []
    # With the earlier version at hand, the new approvals above already name the approvers.
    if seen is None and now.status != WithdrawalStatus.REJECTED and now.decided_by_name:
        lines.append(f"Approval completed by {now.decided_by_name}")
    if seen is not None and seen.status == now.status:
        return lines
    if now.status == WithdrawalStatus.PAID:
        lines.append(f"Paid by {now.psp.value.capitalize()}, reference {now.psp_reference or '—'}")
    elif now.status == WithdrawalStatus.FAILED:
        lines.append(
            f"Payout failed: {now.failure_reason or 'no reason given'} "
            "(the amount went back to the player's balance)"
        )
    return lines


def payout_text(w: Withdrawal) -> str:
    """One line on the payout for the detail pane ("" while there is none to speak of)."""
    psp = w.psp.value.capitalize()
    by = f" by {w.decided_by_name}" if w.decided_by_name else ""
    when = f" {format_datetime(w.decided_at)}" if w.decided_at else ""
    decided = f"Approved{by}{when}"
    settled = format_datetime(w.settled_at) if w.settled_at else ""
    if w.status == WithdrawalStatus.APPROVED:
        return f"{decided}. Sent to {psp}; waiting for its confirmation."
    if w.status == WithdrawalStatus.PAID:
        return f"{decided}. Paid by {psp} {settled} — PSP reference {w.psp_reference or '—'}."
    if w.status == WithdrawalStatus.FAILED:
        return (
            f"{decided}. Payout failed {settled}: {w.failure_reason or 'no reason given'} "
            "The amount went back to the player's balance; contact the player before a new request."
        )
    if w.status == WithdrawalStatus.REJECTED:
        return f"Rejected{by}{when}."
    return ""


def explain(error: ApiError, action: str) -> str:
    """One or two sentences for a failed ``action`` ("claim", "approval", "rejection")."""
    if isinstance(error, PreconditionFailed):
        return f"Someone changed this withdrawal after you opened it, so your {action} was not sent."
    if isinstance(error, Conflict):
        if error.code == "same_approver":
            return "You gave the first approval. A different payments colleague must give the second."
        return error.problem.detail or f"The {action} does not fit the withdrawal's current state."
    if isinstance(error, Forbidden):
        return f"Your role does not allow this {action}. {error.problem.detail}".strip()
    if isinstance(error, ValidationFailed):
        return error.problem.detail or "Some fields need attention."
    if isinstance(error, RateLimited):
        wait = f" in {error.retry_after:.0f} s" if error.retry_after else " shortly"
        return f"The server is busy. Nothing was changed; try again{wait}."
    if isinstance(error, NotFound):
        return "This withdrawal no longer exists on the server."
    if isinstance(error, NetworkError | ServerError):
        return f"{error.user_message} Nothing was queued: the {action} is sent only while online."
    return error.user_message


def outcome_text(outcome: Outcome, action: Action, withdrawal_id: str) -> str:
    """The final word on a decision, stating the server's true state."""
    noun = VERBS[action]
    w = outcome.withdrawal
    if outcome.kind is OutcomeKind.DONE:
        state = status_label(w.status).lower() if w else "done"
        if outcome.settled_by_reading:
            return (
                f"The connection failed while sending your {noun}, but the server has it: "
                f"{withdrawal_id} is {state}. It was recorded once."
            )
        return f"{withdrawal_id} is {state}."
    if outcome.kind is OutcomeKind.UNKNOWN:
        return (
            f"The server could not be reached to confirm your {noun} of {withdrawal_id}. It may or "
            "may not have been recorded; retrying is safe (it can only be recorded once)."
        )
    error = outcome.error
    if outcome.settled_by_reading and w is not None:
        return (
            f"Your {noun} did not reach the server ({error.user_message if error else 'no answer'}). "
            f"{withdrawal_id} is still {status_label(w.status).lower()}: nothing was changed. "
            "Retrying is safe."
        )
    return explain(error, noun) if error else f"The {noun} of {withdrawal_id} was not recorded."


def field_errors(error: ApiError) -> dict[str, str]:
    """422 field messages by field name (``reason_code``, ``comment``)."""
    if not isinstance(error, ValidationFailed):
        return {}
    out: dict[str, str] = {}
    for item in error.errors:
        name = item.field.rpartition(".")[2]
        out.setdefault(name, item.message)
    return out


def as_dict(w: Withdrawal) -> dict[str, Any]:
    return w.model_dump(mode="json")

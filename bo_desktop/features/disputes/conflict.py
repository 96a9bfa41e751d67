"""What a handler is told when a colleague's change won (412), or arrived live (Qt-free).

"Dana Support (support) changed this ticket at 14:02: status Open → Escalated; assignee Sam →
Dana." — who (the ticket's ``updated_by``; the SLA clock is not a person), when, and a
field-by-field comparison of the ticket the handler saw with the current one, plus what changed
in its links and conversation once the thread is reloaded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from pydantic import ValidationError

from bo_desktop.contract.disputes import (
    SYSTEM_ACTOR,
    Dispute,
    DisputeComment,
    DisputeLink,
    DisputeResolution,
)
from bo_desktop.core.api.errors import ApiError, PreconditionFailed

from .domain import LINK_LABELS, OUTCOME_LABELS, PRIORITY_LABELS, STATUS_LABELS

RolesOf = Callable[[str], Sequence[str]]  # staff id → role names ("support", "manager")


def current_of(exc: ApiError) -> Dispute | None:
    """The ticket as it is now, from a 412's ``current`` (None for other errors or if unreadable)."""
    if not isinstance(exc, PreconditionFailed) or not exc.current:
        return None
    try:
        return Dispute.model_validate(exc.current)
    except ValidationError:
        return None


def author(current: Dispute, roles_of: RolesOf | None = None) -> str:
    """Who made the current version: "Dana Support (support)", "The SLA clock", "Someone"."""
    if current.updated_by == SYSTEM_ACTOR:
        return f"The {current.updated_by_name}" if current.updated_by_name else "The server"
    if not current.updated_by_name:
        return "Someone"
    roles = list(roles_of(current.updated_by)) if roles_of is not None and current.updated_by else []
    return f"{current.updated_by_name} ({', '.join(roles)})" if roles else current.updated_by_name


def when(at: datetime | None, now: datetime | None = None) -> str:
    """ " at 14:02" today, " on 24 Nov at 14:02" otherwise, "" if unknown (local time)."""
    if at is None:
        return ""
    local = at.astimezone()
    today = (now or datetime.now().astimezone()).astimezone().date()
    return f" at {local:%H:%M}" if local.date() == today else f" on {local:%d %b} at {local:%H:%M}"


def _resolution(r: DisputeResolution | None) -> str:
    if r is None:
        return "none"
    text = OUTCOME_LABELS.get(r.outcome, str(r.outcome))
    if r.needs_approval:
        text += ", compensation approved" if r.approved_by else ", compensation awaiting approval"
    return text


def field_changes(seen: Dispute, current: Dispute) -> list[str]:
    """ "status Open → Escalated" for each field a handler decides on that differs."""
    pairs = [
        (
            "status",
            STATUS_LABELS.get(seen.status, seen.status),
            STATUS_LABELS.get(current.status, current.status),
        ),
        ("assignee", seen.assignee_name or "unassigned", current.assignee_name or "unassigned"),
        (
            "priority",
            PRIORITY_LABELS.get(seen.priority, seen.priority),
            PRIORITY_LABELS.get(current.priority, current.priority),
        ),
        ("subject", f"“{seen.subject}”", f"“{current.subject}”"),
        ("resolution", _resolution(seen.resolution), _resolution(current.resolution)),
    ]
    lines = [f"{what} {before} → {after}" for what, before, after in pairs if before != after]
    if not seen.sla_breached and current.sla_breached:
        lines.append("SLA breached")
    return lines


def thread_changes(
    seen_links: Sequence[DisputeLink],
    links: Sequence[DisputeLink],
    seen_comments: Sequence[DisputeComment],
    comments: Sequence[DisputeComment],
) -> list[str]:
    """Links added or removed and new comments between two loads of a ticket's thread."""

    def key(link: DisputeLink) -> tuple[str, str]:
        return link.kind, link.target_id

    def name(link: DisputeLink) -> str:
        return f"{LINK_LABELS.get(link.kind, link.kind).lower()} {link.target_id}"

    before = {key(link) for link in seen_links}
    after = {key(link) for link in links}
    lines = [f"linked {name(link)}" for link in links if key(link) not in before]
    lines += [f"unlinked {name(link)}" for link in seen_links if key(link) not in after]
    known = {c.id for c in seen_comments}
    new = [c for c in comments if c.id not in known]
    if new:
        lines.append("1 new comment" if len(new) == 1 else f"{len(new)} new comments")
    return lines


def headline(seen: Dispute, current: Dispute, roles_of: RolesOf | None, changed: Sequence[str]) -> str:
    """ "Dana Support (support) changed this ticket at 14:02: status Open → Escalated." """
    who = author(current, roles_of)
    steps = current.version - seen.version
    verb = "changed" if steps <= 1 else f"made the last of {steps} changes to"
    what = "; ".join(changed) if changed else "details only (nothing shown here differs)"
    return f"{who} {verb} this ticket{when(current.updated_at)}: {what}."


def conflict_text(
    seen: Dispute,
    current: Dispute,
    action: str,
    *,
    roles_of: RolesOf | None = None,
    thread_lines: Sequence[str] = (),
    kept: str = "",
) -> str:
    """The 412 message: who changed what, that ``action`` was not applied, and what was kept."""
    lines = [
        headline(seen, current, roles_of, [*field_changes(seen, current), *thread_lines]),
        f"Your “{action}” was not applied. The ticket now shows the current version: decide again.",
    ]
    if kept:
        lines.append(kept)
    return "\n".join(lines)

"""The 412 message of a dispute ticket: who (a person with roles, the SLA clock), when, what."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bo_desktop.contract.disputes import SYSTEM_ACTOR, Dispute, DisputeComment, DisputeLink
from bo_desktop.core.api.errors import PreconditionFailed, Problem
from bo_desktop.features.disputes.conflict import (
    author,
    conflict_text,
    current_of,
    field_changes,
    thread_changes,
    when,
)

NOW = datetime(2026, 11, 25, 14, 2, tzinfo=UTC)


def ticket(**fields: object) -> Dispute:
    base: dict[str, object] = {
        "id": "D-000001", "version": 3, "player_id": "P-000001", "player_name": "Anna Berg",
        "jurisdiction": "MGA", "kind": "chargeback", "subject": "Card payment disputed", "priority": "high",
        "status": "open", "assignee_id": "ST-001", "assignee_name": "Sam Support", "created_at": NOW,
        "last_activity_at": NOW,
    }  # fmt: skip
    return Dispute.model_validate({**base, **fields})


def comment(cid: str) -> DisputeComment:
    return DisputeComment(
        id=cid,
        dispute_id="D-000001",
        author_id="ST-005",
        author_name="Max",
        internal=True,
        body="x",
        created_at=NOW,
    )


def test_author_names_a_person_with_roles_the_clock_or_someone() -> None:
    def roles(staff_id: str) -> list[str]:
        return ["payments"] if staff_id == "ST-007" else []

    dana = ticket(updated_by="ST-007", updated_by_name="Dana")
    assert author(dana, roles) == "Dana (payments)"
    assert author(ticket(updated_by="ST-404", updated_by_name="Gone Staff"), roles) == "Gone Staff"
    assert author(ticket(updated_by=SYSTEM_ACTOR, updated_by_name="SLA clock"), roles) == "The SLA clock"
    assert author(ticket()) == "Someone"  # a ticket stamped before the server named authors


def test_when_is_local_time_with_the_day_when_not_today() -> None:
    assert when(None) == ""
    assert when(NOW, now=NOW) == f" at {NOW.astimezone():%H:%M}"
    earlier = NOW - timedelta(days=2)
    assert when(earlier, now=NOW) == f" on {earlier.astimezone():%d %b} at {earlier.astimezone():%H:%M}"


def test_the_message_lists_every_changed_field_with_who_and_when() -> None:
    seen = ticket()
    current = ticket(
        version=4, status="escalated", assignee_id="ST-007", assignee_name="Dana",
        updated_by="ST-007", updated_by_name="Dana", updated_at=NOW,
    )  # fmt: skip
    text = conflict_text(
        seen, current, "Wait for player", roles_of=lambda _id: ["payments"], thread_lines=["1 new comment"]
    )
    head, action = text.split("\n")
    assert head == (
        f"Dana (payments) changed this ticket{when(NOW)}: status Open → Escalated; "
        "assignee Sam Support → Dana; 1 new comment."
    )
    assert (
        action
        == "Your “Wait for player” was not applied. The ticket now shows the current version: decide again."
    )
    several = conflict_text(seen, ticket(version=6, priority="low"), "Escalate", kept="Kept.")
    assert several.startswith("Someone made the last of 3 changes to this ticket: priority High → Low.")
    assert several.endswith("\nKept.")


def test_resolution_approval_and_breach_are_changes_too() -> None:
    resolved = {
        "status": "resolved",
        "resolution": {"outcome": "upheld", "summary": "s", "needs_approval": True},
    }
    seen = ticket(**resolved)
    approved = {**resolved["resolution"], "approved_by": "ST-005"}  # type: ignore[dict-item]
    assert field_changes(seen, ticket(status="resolved", resolution=approved)) == [
        "resolution Upheld, compensation awaiting approval → Upheld, compensation approved"
    ]
    assert field_changes(ticket(status="escalated"), ticket(status="escalated", sla_breached=True)) == [
        "SLA breached"
    ]


def test_thread_changes_name_links_and_count_new_comments() -> None:
    deposit = DisputeLink(kind="transaction", target_id="T-00000001")
    payout = DisputeLink(kind="withdrawal", target_id="W-000002")
    assert thread_changes(
        [deposit], [payout], [comment("DC-1")], [comment("DC-1"), comment("DC-2"), comment("DC-3")]
    ) == [
        "linked withdrawal W-000002",
        "unlinked transaction T-00000001",
        "2 new comments",
    ]
    assert thread_changes([deposit], [deposit], [], []) == []


def test_current_of_reads_a_412_and_ignores_garbage() -> None:
    current = ticket(version=9).model_dump(mode="json")
    problem = Problem(type="about:blank", title="Precondition Failed", status=412, current=current)
    got = current_of(PreconditionFailed(problem))
    assert got is not None and got.version == 9
    broken = Problem(type="about:blank", title="Precondition Failed", status=412, current={"id": "D-1"})
    assert current_of(PreconditionFailed(broken)) is None

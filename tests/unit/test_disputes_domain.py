"""Dispute rules the client shows (SLA countdown, allowed moves, 412 diff) and the draft store."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bo_desktop.contract.disputes import Dispute
from bo_desktop.contract.enums import DisputeView
from bo_desktop.features.disputes.dialogs import parse_amount
from bo_desktop.features.disputes.domain import SlaState, changes, duration_text, in_view, sla_state, sla_text
from bo_desktop.features.disputes.drafts import DraftStore

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def ticket(**fields: object) -> Dispute:
    base: dict[str, object] = {
        "id": "D-000001", "version": 3, "player_id": "P-000001", "player_name": "Anna Berg",
        "jurisdiction": "MGA", "kind": "chargeback", "subject": "Card payment disputed", "priority": "high",
        "status": "open", "assignee_id": "ST-001", "assignee_name": "Sam Support", "created_at": NOW,
        "last_activity_at": NOW, "sla_due_at": NOW + timedelta(hours=10),
    }  # fmt: skip
    return Dispute.model_validate({**base, **fields})


@pytest.mark.parametrize(
    ("status", "due_in", "paused_left", "breached", "state", "text"),
    [
        ("open", 10 * 3600, None, False, SlaState.RUNNING, "10h 00m left"),
        ("open", 5 * 3600, None, False, SlaState.AT_RISK, "5h 00m left"),  # high: last 6 h of 24
        ("escalated", -90 * 60, None, True, SlaState.OVERDUE, "overdue 1h 30m"),
        ("waiting_on_player", None, 2 * 86400 + 3 * 3600, False, SlaState.PAUSED, "Paused · 2d 3h left"),
        ("waiting_on_player", None, -60, False, SlaState.PAUSED, "Paused · overdue"),
        ("resolved", 3600, None, False, SlaState.STOPPED, "—"),
    ],
)
def test_sla_countdown(
    status: str, due_in: int | None, paused_left: int | None, breached: bool, state: SlaState, text: str
) -> None:
    now = NOW.timestamp()
    due = now + due_in if due_in is not None else None
    got_state, left = sla_state(status, "high", due, paused_left, breached, now)
    assert got_state is state and sla_text(got_state, left) == text


def test_duration_text() -> None:
    assert [duration_text(s) for s in (59, 61, 3600, 86_400 + 7200)] == ["0m", "1m", "1h 00m", "1d 2h"]


@pytest.mark.parametrize(
    ("text", "minor"),
    [("600", 60_000), ("1 234,50", 123_450), ("1,234.50", 123_450), ("0.5", 50), ("", 0), ("1.234", None),
     ("-5", None), ("abc", None)],
)  # fmt: skip
def test_parse_amount(text: str, minor: int | None) -> None:
    assert parse_amount(text) == minor


def test_changes_lists_what_a_412_is_about() -> None:
    seen = ticket()
    now = ticket(version=4, status="escalated", priority="urgent", assignee_name="Max Manager")
    assert changes(seen, now) == [
        ("Status", "Open", "Escalated"),
        ("Priority", "High", "Urgent"),
        ("Assignee", "Sam Support", "Max Manager"),
    ]
    assert changes(seen, ticket(version=4)) == [("Links or details", "version 3", "version 4")]


def test_saved_view_rules() -> None:
    now = NOW.timestamp()
    mine = ticket()
    assert in_view(mine, DisputeView.MINE, "ST-001", now) and not in_view(
        mine, DisputeView.MINE, "ST-005", now
    )
    assert not in_view(mine, DisputeView.UNASSIGNED, "ST-001", now)
    assert in_view(ticket(assignee_id=None), DisputeView.UNASSIGNED, "ST-001", now)
    assert not in_view(ticket(status="closed"), DisputeView.MINE, "ST-001", now)
    assert in_view(ticket(sla_due_at=NOW + timedelta(hours=2)), DisputeView.SLA, "x", now)
    paused = ticket(status="waiting_on_player", sla_due_at=None, sla_paused=True, sla_remaining_seconds=60)
    assert in_view(paused, DisputeView.WAITING, "x", now) and not in_view(paused, DisputeView.SLA, "x", now)


def test_draft_store_round_trip_and_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "drafts" / "scope.json"

    async def scenario() -> None:
        store = DraftStore(path)
        await store.save("D-000001", "Dear player, «ünïcode» ok", False, send_key="k-1")
        await store.save("D-000002", "note", True)
        again = DraftStore(path)  # a restarted app reads the file
        draft = await again.load("D-000001")
        assert draft is not None and (draft.text, draft.internal, draft.send_key) == (
            "Dear player, «ünïcode» ok",
            False,
            "k-1",
        )
        await again.discard("D-000002")
        assert await again.ids() == ["D-000001"]
        assert set(json.loads(path.read_text(encoding="utf-8"))) == {"D-000001"}

    asyncio.run(scenario())
    path.write_text("{not json", encoding="utf-8")

    async def damaged() -> None:
        store = DraftStore(path)
        assert await store.load("D-000001") is None
        await store.save("D-000003", "new words", True)
        assert await store.ids() == ["D-000003"]

    asyncio.run(damaged())
    assert path.with_suffix(".bad").read_text(encoding="utf-8") == "{not json"

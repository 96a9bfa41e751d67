"""Alerts: visibility (AML only with alerts.aml), filters, sorts, ETag and history, workflow
with rationale, report reference and the second review of high-severity "no action" closures.

Tampering with an audit row is detected by tests/api/test_audit.py::test_verify_detects_an_edited_record
(the chain is shared by every action, alert transitions included); not repeated here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from api_helpers import assert_problem, audit_count, new_key
from compliance_helpers import active_player, make_alert
from test_events import open_stream  # the raw SSE reader, not the client library


@pytest.fixture
def compliance(staff: Callable[[str], httpx.Client]) -> httpx.Client:
    return staff("compliance")


@pytest.fixture
def support(staff: Callable[[str], httpx.Client]) -> httpx.Client:
    return staff("support")


def transition(
    client: httpx.Client, alert_id: str, status: str, rationale: str = "checked", **extra: Any
) -> httpx.Response:
    etag = client.get(f"/alerts/{alert_id}").headers["ETag"]
    body = {"status": status, "rationale": rationale, **extra}
    return client.post(f"/alerts/{alert_id}/transition", json=body, headers={"If-Match": etag, **new_key()})


def test_support_never_sees_aml_alerts(sandbox: Any, support: httpx.Client, compliance: httpx.Client) -> None:
    aml = make_alert(sandbox, kind="aml")
    rg = make_alert(sandbox, kind="rg")
    assert compliance.get(f"/alerts/{aml}").status_code == 200
    # Not even by id: the answer is the same as for an alert that does not exist.
    hidden = assert_problem(support.get(f"/alerts/{aml}"), 404, "not_found")
    unknown = assert_problem(support.get("/alerts/A-999999"), 404, "not_found")
    assert hidden["title"] == unknown["title"]
    assert support.get(f"/alerts/{rg}").status_code == 200
    page = support.get("/alerts", params={"limit": 500, "kind": "aml"}).json()
    assert page["data"] == []
    everything = support.get("/alerts", params={"limit": 500, "sort": "-created_at"}).json()["data"]
    assert everything and all(a["kind"] != "aml" for a in everything)
    # Nor can support act on it, or reach its player through it.
    assert_problem(
        support.post(f"/alerts/{aml}/transition", json={"status": "investigating", "rationale": "x"}),
        403,
        "forbidden",
    )
    player_alerts = support.get(
        f"/players/{compliance.get(f'/alerts/{aml}').json()['player_id']}/alerts"
    ).json()
    assert all(a["id"] != aml for a in player_alerts["data"])


def test_filters_and_sorts(sandbox: Any, compliance: httpx.Client) -> None:
    critical = make_alert(sandbox, kind="fraud", severity="critical", rule="fraud.shared_device")
    alert = compliance.get(f"/alerts/{critical}").json()
    params = {
        "kind": "fraud",
        "severity": "critical",
        "rule": "fraud.shared_device",
        "player_id": alert["player_id"],
    }
    found = compliance.get("/alerts", params={**params, "status": "active"}).json()["data"]
    assert critical in [a["id"] for a in found]
    assert all(a["severity"] == "critical" and a["rule"] == "fraud.shared_device" for a in found)
    reported = compliance.get("/alerts", params={**params, "status": "reported"}).json()["data"]
    assert critical not in [a["id"] for a in reported]
    ranked = compliance.get("/alerts", params={"sort": "-severity", "limit": 200}).json()["data"]
    order = ["info", "low", "medium", "high", "critical"]
    ranks = [order.index(a["severity"]) for a in ranked]
    assert ranks == sorted(ranks, reverse=True)
    unassigned = compliance.get("/alerts", params={"assignee_id": "none", "limit": 50}).json()["data"]
    assert all(a["assignee_id"] is None for a in unassigned)
    assert_problem(compliance.get("/alerts", params={"status": "bogus"}), 422, "validation_error")
    assert_problem(compliance.get("/alerts", params={"sort": "amount"}), 422, "validation_error")


def test_workflow_needs_rationale_and_keeps_history(sandbox: Any, compliance: httpx.Client) -> None:
    alert_id = make_alert(sandbox, kind="rg", severity="medium")
    assert_problem(
        transition(compliance, alert_id, "investigating", rationale="   "), 422, "validation_error"
    )
    assert_problem(transition(compliance, alert_id, "closed_action_taken"), 409, "invalid_transition")
    assert transition(compliance, alert_id, "investigating", "looking at the sessions").status_code == 200
    closed = transition(compliance, alert_id, "closed_action_taken", "limit agreed with the player")
    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert body["status"] == "closed_action_taken" and body["version"] == 3
    assert [(h["from_status"], h["to_status"], h["rationale"]) for h in body["history"]] == [
        ("open", "investigating", "looking at the sessions"),
        ("investigating", "closed_action_taken", "limit agreed with the player"),
    ]
    assert body["history"][0]["staff_name"] == "Connie Compliance"
    assert_problem(transition(compliance, alert_id, "investigating"), 409, "invalid_transition")
    assert audit_count(compliance, "alert.transition", alert_id) == 2


def test_if_match_and_idempotency(sandbox: Any, compliance: httpx.Client) -> None:
    alert_id = make_alert(sandbox, kind="fraud")
    url = f"/alerts/{alert_id}/transition"
    body = {"status": "investigating", "rationale": "start"}
    assert_problem(compliance.post(url, json=body, headers=new_key()), 428, "precondition_required")
    stale = assert_problem(
        compliance.post(url, json=body, headers={"If-Match": 'W/"99"', **new_key()}),
        412,
        "precondition_failed",
    )
    assert stale["current"]["id"] == alert_id
    key = new_key()
    first = compliance.post(url, json=body, headers={"If-Match": 'W/"1"', **key})
    again = compliance.post(url, json=body, headers={"If-Match": 'W/"1"', **key})
    assert first.status_code == again.status_code == 200
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert len(compliance.get(f"/alerts/{alert_id}").json()["history"]) == 1


def test_reported_needs_reference(sandbox: Any, compliance: httpx.Client) -> None:
    alert_id = make_alert(sandbox, kind="aml", severity="high")
    transition(compliance, alert_id, "investigating")
    missing = assert_problem(
        transition(compliance, alert_id, "reported", "SAR filed"), 422, "validation_error"
    )
    assert missing["errors"][0]["field"] == "report_reference"
    done = transition(
        compliance, alert_id, "reported", "SAR filed with the FIU", report_reference="FIU-2026-0042"
    )
    assert done.status_code == 200 and done.json()["report_reference"] == "FIU-2026-0042"
    assert done.json()["status"] == "reported"


def test_high_no_action_needs_a_second_officer(
    sandbox: Any, compliance: httpx.Client, manager: httpx.Client
) -> None:
    alert_id = make_alert(sandbox, kind="aml", severity="high")
    transition(compliance, alert_id, "investigating")
    proposed = transition(compliance, alert_id, "closed_no_action", "explained by a salary")
    assert proposed.status_code == 200 and proposed.json()["status"] == "awaiting_second_review"
    mine = assert_problem(transition(compliance, alert_id, "closed_no_action", "agree"), 409, "same_approver")
    assert "second" in mine["detail"]
    confirmed = transition(manager, alert_id, "closed_no_action", "payslips seen, agree")
    assert confirmed.status_code == 200, confirmed.text
    steps = [(h["staff_id"], h["to_status"]) for h in confirmed.json()["history"]]
    assert steps[-2:] == [("ST-004", "awaiting_second_review"), ("ST-005", "closed_no_action")]


def test_second_reviewer_can_send_back(sandbox: Any, compliance: httpx.Client, manager: httpx.Client) -> None:
    alert_id = make_alert(sandbox, kind="fraud", severity="critical")
    transition(compliance, alert_id, "investigating")
    transition(compliance, alert_id, "closed_no_action", "nothing found")
    back = transition(manager, alert_id, "investigating", "check the shared device first")
    assert back.json()["status"] == "investigating"
    # Medium severity closes directly: the second review is for high and critical only.
    medium = make_alert(sandbox, kind="fraud", severity="medium")
    transition(compliance, medium, "investigating")
    assert (
        transition(compliance, medium, "closed_no_action", "false positive").json()["status"]
        == "closed_no_action"
    )


def test_assign(sandbox: Any, compliance: httpx.Client) -> None:
    aml = make_alert(sandbox, kind="aml")
    url = f"/alerts/{aml}/assign"
    assert_problem(compliance.post(url, json={"assignee_id": "ST-004"}), 428, "precondition_required")
    # Support may not work AML alerts, so they cannot be given one.
    bad = assert_problem(
        compliance.post(url, json={"assignee_id": "ST-001"}, headers={"If-Match": 'W/"1"'}),
        422,
        "validation_error",
    )
    assert bad["errors"][0]["field"] == "assignee_id"
    ok = compliance.post(url, json={"assignee_id": "ST-004"}, headers={"If-Match": 'W/"1"'})
    assert ok.status_code == 200 and ok.json()["assignee_name"] == "Connie Compliance"
    mine = compliance.get("/alerts", params={"assignee_id": "me", "limit": 500}).json()["data"]
    assert aml in [a["id"] for a in mine]
    assert_problem(
        compliance.post(url, json={"assignee_id": "ST-004"}, headers={"If-Match": ok.headers["ETag"]}),
        409,
        "conflict",
    )


def test_event_stream_hides_aml_alerts_from_support(
    sandbox: Any, support: httpx.Client, compliance: httpx.Client
) -> None:
    aml = make_alert(sandbox, kind="aml")
    rg = make_alert(sandbox, kind="rg")
    seen: list[dict[str, Any]] = []

    def record(event: dict[str, Any]) -> bool:
        seen.append(event)
        return event["event"].startswith("alert.") and event["data"]["id"] == rg

    with open_stream(support) as stream:
        assert transition(compliance, aml, "investigating").status_code == 200
        assert transition(compliance, rg, "investigating").status_code == 200
        stream.until(record)
    alert_events = [e for e in seen if e["event"].startswith("alert.")]
    assert all(e["data"]["kind"] != "aml" for e in alert_events)
    with open_stream(compliance) as stream:
        assert transition(compliance, aml, "closed_action_taken").status_code == 200
        event = stream.until(lambda e: e["event"] == "alert.updated" and e["data"]["id"] == aml)
    assert event["data"]["status"] == "closed_action_taken"


def test_player_audit_leaves_out_aml_alert_records_for_support(
    sandbox: Any, support: httpx.Client, compliance: httpx.Client
) -> None:
    player_id = active_player(sandbox, offset=51)
    aml = make_alert(sandbox, kind="aml", player_id=player_id)
    rg = make_alert(sandbox, kind="rg", player_id=player_id)
    transition(compliance, aml, "investigating", "statements requested")
    transition(compliance, rg, "investigating", "looking at sessions")

    def alert_ids(client: httpx.Client) -> set[str]:
        trail = client.get(f"/players/{player_id}/audit", params={"action": "alert.transition", "limit": 500})
        assert trail.status_code == 200, trail.text
        return {r["entity_id"] for r in trail.json()["data"]}

    assert {aml, rg} <= alert_ids(compliance)
    assert rg in alert_ids(support) and aml not in alert_ids(support)

"""Actions from an alert on its player: suspend (the players' status change), block withdrawals,
record a responsible-gambling interaction. If-Match is the player's; AML alerts stay hidden."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from api_helpers import assert_problem, audit_count, new_key
from compliance_helpers import active_player, make_alert, set_player


@pytest.fixture
def compliance(staff: Callable[[str], httpx.Client]) -> httpx.Client:
    return staff("compliance")


def player_etag(client: httpx.Client, player_id: str) -> dict[str, str]:
    return {"If-Match": client.get(f"/players/{player_id}").headers["ETag"], **new_key()}


def test_block_withdrawals_from_an_alert(sandbox: Any, compliance: httpx.Client) -> None:
    player_id = active_player(sandbox, offset=11)
    set_player(sandbox, player_id, withdrawals_blocked=False)
    alert_id = make_alert(sandbox, kind="aml", player_id=player_id)
    url = f"/alerts/{alert_id}/restrict"
    body = {"restriction": "block_withdrawals", "rationale": "structuring under review"}
    assert_problem(compliance.post(url, json=body, headers=new_key()), 428, "precondition_required")
    done = compliance.post(url, json=body, headers=player_etag(compliance, player_id))
    assert done.status_code == 200, done.text
    trail = compliance.get(
        "/audit", params={"entity_id": player_id, "action": "player.withdrawals_block"}
    ).json()
    record = trail["data"][0]
    assert record["before"]["withdrawals_blocked"] is False and record["after"]["withdrawals_blocked"] is True
    # The player's trail (support reads it) names neither the AML alert nor the suspicion...
    assert alert_id not in record["reason"] and "structuring" not in record["reason"]
    # ...the alert's own trail keeps the rationale.
    on_alert = compliance.get("/audit", params={"entity_id": alert_id, "action": "alert.restrict"}).json()[
        "data"
    ]
    assert on_alert[0]["reason"] == "structuring under review"
    assert on_alert[0]["after"] == {
        "player_id": player_id,
        "restriction": "block_withdrawals",
        "reason_code": None,
    }
    again = compliance.post(url, json=body, headers=player_etag(compliance, player_id))
    assert_problem(again, 409, "invalid_transition")


def test_suspend_reuses_the_status_change(sandbox: Any, compliance: httpx.Client) -> None:
    player_id = active_player(sandbox, offset=13)
    alert_id = make_alert(sandbox, kind="fraud", player_id=player_id)
    url = f"/alerts/{alert_id}/restrict"
    no_code = {"restriction": "suspend", "rationale": "shared device ring"}
    assert_problem(
        compliance.post(url, json=no_code, headers=player_etag(compliance, player_id)),
        422,
        "validation_error",
    )
    body = {**no_code, "reason_code": "fraud_suspected"}
    done = compliance.post(url, json=body, headers=player_etag(compliance, player_id))
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "suspended"
    record = compliance.get("/audit", params={"entity_id": player_id, "action": "player.status"}).json()[
        "data"
    ][0]
    assert record["after"]["status"] == "suspended" and alert_id in record["reason"]


def test_support_cannot_restrict_through_a_hidden_aml_alert(
    sandbox: Any, staff: Callable[[str], httpx.Client], manager: httpx.Client
) -> None:
    player_id = active_player(sandbox, offset=15)
    alert_id = make_alert(sandbox, kind="aml", player_id=player_id)
    support = staff("support")
    body = {"restriction": "block_withdrawals", "rationale": "x"}
    assert_problem(support.post(f"/alerts/{alert_id}/restrict", json=body), 403, "forbidden")
    interaction = {"channel": "phone", "summary": "called", "alert_id": alert_id}
    headers = player_etag(manager, player_id)
    assert_problem(
        support.post(f"/players/{player_id}/rg-interactions", json=interaction, headers=headers),
        403,
        "forbidden",
    )


def test_rg_interaction_is_recorded_and_listed(sandbox: Any, compliance: httpx.Client) -> None:
    player_id = active_player(sandbox, offset=17)
    alert_id = make_alert(sandbox, kind="rg", player_id=player_id)
    other_alert = make_alert(sandbox, kind="rg", player_id=active_player(sandbox, offset=18))
    url = f"/players/{player_id}/rg-interactions"
    body = {
        "channel": "phone",
        "summary": "Discussed <b>losses</b>; agreed a limit",
        "outcome": "limit set",
        "alert_id": alert_id,
    }
    wrong = {**body, "alert_id": other_alert}
    assert_problem(
        compliance.post(url, json=wrong, headers=player_etag(compliance, player_id)), 422, "validation_error"
    )
    assert_problem(
        compliance.post(url, json={**body, "summary": "  "}, headers=player_etag(compliance, player_id)),
        422,
        "validation_error",
    )
    version = compliance.get(f"/players/{player_id}").json()["version"]
    made = compliance.post(url, json=body, headers=player_etag(compliance, player_id))
    assert made.status_code == 201, made.text
    assert made.json()["staff_name"] == "Connie Compliance" and made.json()["id"].startswith("RG-")
    listed = compliance.get(url).json()["data"]
    assert listed[0]["summary"] == body["summary"] and listed[0]["alert_id"] == alert_id
    assert compliance.get(f"/players/{player_id}").json()["version"] == version  # an append, not a change
    assert audit_count(compliance, "player.rg_interaction", player_id) == 1


def test_support_reads_rg_interactions_without_the_aml_alert_behind_them(
    sandbox: Any, compliance: httpx.Client, staff: Callable[[str], httpx.Client]
) -> None:
    player_id = active_player(sandbox, offset=19)
    aml = make_alert(sandbox, kind="aml", player_id=player_id)
    body = {"channel": "phone", "summary": "Affordability conversation", "alert_id": aml}
    made = compliance.post(
        f"/players/{player_id}/rg-interactions", json=body, headers=player_etag(compliance, player_id)
    )
    assert made.status_code == 201, made.text
    url = f"/players/{player_id}/rg-interactions"
    assert compliance.get(url).json()["data"][0]["alert_id"] == aml
    seen_by_support = staff("support").get(url).json()["data"][0]
    assert seen_by_support["summary"] == "Affordability conversation" and seen_by_support["alert_id"] is None

"""``GET /transactions``: the ledger across players, filters, order and permissions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from api_helpers import assert_problem

from bo_desktop.contract.payments import Transaction


def page(client: httpx.Client, **params: Any) -> dict[str, Any]:
    response = client.get("/transactions", params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_newest_first_across_players_and_cursor_paging(staff: Callable[[str], httpx.Client]) -> None:
    client = staff("payments1")
    first = page(client, limit=50)
    rows = [Transaction.model_validate(t) for t in first["data"]]
    assert len({t.player_id for t in rows}) > 1
    assert [(t.created_at, t.id) for t in rows] == sorted(((t.created_at, t.id) for t in rows), reverse=True)
    second = page(client, limit=50, cursor=first["next_cursor"])
    assert not {t.id for t in rows} & {t["id"] for t in second["data"]}
    oldest = page(client, limit=5, sort="created_at")["data"]
    assert oldest[0]["created_at"] <= oldest[-1]["created_at"]


def test_filters(staff: Callable[[str], httpx.Client]) -> None:
    client = staff("compliance")
    deposits = page(client, type="deposit", psp="trustly", status="succeeded")["data"]
    assert deposits and all(
        t["type"] == "deposit" and t["psp"] == "trustly" and t["status"] == "succeeded" for t in deposits
    )
    mixed = page(client, type=["bet", "win"])["data"]
    assert {t["type"] for t in mixed} <= {"bet", "win"} and mixed
    player = deposits[0]["player_id"]
    own = page(client, player_id=player.lower())["data"]  # ids are matched case-insensitively
    assert own and {t["player_id"] for t in own} == {player}
    currency = deposits[0]["currency"]
    assert all(t["currency"] == currency for t in page(client, currency=currency.lower())["data"])
    window = page(client, **{"from": deposits[-1]["created_at"], "to": deposits[0]["created_at"]})["data"]
    assert all(deposits[-1]["created_at"] <= t["created_at"] < deposits[0]["created_at"] for t in window)
    inverted = client.get(
        "/transactions", params={"from": "2026-02-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}
    )
    assert assert_problem(inverted, 422, "validation_error")["errors"][0]["field"] == "to"
    assert_problem(client.get("/transactions", params={"type": "gift"}), 422, "validation_error")


def test_needs_transactions_read(sandbox: Any) -> None:
    anonymous = httpx.Client(base_url=sandbox.api_url)
    try:
        assert_problem(anonymous.get("/transactions"), 401, "unauthorized")
    finally:
        anonymous.close()

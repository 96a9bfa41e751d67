"""``GET /players`` (search and filters), ``GET /players/{id}`` and the read-only sections.

Expected values come from another API answer (a player's own representation, one of their
transactions), never from the seed's internals, so the tests hold for any seed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from api_helpers import assert_problem

from bo_desktop.contract.common import Page
from bo_desktop.contract.payments import Transaction
from bo_desktop.contract.players import PlayerDetail, PlayerSummary

HEAVY = "P-000001"  # the seed's heavy player: thousands of transactions, every section filled


@pytest.fixture
def compliance(staff: Callable[[str], httpx.Client]) -> httpx.Client:
    return staff("compliance")


@pytest.fixture
def support(staff: Callable[[str], httpx.Client]) -> httpx.Client:
    return staff("support")


def search(client: httpx.Client, **params: Any) -> list[PlayerSummary]:
    response = client.get("/players", params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    return Page[PlayerSummary].model_validate(response.json()).data


def detail(client: httpx.Client, player_id: str) -> PlayerDetail:
    response = client.get(f"/players/{player_id}")
    assert response.status_code == 200, response.text
    return PlayerDetail.model_validate(response.json())


def test_search_finds_a_player_by_each_identifier(compliance: httpx.Client) -> None:
    target = detail(compliance, "P-000002")
    assert target.phone, "the seed gives players a phone number"
    phone_digits = "".join(ch for ch in target.phone if ch.isdigit())[-6:]
    queries = {
        "id": target.id,
        "id without prefix": target.id.removeprefix("P-").lstrip("0"),
        "username": target.username.upper(),  # case-insensitive
        "first and last name": f"{target.first_name} {target.last_name}".lower(),
        "email fragment": target.email.split("@")[0],
        "phone digits": phone_digits,
    }
    for what, q in queries.items():
        assert target.id in {p.id for p in search(compliance, q=q)}, f"not found by {what}: {q!r}"


def test_search_by_psp_reference_fragment(compliance: httpx.Client) -> None:
    page = compliance.get(f"/players/{HEAVY}/transactions", params={"type": "deposit", "limit": 5})
    reference = next(t["psp_reference"] for t in page.json()["data"] if t["psp_reference"])
    fragment = reference[2:10]
    assert HEAVY in {p.id for p in search(compliance, q=fragment)}
    # A fragment too short to be a reference is not matched against payments (id/name only).
    assert all(p.id != HEAVY for p in search(compliance, q="zq"))


def test_search_text_is_not_a_pattern(compliance: httpx.Client) -> None:
    for hostile in ("%", "_", "\\", "' OR 1=1 --", "%%%%", "a_b%c"):
        response = compliance.get("/players", params={"q": hostile})
        assert response.status_code == 200, response.text
        assert response.json()["data"] == [], hostile


@pytest.mark.parametrize(
    "field",
    ["status", "kyc_status", "risk_level", "jurisdiction", "country", "segment", "vip_tier", "pay_n_play"],
)
def test_each_filter_narrows_the_results(compliance: httpx.Client, field: str) -> None:
    everyone = search(compliance)
    values = [getattr(p, field) for p in everyone]
    # The rarest value present: the filter must then drop most players, not just return everyone.
    rarest = min(set(values), key=values.count)
    wire = str(getattr(rarest, "value", rarest))
    if field in ("country", "pay_n_play"):
        wire = wire.lower()  # countries are matched case-insensitively; booleans are "true"/"false"
    matched = search(compliance, **{field: wire})
    assert matched and all(getattr(p, field) == rarest for p in matched)
    assert len(matched) == values.count(rarest) < len(everyone)


def test_filters_combine_and_sorts_are_stable(compliance: httpx.Client) -> None:
    both = search(compliance, jurisdiction="SGA", pay_n_play="true")
    assert both and all(p.jurisdiction == "SGA" and p.pay_n_play for p in both)
    by_name = search(compliance, sort="last_name")
    assert [(p.last_name, p.first_name) for p in by_name] == sorted(
        (p.last_name, p.first_name) for p in by_name
    )
    newest = search(compliance, sort="-registered_at")
    assert [p.registered_at for p in newest] == sorted((p.registered_at for p in newest), reverse=True)
    assert_problem(compliance.get("/players", params={"sort": "balance"}), 422, "validation_error")
    assert_problem(compliance.get("/players", params={"status": "asleep"}), 422, "validation_error")


def test_search_pages_with_a_cursor_without_gaps(compliance: httpx.Client) -> None:
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 40, "sort": "id"}
        if cursor:
            params["cursor"] = cursor
        body = compliance.get("/players", params=params).json()
        seen += [p["id"] for p in body["data"]]
        if not body["has_more"]:
            break
        cursor = body["next_cursor"]
    assert seen == sorted(set(seen)) and len(seen) == len(search(compliance, sort="id"))


def test_profile_has_an_etag_kpis_and_restrictions(compliance: httpx.Client) -> None:
    response = compliance.get(f"/players/{HEAVY}")
    assert response.status_code == 200
    player = PlayerDetail.model_validate(response.json())
    assert response.headers["ETag"] == f'W/"{player.version}"'
    k = player.kpis
    assert k.net_deposits_minor == k.lifetime_deposits_minor - k.lifetime_withdrawals_minor
    assert k.deposit_count > 0 and k.lifetime_deposits_minor > 0
    assert 0 <= k.deposits_last_30d <= k.deposit_count
    assert_problem(compliance.get("/players/P-999999"), 404, "not_found")
    excluded = search(compliance, status="self_excluded")
    assert excluded, "the seed has self-excluded players"
    assert detail(compliance, excluded[0].id).self_exclusion_until is not None


def test_transactions_of_a_player_page_newest_first_with_filters(compliance: httpx.Client) -> None:
    first = compliance.get(f"/players/{HEAVY}/transactions", params={"limit": 100, "count": "true"}).json()
    assert first["total"] > 1000 and first["has_more"]
    rows = [Transaction.model_validate(t) for t in first["data"]]
    assert all(t.player_id == HEAVY for t in rows)
    assert [t.created_at for t in rows] == sorted((t.created_at for t in rows), reverse=True)
    second = compliance.get(
        f"/players/{HEAVY}/transactions", params={"limit": 100, "cursor": first["next_cursor"]}
    ).json()
    assert not {t["id"] for t in first["data"]} & {t["id"] for t in second["data"]}
    assert second["data"][0]["created_at"] <= first["data"][-1]["created_at"]

    deposits = compliance.get(
        f"/players/{HEAVY}/transactions", params={"type": "deposit", "psp": rows_psp(compliance), "limit": 50}
    ).json()["data"]
    assert deposits and all(t["type"] == "deposit" for t in deposits)
    window_from, window_to = deposits[-1]["created_at"], deposits[0]["created_at"]
    windowed = compliance.get(
        f"/players/{HEAVY}/transactions",
        params={"from": window_from, "to": window_to, "status": "succeeded", "limit": 500},
    ).json()["data"]
    assert windowed and all(window_from <= t["created_at"] < window_to for t in windowed)
    assert all(t["status"] == "succeeded" for t in windowed)
    naive = compliance.get(f"/players/{HEAVY}/transactions", params={"from": "2026-01-01T00:00:00"})
    assert_problem(naive, 422, "validation_error")
    assert_problem(compliance.get("/players/P-999999/transactions"), 404, "not_found")


def rows_psp(client: httpx.Client) -> str:
    deposits = client.get(f"/players/{HEAVY}/transactions", params={"type": "deposit", "limit": 1}).json()
    return str(deposits["data"][0]["psp"])


@pytest.mark.parametrize(
    "section", ["sessions", "bonuses", "loyalty", "alerts", "disputes", "notes", "audit"]
)
def test_paged_sections_belong_to_the_player(compliance: httpx.Client, section: str) -> None:
    response = compliance.get(f"/players/{HEAVY}/{section}", params={"limit": 500})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) >= {"data", "has_more", "next_cursor"}
    for item in body["data"]:
        if section == "audit":
            assert item["entity_id"] == HEAVY or item["entity_type"] != "player"
        else:
            assert item["player_id"] == HEAVY


@pytest.mark.parametrize("section", ["kyc", "limits"])
def test_list_sections_are_arrays(compliance: httpx.Client, section: str) -> None:
    response = compliance.get(f"/players/{HEAVY}/{section}")
    assert response.status_code == 200
    items = response.json()
    assert isinstance(items, list) and items, f"the heavy player has {section} rows"
    assert all(item["player_id"] == HEAVY for item in items)


def test_aml_alerts_are_hidden_from_support(compliance: httpx.Client, support: httpx.Client) -> None:
    aml_players = compliance.get("/players", params={"limit": 500}).json()["data"]
    for player in aml_players:
        alerts = compliance.get(f"/players/{player['id']}/alerts", params={"kind": "aml"}).json()["data"]
        if alerts:
            break
    else:
        pytest.fail("the seed has AML alerts")
    seen_by_support = support.get(f"/players/{player['id']}/alerts").json()["data"]
    assert all(a["kind"] != "aml" for a in seen_by_support)


def test_section_permissions(staff: Callable[[str], httpx.Client]) -> None:
    payments = staff("payments1")
    assert_problem(payments.get(f"/players/{HEAVY}/alerts"), 403, "forbidden")
    assert payments.get(f"/players/{HEAVY}/transactions").status_code == 200
    anonymous = httpx.Client(base_url=str(payments.base_url))
    try:
        assert_problem(anonymous.get("/players"), 401, "unauthorized")
    finally:
        anonymous.close()

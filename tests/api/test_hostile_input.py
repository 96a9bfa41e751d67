"""Hostile text is stored and returned byte for byte, or refused with a clear 422 — never a 500."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from api_helpers import assert_problem, claim, if_match, new_key

HOSTILE = {
    "html": '<script>alert("x")</script><b onmouseover=alert(1)>hi</b>',
    "rtl_override": "invoice\u202egpj.exe",
    "emoji": "paid 💸🎰 👩🏽‍💻 family 👨‍👩‍👧",
    "formula": '=HYPERLINK("http://x","y")',
    "formula_variants": "+1+1\t-2\r@SUM(A1)",
    "sql": "'; DROP TABLE withdrawals; --",
    "combining_and_zero_width": "Z\u0351\u0332a\u200bl\u200dgo\ufeff",
    "near_limit": "é" * 2000,
}


def _reject(client: httpx.Client, withdrawal: dict[str, object], comment: str) -> httpx.Response:
    codes = client.get("/reference/reason-codes").json()["items"]
    code = next(c["code"] for c in codes if c["applies_to"] == "withdrawal_reject")
    return client.post(
        f"/withdrawals/{withdrawal['id']}/reject",
        json={"reason_code": code, "comment": comment},
        headers={**if_match(int(str(withdrawal["version"]))), **new_key()},
    )


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_text_round_trips_intact(
    name: str, payments1: httpx.Client, admin: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    text = HOSTILE[name]
    held = claim(payments1, make_withdrawal())
    response = _reject(payments1, held, text)
    assert response.status_code == 200, response.text
    assert response.json()["reject_comment"] == text
    assert payments1.get(f"/withdrawals/{held['id']}").json()["reject_comment"] == text
    trail = admin.get("/audit", params={"entity_id": held["id"], "action": "withdrawal.reject"}).json()[
        "data"
    ]
    assert trail[0]["after"]["reject_comment"] == text


def test_ten_thousand_characters_are_refused_with_the_field_named(
    payments1: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    held = claim(payments1, make_withdrawal())
    problem = assert_problem(_reject(payments1, held, "x" * 10_000), 422, "validation_error")
    assert problem["errors"][0]["field"] == "comment"
    assert "2000" in problem["errors"][0]["message"]


def test_nul_is_refused_because_postgresql_cannot_store_it(
    payments1: httpx.Client, make_withdrawal: Callable[..., str]
) -> None:
    held = claim(payments1, make_withdrawal())
    problem = assert_problem(_reject(payments1, held, "before\x00after"), 422, "validation_error")
    assert problem["errors"] == [
        {"field": "comment", "message": problem["errors"][0]["message"]},
    ]
    assert "NUL" in problem["detail"] and "PostgreSQL" in problem["detail"]
    assert payments1.get(f"/withdrawals/{held['id']}").json()["status"] == "in_review"


def test_nul_and_lone_surrogates_elsewhere_are_422(payments1: httpx.Client) -> None:
    problem = assert_problem(payments1.get("/withdrawals", params={"q": "a\x00b"}), 422, "validation_error")
    assert problem["errors"][0]["field"] == "q"
    surrogate = payments1.post(
        "/auth/login",
        content=b'{"username": "\\ud800", "password": "x"}',
        headers={"Content-Type": "application/json"},
    )
    assert assert_problem(surrogate, 422, "validation_error")["errors"][0]["field"] == "username"


@pytest.mark.parametrize("q", ["%", "_", "\\", "' OR '1'='1", "<b>", "\u202e", "💸"])
def test_hostile_search_terms_match_literally(payments1: httpx.Client, q: str) -> None:
    response = payments1.get("/withdrawals", params={"q": q, "status": ["pending", "in_review"]})
    assert response.status_code == 200, response.text
    assert all(q.lower() in w["player_name"].lower() for w in response.json()["data"])

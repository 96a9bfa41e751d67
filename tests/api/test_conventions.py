"""DESIGN §3 conventions every endpoint follows: problem+json, pagination, ETag/304, 429, chaos."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from api_helpers import assert_problem

from bo_desktop.contract.reference import ReferenceDataset
from bo_desktop.sandbox import db

ALL_STATUSES = [
    "pending",
    "in_review",
    "awaiting_second_approval",
    "approved",
    "paid",
    "failed",
    "rejected",
    "cancelled",
]


def test_errors_are_problem_json(sandbox: Any, payments1: httpx.Client) -> None:
    assert_problem(payments1.get("/no/such/route"), 404, "not_found")
    assert_problem(payments1.delete("/health"), 405, "method_not_allowed")
    assert_problem(httpx.get(f"{sandbox.api_url}/withdrawals"), 401, "unauthorized")

    invalid = assert_problem(payments1.get("/withdrawals", params={"limit": 0}), 422, "validation_error")
    assert invalid["errors"][0]["field"] == "limit"
    assert "limit" in invalid["detail"]

    malformed = payments1.post(
        "/withdrawals/W-000001/approve",
        content=b"{not json",
        headers={"Content-Type": "application/json", "If-Match": 'W/"1"', "Idempotency-Key": "k-1"},
    )
    assert_problem(malformed, 422, "validation_error")


def test_unhandled_errors_never_leak_a_traceback(payments1: httpx.Client) -> None:
    # An absurd cursor is the kind of input that crashes naive decoders.
    response = payments1.get("/withdrawals", params={"cursor": "!!!" * 50})
    body = assert_problem(response, 422, "invalid_cursor")
    assert "Traceback" not in response.text and "start again" in body["detail"]


def test_openapi_is_published_with_the_problem_schema(sandbox: Any) -> None:
    schema = httpx.get(f"{sandbox.api_url}/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/withdrawals/{withdrawal_id}/approve" in schema["paths"]
    assert {"type", "title", "status", "detail", "code", "errors"} <= set(
        schema["components"]["schemas"]["Problem"]["properties"]
    )


def test_health_with_and_without_prefix(sandbox: Any) -> None:
    for url in (f"{sandbox.url}/health", f"{sandbox.api_url}/health"):
        body = httpx.get(url).json()
        assert body["status"] == "ok"
        assert body["database"] == sandbox.state.database_kind


@pytest.mark.parametrize("sort", ["requested_at", "-risk_score", "-amount_eur_minor"])
def test_pagination_misses_and_repeats_nothing_while_rows_are_inserted(
    sandbox: Any, payments1: httpx.Client, make_withdrawal: Callable[..., str], sort: str
) -> None:
    with sandbox.state.sessionmaker() as session:
        before = set(session.scalars(sa.select(db.Withdrawal.id)))
    rng = random.Random(7)
    seen: list[str] = []
    inserted = 0
    cursor = None
    while True:
        params: dict[str, Any] = {"status": ALL_STATUSES, "sort": sort, "limit": 97}
        page = payments1.get("/withdrawals", params={**params, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.text
        body = page.json()
        seen.extend(w["id"] for w in body["data"])
        if not body["has_more"]:
            assert body["next_cursor"] is None
            break
        cursor = body["next_cursor"]
        # Between pages, insert rows spread over the whole sort range, so some land before the
        # cursor (an OFFSET would then repeat a row) and some after it (on top of the simulator).
        for _ in range(3):
            make_withdrawal(
                rng.randrange(1_000, 1_000_000),
                risk_level=rng.choice(["low", "medium", "high", "critical"]),
                minutes_ago=rng.uniform(0, 60 * 24 * 30),
            )
            inserted += 1
    assert len(seen) == len(set(seen)), "a row was returned twice"
    assert before <= set(seen), f"rows missed: {sorted(before - set(seen))[:5]}"
    assert inserted >= 3, "the walk was too short to interleave inserts"


def test_page_limits_and_cursors(payments1: httpx.Client) -> None:
    assert_problem(payments1.get("/withdrawals", params={"limit": 501}), 422, "validation_error")
    page = payments1.get("/withdrawals", params={"limit": 2, "status": ALL_STATUSES, "count": "true"}).json()
    assert len(page["data"]) == 2 and page["has_more"] and page["total"] >= 2
    # A cursor belongs to its sort: reusing it under another sort is refused, not misread.
    other_sort = payments1.get("/withdrawals", params={"cursor": page["next_cursor"], "sort": "requested_at"})
    assert_problem(other_sort, 422, "invalid_cursor")


@pytest.mark.parametrize("dataset", list(ReferenceDataset))
def test_reference_data_etag_and_304(payments1: httpx.Client, dataset: ReferenceDataset) -> None:
    first = payments1.get(f"/reference/{dataset.value}")
    assert first.status_code == 200, first.text
    etag = first.headers["ETag"]
    assert etag == f'W/"{first.json()["revision"]}"'
    assert first.json()["items"], f"{dataset.value} is empty"

    cached = payments1.get(f"/reference/{dataset.value}", headers={"If-None-Match": etag})
    assert cached.status_code == 304 and cached.content == b"" and cached.headers["ETag"] == etag
    stale = payments1.get(f"/reference/{dataset.value}", headers={"If-None-Match": 'W/"999999"'})
    assert stale.status_code == 200


def test_unknown_reference_dataset_is_422(payments1: httpx.Client) -> None:
    assert_problem(payments1.get("/reference/planets"), 422, "validation_error")


def test_rate_limit_answers_429_with_retry_after(payments1: httpx.Client, chaos: Callable[..., None]) -> None:
    chaos(rate_limit_rate=1.0, retry_after_seconds=7)
    response = payments1.get("/withdrawals")
    body = assert_problem(response, 429, "rate_limited")
    assert response.headers["Retry-After"] == "7"
    assert body["retry_after"] == 7


def test_chaos_respects_paths_and_never_locks_out_admin(
    payments1: httpx.Client, admin: httpx.Client, chaos: Callable[..., None]
) -> None:
    chaos(error_rate_before_commit=1.0, paths=["/withdrawals"])
    assert_problem(payments1.get("/withdrawals"), 503, "chaos_error")
    assert payments1.get("/me").status_code == 200
    chaos(error_rate_before_commit=1.0, rate_limit_rate=1.0, drop_rate=1.0)
    assert admin.get("/admin/chaos").status_code == 200  # the way back is never blocked


def test_dropped_connection(payments1: httpx.Client, chaos: Callable[..., None]) -> None:
    chaos(drop_rate=1.0, paths=["/withdrawals"])
    with pytest.raises(httpx.RemoteProtocolError):
        payments1.get("/withdrawals")


def test_latency(payments1: httpx.Client, chaos: Callable[..., None]) -> None:
    chaos(latency_ms=300, paths=["/me"])
    response = payments1.get("/me")
    assert response.status_code == 200
    assert response.elapsed >= timedelta(milliseconds=300)


def test_chaos_settings_are_admin_only(manager: httpx.Client) -> None:
    assert_problem(manager.get("/admin/chaos"), 403, "forbidden")
    assert_problem(manager.put("/admin/chaos", json={"latency_ms": 5}), 403, "forbidden")

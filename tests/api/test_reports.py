"""Reports API: catalogue, paging, totals, the GGR/NGR arithmetic, decisions, filters, permissions.

Every check goes over HTTP against the session sandbox. Where a figure can be recomputed from
another endpoint (the ledger in ``/transactions``), it is, so a report that agreed only with
itself would fail.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from api_helpers import approve, assert_problem, claim, if_match, sign_in

from bo_desktop.contract.reports import ReportCatalogue, ReportKind, ReportTotals, TotalRule

PERIOD = {"from": "2025-01-01T00:00:00Z", "to": "2026-11-01T00:00:00Z"}
FILTERS: dict[ReportKind, dict[str, str]] = {ReportKind.SEGMENT_PLAYERS: {"segment": "active"}}


def catalogue(client: httpx.Client) -> ReportCatalogue:
    response = client.get("/reports")
    assert response.status_code == 200, response.text
    return ReportCatalogue.model_validate(response.json())


def all_rows(
    client: httpx.Client, kind: ReportKind, params: dict[str, Any], limit: int
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    cursor = None
    while True:
        response = client.get(f"/reports/{kind.value}", params={**params, "limit": limit, "cursor": cursor})
        assert response.status_code == 200, response.text
        body = response.json()
        rows.extend(body["data"])
        if not body["has_more"]:
            return rows
        cursor = body["next_cursor"]


def totals(client: httpx.Client, kind: ReportKind, params: dict[str, Any]) -> ReportTotals:
    response = client.get(f"/reports/{kind.value}/totals", params=params)
    assert response.status_code == 200, response.text
    return ReportTotals.model_validate(response.json())


def test_catalogue_describes_every_report(manager: httpx.Client) -> None:
    reports = {r.kind: r for r in catalogue(manager).reports}
    assert set(reports) == set(ReportKind)
    ggr = reports[ReportKind.GGR_NGR]
    assert {"jurisdiction", "brand", "currency", "group_by", "provider"} <= {f.key for f in ggr.filters}
    assert {c.key for c in ggr.columns} >= {"bets", "wins", "ggr", "bonus_cost", "gaming_tax", "ngr"}
    assert all(c.currency_key == "currency" for c in ggr.columns if c.type == "money")
    assert {f.key for f in reports[ReportKind.PAYMENTS_BY_PSP].filters} >= {"psp", "currency", "brand"}
    assert reports[ReportKind.PLAYER_LIABILITY].period is False
    segment = next(f for f in reports[ReportKind.SEGMENT_PLAYERS].filters if f.key == "segment")
    assert segment.required and segment.choices


@pytest.mark.parametrize("username", ["support", "payments1"])
def test_roles_without_reports_run_are_refused(staff: Callable[[str], httpx.Client], username: str) -> None:
    client = staff(username)
    for path in ("/reports", "/reports/ggr_ngr", "/reports/ggr_ngr/totals"):
        body = assert_problem(client.get(path), 403, "forbidden")
        assert "reports.run" in body["detail"]


def test_signed_out_is_401(sandbox: Any) -> None:
    with httpx.Client(base_url=sandbox.api_url) as anonymous:
        assert_problem(anonymous.get("/reports/ggr_ngr"), 401, "unauthorized")


SNAPSHOTS = {ReportKind.SEGMENT_PLAYERS, ReportKind.PLAYER_LIABILITY}  # "now": the simulator moves them


@pytest.mark.parametrize("kind", list(ReportKind))
def test_pages_join_into_the_whole_report_and_totals_add_up(
    manager: httpx.Client, kind: ReportKind, fresh_sandbox: Callable[..., Any], request: pytest.FixtureRequest
) -> None:
    if kind in SNAPSHOTS:  # a sandbox of its own without the simulator
        manager = sign_in(fresh_sandbox(simulator=False, players=80).api_url, "manager")
        request.addfinalizer(manager.close)
    params = {**PERIOD, **FILTERS.get(kind, {})}
    whole = all_rows(manager, kind, params, limit=500)
    paged = all_rows(manager, kind, params, limit=7)
    definition = next(r for r in catalogue(manager).reports if r.kind == kind)
    key_columns = [c.key for c in definition.columns][:6]
    assert [tuple(r[k] for k in key_columns) for r in paged] == [
        tuple(r[k] for k in key_columns) for r in whole
    ]
    count = manager.get(f"/reports/{kind.value}", params={**params, "limit": 1, "count": "true"}).json()
    assert count["total"] == len(whole) > 0

    # The server's totals equal what the rows add up to (recomputed here, per currency).
    server = totals(manager, kind, params)
    assert server.rows == len(whole)
    money = next((c.currency_key for c in definition.columns if c.type == "money"), None)
    by_currency = Counter(r[money] if money else None for r in whole)
    assert {g.currency: g.rows for g in server.groups} == dict(by_currency)
    for group in server.groups:
        mine = [r for r in whole if (r[money] if money else None) == group.currency]
        for column in definition.columns:
            if column.total == TotalRule.SUM:
                assert group.values[column.key] == sum(r[column.key] or 0 for r in mine), column.key
            elif column.total == TotalRule.COUNT_TRUE:
                assert group.values[column.key] == sum(1 for r in mine if r[column.key] is True)


def test_ggr_ngr_arithmetic_and_tax_rules(manager: httpx.Client) -> None:
    rows = all_rows(manager, ReportKind.GGR_NGR, {**PERIOD, "group_by": "month"}, limit=500)
    games = [r for r in rows if r["provider"]]
    bonuses = [r for r in rows if not r["provider"]]
    assert games and bonuses
    for row in rows:
        assert row["ggr"] == row["bets"] - row["wins"]
        assert row["ngr"] == row["ggr"] - row["bonus_cost"] - row["gaming_tax"] - row["provider_fees"]
        assert row["period"].endswith("-01")  # month buckets start on the 1st
    for row in games:
        assert row["bonus_cost"] == 0
        positive_ggr = max(row["ggr"], 0)
        assert row["provider_fees"] == positive_ggr * 1000 // 10_000
        if row["jurisdiction"] == "GGL":  # Germany taxes stakes, not GGR
            assert row["gaming_tax"] == row["bets"] * 530 // 10_000
        elif row["jurisdiction"] == "UKGC":
            assert row["gaming_tax"] == positive_ggr * 2100 // 10_000
    assert all(r["bets"] == r["wins"] == 0 and r["game"].startswith("Bonus cost") for r in bonuses)

    untaxed = all_rows(
        manager,
        ReportKind.GGR_NGR,
        {**PERIOD, "group_by": "month", "gaming_tax_bps": "0", "provider_fee_bps": "0"},
        limit=500,
    )
    assert all(
        r["gaming_tax"] == r["provider_fees"] == 0 and r["ngr"] == r["ggr"] - r["bonus_cost"] for r in untaxed
    )


def test_ggr_bets_equal_the_ledger(manager: httpx.Client) -> None:
    # SEK players are all Swedish (SGA): the report's SEK bets must equal the ledger's bets.
    period = {"from": "2026-03-01T00:00:00Z", "to": "2026-06-01T00:00:00Z"}
    report = totals(manager, ReportKind.GGR_NGR, {**period, "currency": "SEK", "group_by": "day"})
    ledger = 0
    cursor = None
    while True:
        params = {
            **period,
            "type": "bet",
            "status": "succeeded",
            "currency": "SEK",
            "limit": 500,
            "cursor": cursor,
        }
        page = manager.get("/transactions", params=params).json()
        ledger += sum(t["amount_minor"] for t in page["data"])
        if not page["has_more"]:
            break
        cursor = page["next_cursor"]
    assert ledger > 0
    assert [g.currency for g in report.groups] == ["SEK"]
    assert report.groups[0].values["bets"] == ledger


def test_payments_success_rate_and_filters(manager: httpx.Client) -> None:
    rows = all_rows(manager, ReportKind.PAYMENTS_BY_PSP, {**PERIOD, "psp": "trustly"}, limit=500)
    assert rows and {r["psp"] for r in rows} == {"Trustly"}
    for row in rows:
        assert row["success_rate"] == pytest.approx(row["deposits_count"] / row["deposit_attempts"])
        assert row["net_flow"] == row["deposits"] - row["withdrawals"]
    total = totals(manager, ReportKind.PAYMENTS_BY_PSP, {**PERIOD, "psp": "trustly"})
    for group in total.groups:
        values = group.values
        assert values["success_rate"] == pytest.approx(values["deposits_count"] / values["deposit_attempts"])

    nordic = all_rows(manager, ReportKind.PLAYER_LIABILITY, {"brand": "nordic"}, limit=500)
    assert {r["jurisdiction"] for r in nordic} <= {"SGA", "FI"} and {r["brand"] for r in nordic} == {
        "Nordic Spins"
    }
    for row in nordic:
        assert row["liability"] == row["cash_balance"] + row["pending_withdrawals"]


def test_withdrawal_decisions_name_the_four_eyes_pair_and_the_rejecter(
    payments1: httpx.Client,
    payments2: httpx.Client,
    manager: httpx.Client,
    make_withdrawal: Callable[..., str],
) -> None:
    start = datetime.now(UTC) - timedelta(seconds=5)
    paired = make_withdrawal(250_000, minutes_ago=30)
    approve(payments1, claim(payments1, paired))
    assert approve(payments2, claim(payments2, paired)).json()["status"] == "approved"
    rejected = make_withdrawal(10_000, minutes_ago=90)
    held = claim(payments1, rejected)
    response = payments1.post(
        f"/withdrawals/{rejected}/reject",
        json={"reason_code": "kyc_incomplete", "comment": "no ID"},
        headers={**if_match(held["version"]), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 200, response.text

    window = {"from": start.isoformat(), "to": (datetime.now(UTC) + timedelta(seconds=5)).isoformat()}
    rows = {r["withdrawal_id"]: r for r in all_rows(manager, ReportKind.WITHDRAWAL_DECISIONS, window, 500)}
    pair = rows[paired]
    assert (pair["outcome"], pair["four_eyes"]) == ("approved", True)
    assert (pair["first_approver"], pair["second_approver"]) == ("Pia Payments", "Per Payments")
    assert 30 * 60 <= pair["time_to_decision"] < 40 * 60
    refused = rows[rejected]
    assert (refused["outcome"], refused["rejected_by"], refused["reason_code"]) == (
        "rejected",
        "Pia Payments",
        "kyc_incomplete",
    )
    only_rejected = all_rows(manager, ReportKind.WITHDRAWAL_DECISIONS, {**window, "outcome": "rejected"}, 500)
    assert rejected in {r["withdrawal_id"] for r in only_rejected} and paired not in {
        r["withdrawal_id"] for r in only_rejected
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"bogus": "1"}, "bogus"),
        ({"group_by": "week"}, "group_by"),
        ({"from": "2026-01-01T00:00:00"}, "from"),  # naive: local time sneaking in
        ({"from": "2026-02-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}, "to"),
        ({"from": "yesterday"}, "from"),
    ],
)
def test_bad_filters_are_422_naming_the_field(
    manager: httpx.Client, params: dict[str, str], field: str
) -> None:
    body = assert_problem(manager.get("/reports/ggr_ngr", params=params), 422, "validation_error")
    assert field in {e["field"] for e in body["errors"]}


def test_unknown_report_and_bad_cursor(manager: httpx.Client) -> None:
    assert manager.get("/reports/nope").status_code == 422
    first = manager.get("/reports/ggr_ngr", params={**PERIOD, "limit": 1}).json()
    # A cursor of one report is not valid for another.
    assert_problem(
        manager.get("/reports/payments_by_psp", params={"cursor": first["next_cursor"]}),
        422,
        "invalid_cursor",
    )

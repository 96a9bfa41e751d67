"""Role permissions, enforced by the server (403) and reported by /me, exactly as docs/api.md."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from api_helpers import assert_problem

# Written out from docs/api.md, not imported from the server: the test must be able to disagree.
SUPPORT = {
    "players.read",
    "players.write",
    "transactions.read",
    "disputes.read",
    "disputes.write",
    "alerts.read",
}
PAYMENTS = {
    "players.read",
    "transactions.read",
    "withdrawals.read",
    "withdrawals.decide",
    "disputes.read",
    "metrics.read",
}
COMPLIANCE = {
    "players.read",
    "players.write",
    "players.status",
    "players.limits",
    "transactions.read",
    "withdrawals.read",
    "alerts.read",
    "alerts.aml",
    "alerts.write",
    "kyc.review",
    "audit.read",
    "disputes.read",
    "reports.run",
}
MANAGER = (SUPPORT | PAYMENTS | COMPLIANCE) - {"withdrawals.decide"} | {
    "withdrawals.break_lease",
    "disputes.approve_compensation",
    "metrics.read",
    "reports.run",
    "segments.write",
    "rewards.grant",
    "audit.read",
}
ADMIN = MANAGER | {"withdrawals.decide", "admin.chaos"}

EXPECTED = {
    "support": SUPPORT,
    "payments1": PAYMENTS,
    "payments2": PAYMENTS,
    "compliance": COMPLIANCE,
    "manager": MANAGER,
    "admin": ADMIN,
}


@pytest.mark.parametrize("username", list(EXPECTED))
def test_me_lists_the_permissions_of_the_role(staff: Callable[[str], httpx.Client], username: str) -> None:
    me = staff(username).get("/me").json()
    assert set(me["permissions"]) == EXPECTED[username]


# (who, method, path, needs) for the endpoints of the payments/audit/admin domains.
CASES = [
    ("GET", "/withdrawals", "withdrawals.read"),
    ("GET", "/withdrawals/counts", "withdrawals.read"),
    ("GET", "/withdrawals/W-000001", "withdrawals.read"),
    ("POST", "/withdrawals/W-000001/claim", "withdrawals.decide"),
    ("POST", "/withdrawals/W-000001/approve", "withdrawals.decide"),
    ("POST", "/withdrawals/W-000001/reject", "withdrawals.decide"),
    ("GET", "/audit", "audit.read"),
    ("GET", "/audit/verify", "audit.read"),
    ("GET", "/admin/chaos", "admin.chaos"),
    ("PUT", "/admin/chaos", "admin.chaos"),
]


@pytest.mark.parametrize("username", ["support", "payments1", "compliance", "manager"])
def test_each_role_is_refused_what_it_may_not_do(staff: Callable[[str], httpx.Client], username: str) -> None:
    client = staff(username)
    for method, path, needs in CASES:
        body = {"reason_code": "x"} if path.endswith("/reject") else {}
        response = client.request(
            method, path, json=body, headers={"If-Match": 'W/"0"', "Idempotency-Key": "k"}
        )
        if needs in EXPECTED[username]:
            assert response.status_code != 403, (method, path, response.text)
        else:
            problem = assert_problem(response, 403, "forbidden")
            assert needs in problem["detail"], (method, path)


def test_releasing_a_claim_needs_decide_or_break_lease(
    staff: Callable[[str], httpx.Client],
) -> None:
    for username in ("support", "compliance"):
        response = staff(username).delete("/withdrawals/W-000001/claim", headers={"If-Match": 'W/"1"'})
        assert_problem(response, 403, "forbidden")

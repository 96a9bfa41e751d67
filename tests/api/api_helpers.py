"""Plain helpers for the API tests (fixtures are in conftest.py)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import sqlalchemy as sa

from bo_desktop.contract.common import etag_for
from bo_desktop.sandbox.config import DEMO_STAFF_PASSWORD

PROBLEM_JSON = "application/problem+json"


def sign_in(api_url: str, username: str, password: str = DEMO_STAFF_PASSWORD) -> httpx.Client:
    """An httpx client for ``api_url`` carrying ``username``'s access token."""
    client = httpx.Client(base_url=api_url, timeout=30)
    response = client.post("/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
    return client


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The RFC 9457 shape every error has; returns the body for further checks."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["title"] and isinstance(body["detail"], str) and body["type"]
    assert isinstance(body["errors"], list)
    return body


def new_key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def if_match(version: int) -> dict[str, str]:
    return {"If-Match": etag_for(version)}


def audit_count(client: httpx.Client, action: str, entity_id: str) -> int:
    response = client.get("/audit", params={"action": action, "entity_id": entity_id, "count": "true"})
    assert response.status_code == 200, response.text
    total: int = response.json()["total"]
    return total


def claim(client: httpx.Client, withdrawal_id: str) -> dict[str, Any]:
    """Claim at the current version; returns the claimed withdrawal."""
    current = client.get(f"/withdrawals/{withdrawal_id}")
    assert current.status_code == 200, current.text
    response = client.post(
        f"/withdrawals/{withdrawal_id}/claim", headers={"If-Match": current.headers["ETag"]}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def approve(client: httpx.Client, withdrawal: dict[str, Any], key: str | None = None) -> httpx.Response:
    """Approve at the version of ``withdrawal`` (a fresh Idempotency-Key unless ``key``)."""
    return client.post(
        f"/withdrawals/{withdrawal['id']}/approve",
        json={"comment": "checked"},
        headers={**if_match(withdrawal["version"]), "Idempotency-Key": key or str(uuid.uuid4())},
    )


def db_execute(sandbox: Any, statement: sa.Executable) -> None:
    with sandbox.state.sessionmaker.begin() as session:
        session.execute(statement)

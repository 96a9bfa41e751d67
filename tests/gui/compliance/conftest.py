"""Fixtures for the compliance-desk GUI tests (alerts, KYC queue, audit viewer).

Signed-in, live AppContexts come from the disputes tests' ``Contexts`` (real ApiClient login,
synced reference cache, the SSE stream running into the EventHub, as in the app) rather than a
third copy of that fixture. Arranging data: ``http(username)`` for API calls as another staff
member, and ``tests/api/compliance_helpers`` for rows only monitoring rules or player uploads
create (alerts, uploaded documents).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

_TESTS = Path(__file__).resolve().parents[2]
for folder in (_TESTS / "gui" / "disputes", _TESTS / "api"):
    if str(folder) not in sys.path:
        sys.path.append(str(folder))

from dispute_helpers import Contexts  # noqa: E402

from bo_desktop.core.context import AppContext  # noqa: E402
from bo_desktop.core.settings import Settings  # noqa: E402


@pytest.fixture
def desk(
    sandbox: Any, tmp_path: Path, settings: Settings, run_async: Callable[..., Any]
) -> Iterator[Callable[..., AppContext]]:
    """``desk("compliance")`` → a signed-in, live AppContext; everything is closed after the test."""
    made = Contexts(tmp_path, settings, run_async)

    def make(username: str = "compliance", *, live: bool = True) -> AppContext:
        return made.make(sandbox, username, live=live)

    yield make
    made.close()
    assert not made.errors, f"unhandled errors reached the error handler: {made.errors!r}"


@pytest.fixture
def http(sandbox: Any) -> Iterator[Callable[[str], httpx.Client]]:
    clients: list[httpx.Client] = []

    def make(username: str = "compliance") -> httpx.Client:
        client = httpx.Client(base_url=sandbox.api_url, timeout=30)
        token = client.post("/auth/login", json={"username": username, "password": sandbox.staff_password})
        assert token.status_code == 200, token.text
        client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()

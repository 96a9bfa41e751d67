"""Generated-input fuzz of the published OpenAPI schema: whatever comes in, never a 5xx.

Schemathesis derives requests (valid and invalid) from /api/v1/openapi.json and sends them to the
real server signed in as admin (every route reachable). Excluded: ``/admin/chaos`` (random fault
settings would sabotage the run), ``/auth/logout`` (it would end the fuzzer's own session) and
``/events`` (an endless stream). ``MAX_EXAMPLES`` per operation keeps the run under a minute.

(Schemathesis' own pytest plugin, ``from_fixture``, does not work with pytest 9, so each operation
runs its Hypothesis search inline; operations are listed at collection time from an app built on
an unused in-memory engine — building the app does not touch its database.)
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
import schemathesis
import sqlalchemy as sa
from api_helpers import sign_in
from hypothesis import HealthCheck, given, settings

from bo_desktop.sandbox.api import create_app
from bo_desktop.sandbox.config import SandboxConfig
from bo_desktop.sandbox.state import SandboxState

EXCLUDED = re.compile(r"^/api/v1/(admin/|auth/logout|events)")
MAX_EXAMPLES = 15  # x ~55 operations: about 45 s on a loaded 2-core machine


def _operations() -> list[tuple[str, str]]:
    app = create_app(SandboxState.create(SandboxConfig(), sa.create_engine("sqlite://")))
    return [
        (method.upper(), path)
        for path, item in app.openapi()["paths"].items()
        if not EXCLUDED.match(path)
        for method in item
    ]


@pytest.fixture(scope="module")
def api_schema(sandbox: Any) -> Any:
    return schemathesis.openapi.from_url(f"{sandbox.api_url}/openapi.json")


@pytest.fixture(scope="module")
def admin_token(sandbox: Any) -> str:
    client = sign_in(sandbox.api_url, "admin")
    client.close()
    return str(client.headers["Authorization"])


@pytest.mark.parametrize(("method", "path"), _operations())
def test_no_input_makes_the_server_fail(
    method: str, path: str, api_schema: Any, sandbox: Any, admin_token: str
) -> None:
    operation = api_schema[path][method]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    def fuzz(case: Any) -> None:
        response = case.call(base_url=sandbox.url, headers={"Authorization": admin_token})
        assert response.status_code < 500, f"{method} {case.formatted_path}: {response.text[:300]}"

    fuzz()


def test_the_schema_covers_the_routes(sandbox: Any) -> None:
    paths = httpx.get(f"{sandbox.api_url}/openapi.json").json()["paths"]
    assert {"/api/v1/withdrawals", "/api/v1/audit/verify", "/api/v1/reference/{dataset}"} <= set(paths)
    assert len(_operations()) >= 12

"""Fixtures of the API-client tests; their helpers live in ``client_support`` so test modules can
import them under a name no other test directory uses (every ``conftest`` is named ``conftest``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bo_desktop.core.workers import shutdown_workers


@pytest.fixture
def short_ttl_server(fresh_sandbox: Callable[..., Any]) -> Any:
    """A sandbox of the test's own whose access tokens live one second (small and quiet)."""
    return fresh_sandbox(access_token_ttl=1, players=50, simulator=False)


@pytest.fixture(autouse=True)
def _no_stray_workers() -> Any:
    yield
    shutdown_workers()

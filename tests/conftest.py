"""Shared fixtures: a real sandbox platform on a random loopback port (never a mock of our API).

``sandbox`` is one server for the whole session (small seed, simulator on at a low rate).
``fresh_sandbox`` builds extra servers for tests that need their own (restarts, other configs);
they are stopped at the end of the test.

With ``BO_TEST_POSTGRES_URL`` set (``postgresql+psycopg://...``) the servers run on PostgreSQL
instead of a temporary SQLite file; the seed drops and recreates the schema there.
"""

from __future__ import annotations

import os

# Before anything imports Qt: headless rendering and a defined locale for every test process.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LANG", "C.UTF-8")
os.environ.setdefault("LC_ALL", "C.UTF-8")

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bo_desktop.sandbox.config import SandboxConfig
from bo_desktop.sandbox.server import SandboxServer

TEST_PLAYERS = 300
TEST_SEED = 4242
TEST_SIMULATOR_RATE = 0.5
POSTGRES_URL = os.environ.get("BO_TEST_POSTGRES_URL") or None


def _database_url(folder: Path, name: str) -> str:
    return POSTGRES_URL or f"sqlite:///{folder / name}.db"


def test_config(folder: Path, name: str, **changes: Any) -> SandboxConfig:
    """The configuration test servers start from (small, fast, loopback, random port)."""
    config = SandboxConfig(
        port=0,
        database_url=_database_url(folder, name),
        seed=TEST_SEED,
        players=TEST_PLAYERS,
        reset=True,
        simulator=True,
        simulator_rate=TEST_SIMULATOR_RATE,
        # The simulator would pay approved withdrawals after a few seconds and race every test
        # that approves and then checks "approved": tests settle payouts themselves
        # (bo_desktop.sandbox.payouts.settle_payouts).
        payout_delay_seconds=24 * 3600,
    )
    return replace(config, **changes)


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    server = SandboxServer(test_config(tmp_path_factory.mktemp("sandbox"), "session"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _fresh_postgres_url() -> str:
    """A second PostgreSQL database next to the session one (created once), so a fresh server's
    reseed never drops the tables under the running session server."""
    import sqlalchemy as sa

    assert POSTGRES_URL is not None
    url = sa.make_url(POSTGRES_URL)
    fresh = url.set(database=f"{url.database}_fresh")
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": fresh.database}
            ).first()
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{fresh.database}"'))
    finally:
        engine.dispose()
    return fresh.render_as_string(hide_password=False)


@pytest.fixture
def fresh_sandbox(tmp_path: Path) -> Iterator[Callable[..., SandboxServer]]:
    """``fresh_sandbox(players=50, simulator=False, ...)`` → a started server of its own.

    Keyword arguments override ``SandboxConfig`` fields; ``reset=False`` with the same
    ``database_url`` reuses the previous server's data (restart tests). On PostgreSQL the fresh
    servers share one extra database, so stop one before resetting it with another.
    """
    servers: list[SandboxServer] = []

    def make(**changes: Any) -> SandboxServer:
        if POSTGRES_URL:
            changes.setdefault("database_url", _fresh_postgres_url())
            if changes.get("reset", True) and any(s.running for s in servers):
                pytest.fail("on PostgreSQL, stop the previous fresh sandbox before reseeding")
        server = SandboxServer(test_config(tmp_path, f"fresh{len(servers)}", **changes))
        servers.append(server)
        server.start()
        return server

    yield make
    for server in reversed(servers):
        server.stop()

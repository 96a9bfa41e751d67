"""Helpers for the API-client tests against the real sandbox (fixtures from tests/conftest.py).

Tests here are plain functions that drive coroutines with :func:`run` (no pytest-asyncio), each
with its own short-lived ApiClient, so no loop or connection outlives a test.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Coroutine
from datetime import timedelta
from typing import Any, TypeVar

import sqlalchemy as sa

from bo_desktop.contract.chaos import ChaosConfig
from bo_desktop.core.api import ApiClient, RetryPolicy
from bo_desktop.sandbox import db
from bo_desktop.sandbox.config import DEMO_STAFF_PASSWORD

T = TypeVar("T")

USER_AGENT = "bo-desktop-tests"
# Short but real backoff: keeps the suite quick while still exercising the retry path.
FAST_RETRY = RetryPolicy(base_delay=0.05, max_delay=0.2, total_budget=10.0)


def run(coro: Coroutine[Any, Any, T], timeout: float = 60.0) -> T:
    """Run one coroutine on a fresh loop, with a hard timeout so a hang fails instead of stalling."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


def password_of(server: Any) -> str:
    return str(getattr(server, "staff_password", DEMO_STAFF_PASSWORD))


def make_client(server: Any, *, retry: RetryPolicy = FAST_RETRY, timeout: float = 15.0) -> ApiClient:
    """An unauthenticated client of ``server`` (a sandbox fixture object with ``.url``)."""
    return ApiClient(server.url, user_agent=USER_AGENT, retry=retry, timeout=timeout)


@contextlib.asynccontextmanager
async def signed_in(server: Any, username: str, **kwargs: Any) -> AsyncIterator[ApiClient]:
    """A client signed in as a demo staff member, closed (not logged out) afterwards."""
    client = make_client(server, **kwargs)
    try:
        await client.login(username, password_of(server))
        yield client
    finally:
        await client.aclose()


@contextlib.asynccontextmanager
async def chaos(server: Any, **settings: Any) -> AsyncIterator[ApiClient]:
    """Switch fault injection on for the block (as the admin), and always off again.

    Yields the admin client so a test can change the settings mid-flight (``set_chaos``).
    """
    async with signed_in(server, "admin", retry=RetryPolicy(max_attempts=1)) as admin:
        await set_chaos(admin, **settings)
        try:
            yield admin
        finally:
            await set_chaos(admin)


async def set_chaos(admin: ApiClient, **settings: Any) -> None:
    """Replace the chaos settings (no arguments: everything off)."""
    await admin.send("PUT", "admin/chaos", body=ChaosConfig(**settings), model=ChaosConfig)


def make_withdrawal(server: Any, *, amount_eur_minor: int = 50_000) -> str:
    """Arrange a fresh pending, low-risk withdrawal nobody else knows about; returns its id.

    Written straight into the sandbox's database because the API deliberately cannot create one
    (players request withdrawals on the casino side). Only used to arrange, never to check.
    """
    with server.state.sessionmaker.begin() as session:
        player = session.scalars(sa.select(db.Player).order_by(db.Player.id).limit(1)).one()
        withdrawal_id = db.next_id(session, "withdrawal")
        now = db.utcnow()
        session.add(
            db.Withdrawal(
                id=withdrawal_id,
                player_id=player.id,
                player_name=f"{player.first_name} {player.last_name}",
                amount_minor=amount_eur_minor,
                currency="EUR",
                amount_eur_minor=amount_eur_minor,
                psp="trustly",
                method="bank_transfer",
                destination_masked="SE** **** 1234",
                requested_at=now - timedelta(minutes=1),
                status="pending",
                risk_score=10,
                risk_level="low",
                risk_signals=[],
                requires_four_eyes=False,
                updated_at=now,
            )
        )
    return withdrawal_id

"""TokenSession: one refresh per expiry, however many requests hit the 401 together.

The refresher here is a plain coroutine standing in for ``POST /auth/refresh`` so the
single-flight logic can be tested in isolation; the same behaviour against the real sandbox is in
tests/integration/test_client_auth.py.
"""

from __future__ import annotations

import asyncio

import pytest

from bo_desktop.contract import Problem
from bo_desktop.contract.auth import TokenPair
from bo_desktop.core.api.errors import AuthError, Offline, SessionExpired
from bo_desktop.core.api.session import TokenSession


def pair(n: int) -> TokenPair:
    return TokenPair(access_token=f"a{n}", refresh_token=f"r{n}", expires_in=60, refresh_expires_in=600)


class Refresher:
    def __init__(self, fail_with: Exception | None = None) -> None:
        self.calls = 0
        self.fail_with = fail_with

    async def __call__(self, refresh_token: str) -> TokenPair:
        self.calls += 1
        await asyncio.sleep(0.01)  # let every waiter pile up behind the first
        if self.fail_with is not None:
            raise self.fail_with
        return pair(self.calls + 1)


def test_concurrent_refreshes_share_one_call() -> None:
    async def main() -> None:
        refresher = Refresher()
        rotated: list[str | None] = []
        session = TokenSession(refresher, rotated.append)
        session.set_tokens(pair(1))
        await asyncio.gather(*(session.refresh_after("a1") for _ in range(20)))
        assert refresher.calls == 1
        assert session.access_token == "a2"
        assert rotated == ["r1", "r2"]
        # A request that used the old token after the refresh finished does not refresh again.
        await session.refresh_after("a1")
        assert refresher.calls == 1

    asyncio.run(main())


def test_rejected_refresh_clears_session_and_raises_session_expired() -> None:
    async def main() -> None:
        problem = Problem(title="t", status=401, code="refresh_token_reused", detail="reused")
        rotated: list[str | None] = []
        session = TokenSession(Refresher(AuthError(problem)), rotated.append)
        session.set_tokens(pair(1))
        results = await asyncio.gather(
            *(session.refresh_after("a1") for _ in range(3)), return_exceptions=True
        )
        assert all(isinstance(r, SessionExpired) for r in results)
        assert session.refresh_token is None and session.access_token is None
        assert rotated == ["r1", None]

    asyncio.run(main())


def test_unreachable_server_keeps_tokens() -> None:
    async def main() -> None:
        session = TokenSession(Refresher(Offline(Problem(title="t", status=0))), lambda _: None)
        session.set_tokens(pair(1))
        with pytest.raises(Offline):
            await session.refresh_after("a1")
        assert session.refresh_token == "r1"

    asyncio.run(main())


def test_cancelled_waiter_does_not_cancel_the_shared_refresh() -> None:
    async def main() -> None:
        refresher = Refresher()
        session = TokenSession(refresher, lambda _: None)
        session.set_tokens(pair(1))
        first = asyncio.ensure_future(session.refresh_after("a1"))
        second = asyncio.ensure_future(session.refresh_after("a1"))
        await asyncio.sleep(0)
        first.cancel()
        await second
        assert session.access_token == "a2"

    asyncio.run(main())


def test_repr_hides_tokens() -> None:
    session = TokenSession(Refresher(), lambda _: None)
    session.set_tokens(pair(1))
    assert "a1" not in repr(session) and "r1" not in repr(session)

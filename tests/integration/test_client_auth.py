"""Sign-in, remember-me, logout and the shared token refresh, against the real sandbox."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from client_support import make_client, password_of, run, signed_in

from bo_desktop.contract.auth import Me
from bo_desktop.contract.enums import Permission, Role
from bo_desktop.contract.payments import Withdrawal
from bo_desktop.core.api import ApiError, InvalidCredentials, SessionExpired


def test_login_returns_me_with_permissions(sandbox: Any) -> None:
    async def main() -> Me:
        async with signed_in(sandbox, "payments1") as client:
            assert client.me is not None and client.refresh_token
            return client.me

    me = run(main())
    assert me.username == "payments1"
    assert Role.PAYMENTS in me.roles
    assert me.can(Permission.WITHDRAWALS_DECIDE)


def test_wrong_password_is_invalid_credentials(sandbox: Any) -> None:
    async def main() -> None:
        async with make_client(sandbox) as client:
            with pytest.raises(InvalidCredentials) as caught:
                await client.login("payments1", "not-the-password")
            assert caught.value.user_message == "Wrong username or password."
            assert client.me is None and client.refresh_token is None

    run(main())


def test_resume_rotates_the_refresh_token_and_logout_revokes_it(sandbox: Any) -> None:
    async def main() -> None:
        async with signed_in(sandbox, "support") as first:
            remembered = first.refresh_token
            assert remembered is not None

        async with make_client(sandbox) as second:
            seen: list[str | None] = []
            second.on_refresh_token_changed = seen.append
            me = await second.resume(remembered)
            assert me.username == "support"
            rotated = second.refresh_token
            assert rotated is not None and rotated != remembered
            assert seen[-1] == rotated  # the shell's keyring hears about every rotation
            await second.logout()
            assert seen[-1] is None and second.me is None

        async with make_client(sandbox) as third:
            # The old token was rotated away; the rotated one was revoked by the logout.
            for token in (remembered, rotated):
                with pytest.raises(SessionExpired):
                    await third.resume(token)

    run(main())


def test_expired_token_is_refreshed_once_for_concurrent_requests(short_ttl_server: Any) -> None:
    server = short_ttl_server

    async def main() -> None:
        async with signed_in(server, "payments1") as client:
            rotations: list[str | None] = []
            client.on_refresh_token_changed = rotations.append
            await asyncio.sleep(1.5)  # let the 1-second access token expire
            pages = await asyncio.gather(
                *(client.get_page("withdrawals", Withdrawal, params={"limit": 5}) for _ in range(12))
            )
            assert all(page.data for page in pages)
            assert client.refresh_count == 1
            assert len(rotations) == 1

    run(main())


def test_refresh_token_reuse_signs_out(short_ttl_server: Any) -> None:
    server = short_ttl_server

    async def main() -> None:
        async with signed_in(server, "support") as original:
            stolen = original.refresh_token
            assert stolen is not None
            await asyncio.sleep(1.5)
            await original.get("me", Me)  # refreshes: `stolen` is now rotated away
            assert original.refresh_count == 1
            async with make_client(server) as thief:
                with pytest.raises(SessionExpired):
                    await thief.resume(stolen)

    run(main())


def test_secrets_never_reach_logs_reprs_or_errors(sandbox: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    password = password_of(sandbox)
    texts: list[str] = []

    async def main() -> list[str]:
        secrets: list[str] = []
        async with make_client(sandbox) as client:
            rotations: list[str | None] = []
            client.on_refresh_token_changed = rotations.append
            await client.login("compliance", password)
            # The access token is private on purpose; the test reads it to know what to look for.
            secrets += [t for t in rotations if t] + [client._session.access_token or ""]
            texts.append(repr(client))
            texts.append(repr(client._session))
            for call in (
                client.get("withdrawals/W-999999999", Withdrawal),
                client.login("compliance", "wrong-" + password),
                client.login("compliance", "wrong-" + password * 60),  # too long: a 422
            ):
                try:
                    await call
                except ApiError as exc:
                    texts.extend([str(exc), repr(exc), exc.user_message])
            await client.logout()
        return secrets

    secrets = [s for s in run(main()) if s]
    assert secrets
    everything = "\n".join(texts + [r.getMessage() for r in caplog.records] + [caplog.text])
    for secret in [*secrets, "wrong-" + password]:
        assert secret not in everything

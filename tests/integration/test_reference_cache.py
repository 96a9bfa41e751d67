"""The reference cache against the real sandbox: ETag sync, 304s, offline start, no secrets."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from client_support import run, signed_in

from bo_desktop.contract.reference import ReferenceDataset
from bo_desktop.core.api import ApiClient, Offline, RetryPolicy
from bo_desktop.core.cache import ReferenceCache, SyncResult


def test_sync_then_resync_is_all_304_and_rewrites_nothing(sandbox: Any, tmp_path: Path) -> None:
    path = tmp_path / "server.db"

    async def main() -> tuple[SyncResult, SyncResult, list[str]]:
        cache = ReferenceCache(path)
        async with signed_in(sandbox, "payments1") as client:
            first = await cache.sync(client)
            first_synced = cache.last_synced_at
            second = await cache.sync(client)
            single = await cache.sync_dataset(client, "reason-codes")
            assert single.unchanged == (ReferenceDataset.REASON_CODES,)
            assert cache.last_synced_at is not None and first_synced is not None
            assert cache.last_synced_at >= first_synced
            assert client.me is not None
            assert cache.staff_name(client.me.staff_id) == client.me.display_name
            secrets = [client.refresh_token or "", client._session.access_token or ""]
        await cache.close()
        return first, second, secrets

    first, second, secrets = run(main())
    assert set(first.changed) == set(ReferenceDataset) and first.ok
    assert first.rows_written > 0
    assert second.changed == () and set(second.unchanged) == set(ReferenceDataset)
    assert second.rows_written == 0

    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("server.db"))
    for secret in filter(None, secrets):
        assert secret.encode() not in raw


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_offline_start_from_an_existing_cache(sandbox: Any, tmp_path: Path) -> None:
    path = tmp_path / "server.db"

    async def fill() -> None:
        cache = ReferenceCache(path)
        async with signed_in(sandbox, "support") as client:
            await cache.sync(client)
        await cache.close()

    run(fill())

    async def offline() -> ReferenceCache:
        cache = ReferenceCache(path)
        await cache.open()
        dead = ApiClient(
            f"http://127.0.0.1:{unused_port()}", user_agent="tests", retry=RetryPolicy(max_attempts=1)
        )
        async with dead:
            with pytest.raises(Offline):
                await cache.sync(dead)
        await cache.close()
        return cache

    cache = run(offline())
    assert cache.has_data and cache.last_synced_at is not None
    assert cache.psp_name("trustly") == "Trustly"
    assert cache.reason_codes("withdrawal_reject")
    assert cache.eur_rate("EUR") == 1.0


def test_unreachable_server_login_is_offline() -> None:
    async def main() -> None:
        async with ApiClient(f"http://127.0.0.1:{unused_port()}", user_agent="tests") as client:
            with pytest.raises(Offline) as caught:
                await client.login("payments1", "whatever")
            assert "reach" in caught.value.user_message

    run(main())
